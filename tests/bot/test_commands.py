"""`/glean` end to end: every subcommand and button, replies only the caller sees, and another person's
attempts on someone's chats and files refused (own identity and act-as)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from glean_chat import Glean
from local_glean import LocalGlean
from local_glean.config import SAMPLE_APPLICATIONS_FILE, LocalGleanConfig
from slack_sandbox import Sandbox
from tests.harness import Bot, forged_click, saved_chats, start_bot

ACT_AS = {"GLEAN_API_TOKEN": "dev-global-token", "GLEAN_ACT_AS": "asker"}
HOLIDAYS = "What are the company holidays in 2025?"
PTO = "How many PTO days do I get?"
VPN = "How do I set up the VPN on my laptop?"


class CommandLog(logging.Handler):
    """The command listener's one log line per command or click: tests wait for it before running jobs."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "event", "") == "command":
            with self._lock:
                self.records.append(dict(record.__dict__))

    def count(self) -> int:
        with self._lock:
            return len(self.records)


@pytest.fixture
def command_log() -> Iterator[CommandLog]:
    handler = CommandLog()
    logger = logging.getLogger("gleanbot.commands")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _glean(
    bot: Bot, log: CommandLog, user: str, text: str, channel: str = "C_GENERAL"
) -> list[dict[str, Any]]:
    """Run `/glean text` as `user`, then the jobs it queued; return what `user` now sees privately there."""
    before = log.count()
    delivery = bot.sandbox.slash_command(user, channel, "/glean", text)
    assert delivery.ok and delivery.elapsed_s < 3  # acked within Slack's deadline
    bot.sandbox.wait_for(lambda: log.count() > before)
    bot.work()
    return bot.sandbox.ephemerals(channel, user)[-1]


def _click(
    bot: Bot, log: CommandLog, user: str, channel: str, ts: str, action_id: str, value: str | None = None
) -> None:
    before = log.count()
    assert bot.sandbox.click(user, channel, ts, action_id, value).ok
    bot.sandbox.wait_for(lambda: log.count() > before)
    bot.work()


def _forge_click(bot: Bot, user: str, channel: str, action_id: str, value: str, message_ts: str) -> None:
    """A signed click Slack would never send (on a message the user cannot see), e.g. with someone's value."""
    payload = forged_click(bot, user, channel, action_id, value, message_ts)
    assert bot.sandbox.deliver_action(payload).ok


def _text(message: dict[str, Any]) -> str:
    return message.get("text", "") + json.dumps(message.get("blocks") or [])


def _element(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} in the message")


def _turns(chat: Any) -> list[str]:
    return [
        "".join(f.text or "" for f in m.fragments or []) for m in chat.messages or [] if m.author == "USER"
    ]


def _asked(bot: Bot, text: str, **kw: Any) -> dict[str, Any]:
    message = bot.ask(text, **kw)
    bot.work()
    return message


# -- help, ask, app ----------------------------------------------------------------------------------
def test_help_and_unknown_subcommands_show_usage(bot: Bot) -> None:
    help_reply = bot.sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "")
    assert "/glean clear all" in help_reply.response_body and "mention me" in help_reply.response_body
    unknown = bot.sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "frobnicate now")
    assert "I don't know `frobnicate`" in unknown.response_body and "/glean history" in unknown.response_body
    assert bot.queue.count == 0
    assert bot.sandbox.messages("C_GENERAL") == []  # never public
    assert len(bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")) == 2


def test_ask_answers_privately_and_only_the_asker_can_share_it(bot: Bot, command_log: CommandLog) -> None:
    answer = _glean(bot, command_log, "U_ALICE", f"ask {HOLIDAYS}")
    assert "holidays-2025" in _text(answer) and "*Sources*" in _text(answer)
    assert _element(answer, "gleanbot_share")["text"]["text"] == "Share to channel"
    assert bot.sandbox.messages("C_GENERAL") == [] and bot.sandbox.ephemerals("C_GENERAL", "U_BOB") == []
    share_id = _element(answer, "gleanbot_share")["value"]
    _forge_click(bot, "U_BOB", "C_GENERAL", "gleanbot_share", share_id, answer["ts"])
    [refusal] = bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals("C_GENERAL", "U_BOB"))
    assert "Only the person who asked" in refusal["text"]
    assert bot.sandbox.click("U_ALICE", "C_GENERAL", answer["ts"], "gleanbot_share").ok
    [shared] = bot.sandbox.wait_for(lambda: bot.sandbox.messages("C_GENERAL"))
    assert "Shared by <@U_ALICE>" in _text(shared) and "holidays-2025" in _text(shared)


def test_ask_acts_as_the_asker(make_bot: Callable[..., Bot], command_log: CommandLog) -> None:
    bot = make_bot(**ACT_AS)
    answer = _glean(bot, command_log, "U_ALICE", f"ask {HOLIDAYS}")
    assert "holidays-2025" in _text(answer)
    [chat] = saved_chats(bot, "dev-global-token", act_as="alice@example.com")
    assert _turns(chat) == [HOLIDAYS]
    assert saved_chats(bot, "dev-global-token", act_as="bob@example.com") == []


def test_ask_is_refused_in_slack_connect_channels(bot: Bot, command_log: CommandLog) -> None:
    reply = _glean(bot, command_log, "U_ALICE", f"ask {HOLIDAYS}", channel="C_SHARED")
    assert "Slack Connect" in reply["text"] and bot.queue.count == 0
    assert saved_chats(bot) == []


def test_app_shows_the_channels_glean_assistant(
    sandbox: Sandbox, redis_url: str, command_log: CommandLog, tmp_path: Path
) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text(
        "channels:\n  C_GENERAL:\n    application_id: people\n  G_PRIVATE:\n    application_id: nope\n"
    )
    config = LocalGleanConfig(data_dir=tmp_path / "glean", applications_file=SAMPLE_APPLICATIONS_FILE)
    with LocalGlean(config) as glean:
        bot = start_bot(sandbox, glean, redis_url, GLEANBOT_CHANNELS=str(policy))
        try:
            reply = _glean(bot, command_log, "U_ALICE", "app")
            assert "*People Ops assistant* (`people`)" in reply["text"] and "Time off" in reply["text"]
            reply = _glean(bot, command_log, "U_ALICE", "app", channel="D_ALICE")
            assert "default assistant" in reply["text"]
            reply = _glean(bot, command_log, "U_ALICE", "app", channel="G_PRIVATE")
            assert "Glean doesn't know it" in reply["text"]
        finally:
            bot.stop()


# -- history -----------------------------------------------------------------------------------------
def test_history_lists_only_a_persons_own_chats_newest_first_in_their_time_zone(
    bot: Bot, command_log: CommandLog
) -> None:
    first = _asked(bot, HOLIDAYS)
    _asked(bot, VPN)
    _asked(bot, PTO, user="U_BOB")
    _asked(bot, "And are there floating holidays?", user="U_BOB", thread_ts=first["ts"])  # now shared

    listing = _glean(bot, command_log, "U_ALICE", "history")
    text = listing["text"]
    assert "Pacific Daylight Time" in text
    assert "1. " in text and "2. " not in text  # the shared thread is not Alice's alone
    assert "where others asked too" in text
    [vpn_chat] = [c for c in saved_chats(bot) if _turns(c) == [VPN]]
    local = datetime.fromtimestamp(vpn_chat.update_time, timezone(timedelta(hours=-7)))
    assert f"{local:%H:%M}" in text

    bob_listing = _glean(bot, command_log, "U_BOB", "history")
    assert "Eastern Daylight Time" in bob_listing["text"] and "2. " not in bob_listing["text"]

    shown = _glean(bot, command_log, "U_ALICE", "history 1")
    assert f"*You:* {VPN}" in shown["text"] and "*Glean:*" in shown["text"]
    assert PTO not in shown["text"] and "floating" not in shown["text"]
    missing = _glean(bot, command_log, "U_ALICE", "history 5")
    assert "no conversation number 5" in missing["text"]


def test_history_in_act_as_mode_is_the_persons_glean_list(
    make_bot: Callable[..., Bot], command_log: CommandLog
) -> None:
    bot = make_bot(**ACT_AS)
    question = _asked(bot, HOLIDAYS)
    _asked(bot, PTO, user="U_BOB", thread_ts=question["ts"])  # Bob's own chat in the same thread
    alice = _glean(bot, command_log, "U_ALICE", "history")
    bob = _glean(bot, command_log, "U_BOB", "history")
    assert "1. " in alice["text"] and "2. " not in alice["text"]
    assert "1. " in bob["text"] and "2. " not in bob["text"]
    alice_one = _glean(bot, command_log, "U_ALICE", "history 1")
    bob_one = _glean(bot, command_log, "U_BOB", "history 1")
    assert HOLIDAYS in alice_one["text"] and PTO not in alice_one["text"]
    assert PTO in bob_one["text"] and HOLIDAYS not in bob_one["text"]


# -- clear ---------------------------------------------------------------------------------------------
def test_clear_deletes_only_the_persons_own_chats_in_this_channel(bot: Bot, command_log: CommandLog) -> None:
    mine = _asked(bot, HOLIDAYS)
    shared = _asked(bot, VPN)
    _asked(bot, "Does it work on Linux too?", user="U_BOB", thread_ts=shared["ts"])
    bobs = _asked(bot, PTO, user="U_BOB")
    dm = _asked(bot, "expense policy", channel="D_ALICE")
    mine_chat = bot.store.chat_id("T0SANDBOX", "C_GENERAL", mine["ts"])
    assert len(saved_chats(bot)) == 4

    reply = _glean(bot, command_log, "U_ALICE", "clear")
    assert "Deleted 1 conversation from this channel's threads" in reply["text"]
    assert "1 conversation where others asked too" in reply["text"]
    remaining = {c.id for c in saved_chats(bot)}
    assert mine_chat not in remaining and len(remaining) == 3
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", mine["ts"]) is None
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", shared["ts"]) in remaining
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", bobs["ts"]) in remaining
    assert bot.store.chat_id("T0SANDBOX", "D_ALICE", dm["ts"]) in remaining

    # The thread goes on, as a fresh chat.
    follow_up = bot.ask("And floating holidays?", thread_ts=mine["ts"])
    assert bot.outcomes.for_ts(follow_up["ts"]) == ["enqueued:followup"]
    bot.work()
    fresh = bot.store.chat_id("T0SANDBOX", "C_GENERAL", mine["ts"])
    assert fresh and fresh != mine_chat
    [chat] = [c for c in saved_chats(bot) if c.id == fresh]
    assert _turns(chat) == ["And floating holidays?"]

    again = _glean(bot, command_log, "U_ALICE", "clear")
    assert "Deleted 1 conversation" in again["text"]
    bob_reply = _glean(bot, command_log, "U_BOB", "clear", channel="C_GENERAL")
    assert "Deleted 1 conversation" in bob_reply["text"]  # his own thread only; the shared one stays
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", shared["ts"]) is not None


def test_clear_in_act_as_mode_deletes_the_persons_own_chat_of_a_shared_thread(
    make_bot: Callable[..., Bot], command_log: CommandLog
) -> None:
    bot = make_bot(**ACT_AS)
    question = _asked(bot, HOLIDAYS)
    _asked(bot, PTO, user="U_BOB", thread_ts=question["ts"])
    reply = _glean(bot, command_log, "U_ALICE", "clear")
    assert "Deleted 1 conversation" in reply["text"]
    assert saved_chats(bot, "dev-global-token", act_as="alice@example.com") == []
    [bobs] = saved_chats(bot, "dev-global-token", act_as="bob@example.com")
    assert _turns(bobs) == [PTO]
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"], "U_BOB") == bobs.id


def test_clear_all_asks_first_and_deletes_only_the_persons_chats(
    make_bot: Callable[..., Bot], command_log: CommandLog
) -> None:
    bot = make_bot(**ACT_AS)
    _asked(bot, HOLIDAYS)
    _asked(bot, "expense policy", channel="D_ALICE")
    _asked(bot, PTO, user="U_BOB")
    with Glean(bearer_auth="dev-global-token", server_url=bot.glean.base_url) as g:
        # A chat Alice made in Glean itself, outside Slack: also hers.
        g.client.chat.start(
            messages=[{"fragments": [{"text": VPN}]}], save_chat=True, x_scio_actas="alice@example.com"
        )
    assert len(saved_chats(bot, "dev-global-token", act_as="alice@example.com")) == 3

    ask = _glean(bot, command_log, "U_ALICE", "clear all")
    assert "Delete all your saved conversations?" in _text(ask)
    assert len(saved_chats(bot, "dev-global-token", act_as="alice@example.com")) == 3  # nothing yet
    _click(bot, command_log, "U_ALICE", "C_GENERAL", ask["ts"], "gleanbot_clear_all_cancel")
    assert "Cancelled" in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"]

    confirm = _glean(bot, command_log, "U_ALICE", "clear all")
    nonce = _element(confirm, "gleanbot_clear_all_confirm")["value"]
    # Bob forges a click with Alice's confirmation: refused, and it deletes nothing of anyone's.
    before = command_log.count()
    _forge_click(bot, "U_BOB", "C_GENERAL", "gleanbot_clear_all_confirm", nonce, confirm["ts"])
    bot.sandbox.wait_for(lambda: command_log.count() > before)
    bot.work()
    assert "isn't yours" in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")[-1]["text"]
    assert len(saved_chats(bot, "dev-global-token", act_as="alice@example.com")) == 3
    assert len(saved_chats(bot, "dev-global-token", act_as="bob@example.com")) == 1

    _click(bot, command_log, "U_ALICE", "C_GENERAL", confirm["ts"], "gleanbot_clear_all_confirm")
    assert "Deleted all your saved Glean chats" in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"]
    assert saved_chats(bot, "dev-global-token", act_as="alice@example.com") == []
    assert len(saved_chats(bot, "dev-global-token", act_as="bob@example.com")) == 1
    assert bot.store.my_threads("T0SANDBOX", "U_ALICE") == []
    assert len(bot.store.my_threads("T0SANDBOX", "U_BOB")) == 1
    # The confirmation works once.
    _forge_click(bot, "U_ALICE", "C_GENERAL", "gleanbot_clear_all_confirm", nonce, confirm["ts"])
    bot.sandbox.wait_for(lambda: "expired" in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"])


def test_clear_all_with_the_tokens_own_identity_spares_everyone_else(
    bot: Bot, command_log: CommandLog
) -> None:
    mine = _asked(bot, HOLIDAYS)
    _asked(bot, "expense policy", channel="D_ALICE")
    shared = _asked(bot, VPN)
    _asked(bot, "Does it work on Linux too?", user="U_BOB", thread_ts=shared["ts"])
    _asked(bot, PTO, user="U_BOB")
    confirm = _glean(bot, command_log, "U_ALICE", "clear all")
    assert "Threads where others asked too are left" in _text(confirm)
    _click(bot, command_log, "U_ALICE", "C_GENERAL", confirm["ts"], "gleanbot_clear_all_confirm")
    reply = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"]
    assert "Deleted 2 conversations that were yours alone" in reply
    assert {_turns(c)[0] for c in saved_chats(bot)} == {PTO, VPN}  # Bob's, and the shared one
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", mine["ts"]) is None


# -- Start over and feedback -------------------------------------------------------------------------
def test_start_over_deletes_the_thread_chat_for_its_owner_only(bot: Bot, command_log: CommandLog) -> None:
    question = _asked(bot, HOLIDAYS)
    [answer] = bot.replies(question["ts"])
    button = _element(answer, "gleanbot_start_over")
    assert button["type"] == "icon_button" and button["visible_to_user_ids"] == ["U_ALICE"]
    chat_id = bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"])

    _click(bot, command_log, "U_BOB", "C_GENERAL", answer["ts"], "gleanbot_start_over")
    assert "only they can start it over" in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")[-1]["text"]
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"]) == chat_id

    _click(bot, command_log, "U_ALICE", "C_GENERAL", answer["ts"], "gleanbot_start_over")
    assert "Started over" in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"]
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"]) is None
    assert saved_chats(bot) == []
    assert len(bot.replies(question["ts"])) == 1  # the answer itself stays in the thread

    # Once others have asked in the thread, it isn't Alice's alone any more.
    _asked(bot, "And floating holidays?", thread_ts=question["ts"])
    _asked(bot, "Is Boxing Day one?", user="U_BOB", thread_ts=question["ts"])
    latest = bot.replies(question["ts"])[-2]  # Alice's second answer
    assert _element(latest, "gleanbot_start_over")["value"].endswith("|U_ALICE")
    _click(bot, command_log, "U_ALICE", "C_GENERAL", latest["ts"], "gleanbot_start_over")
    assert "isn't yours alone" in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"]
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"]) is not None
    # A forged value naming Bob as the owner does not get around it either.
    _forge_click(bot, "U_BOB", "C_GENERAL", "gleanbot_start_over", f"{question['ts']}|U_BOB", latest["ts"])
    bot.sandbox.wait_for(
        lambda: "isn't yours alone" in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")[-1]["text"]
    )
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"]) is not None


def test_start_over_on_a_private_answer_deletes_the_askers_own_chat(
    make_bot: Callable[..., Bot], command_log: CommandLog
) -> None:
    bot = make_bot(**ACT_AS)
    question = _asked(bot, HOLIDAYS)
    _asked(bot, PTO, user="U_BOB", thread_ts=question["ts"])
    [answer] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    _click(bot, command_log, "U_ALICE", "C_GENERAL", answer["ts"], "gleanbot_start_over")
    assert "Started over" in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"]
    assert saved_chats(bot, "dev-global-token", act_as="alice@example.com") == []
    assert len(saved_chats(bot, "dev-global-token", act_as="bob@example.com")) == 1


def test_feedback_is_recorded_counted_and_logged(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    question = _asked(bot, HOLIDAYS)
    [answer] = bot.replies(question["ts"])
    total = "gleanbot:T0SANDBOX:feedback_total:{}"
    with caplog.at_level(logging.INFO, logger="gleanbot.actions"):
        for user, value in [("U_ALICE", "good"), ("U_BOB", "good"), ("U_BOB", "good"), ("U_BOB", "bad")]:
            assert bot.sandbox.click(user, "C_GENERAL", answer["ts"], "gleanbot_feedback", value=value).ok
        bot.sandbox.wait_for(
            lambda: len([r for r in caplog.records if getattr(r, "event", "") == "feedback"]) == 4
        )
    # Votes, not clicks: Bob's repeat counts once, and his change moves his vote.
    assert bot.store.redis.get(total.format("good")) == "1"
    assert bot.store.redis.get(total.format("bad")) == "1"
    assert bot.store.redis.ttl(total.format("good")) > 0
    lines = [
        (r.user_id, r.reason, r.status, r.count)
        for r in caplog.records
        if getattr(r, "event", "") == "feedback"
    ]
    assert sorted(lines, key=str) == sorted(
        [
            ("U_ALICE", "good", "new", 1),
            ("U_BOB", "good", "new", 2),
            ("U_BOB", "good", "repeated", 2),
            ("U_BOB", "bad", "changed", 1),
        ],
        key=str,
    )


# -- files ---------------------------------------------------------------------------------------------
PLAN = b"# Project Zorblax launch plan\n\nThe Zorblax launch is scheduled for 14 March 2026 from launch pad 39B.\n"


def _share(bot: Bot, user: str, name: str, content: bytes, question: str) -> dict[str, Any]:
    message = bot.sandbox.upload_file(user, "C_GENERAL", name, content, "text/markdown", text=question)
    bot.wait_outcomes(message["ts"])
    bot.work()
    return message


def test_files_lists_and_forgets_only_the_persons_own_files(bot: Bot, command_log: CommandLog) -> None:
    alice_msg = _share(bot, "U_ALICE", "zorblax-plan.md", PLAN, "When is the Zorblax launch?")
    _share(bot, "U_ALICE", "notes.bin", b"\x00\x01", "What do these notes say?")  # Glean FAILS it
    bob_msg = _share(
        bot,
        "U_BOB",
        "bob-budget.md",
        b"# Budget\n\nThe Q3 budget is 40 thousand.\n",
        "What is the Q3 budget?",
    )
    [alice_file] = bot.store.thread_files("T0SANDBOX", "C_GENERAL", alice_msg["ts"])
    [bob_file] = bot.store.thread_files("T0SANDBOX", "C_GENERAL", bob_msg["ts"])

    listing = _glean(bot, command_log, "U_ALICE", "files")["text"]
    assert "*zorblax-plan.md*: ready · shared " in listing and "Pacific Daylight Time" in listing
    assert (
        "*notes.bin*: Glean can't read this kind of file" in listing
        and "FILE_EXTENSION_UNSUPPORTED" in listing
    )
    assert "bob-budget" not in listing
    bob_listing = _glean(bot, command_log, "U_BOB", "files")["text"]
    assert "bob-budget.md" in bob_listing and "zorblax" not in bob_listing
    assert (
        "haven't shared any files" in _glean(bot, command_log, "U_ALICE", "files", channel="D_ALICE")["text"]
    )

    # Bob forgets his files: Alice's are untouched, in Glean and in her thread.
    assert (
        "Deleted 1 file from Glean: *bob-budget.md*"
        in _glean(bot, command_log, "U_BOB", "files forget")["text"]
    )
    with Glean(bearer_auth="dev-token", server_url=bot.glean.base_url) as g:
        assert g.client.chat.get_files(file_ids=[alice_file]).files
        with pytest.raises(Exception, match="404"):
            g.client.chat.get_files(file_ids=[bob_file])
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", alice_msg["ts"]) == [alice_file]
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", bob_msg["ts"]) == []

    forgot = _glean(bot, command_log, "U_ALICE", "files forget")["text"]
    assert "Deleted 2 files from Glean" in forgot and "zorblax-plan.md" in forgot
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", alice_msg["ts"]) == []
    assert "haven't shared any files" in _glean(bot, command_log, "U_ALICE", "files")["text"]
    # Later questions in the thread no longer send the file.
    bot.ask("And from which launch pad?", thread_ts=alice_msg["ts"])
    bot.work()
    [chat] = [c for c in saved_chats(bot) if "Zorblax" in _turns(c)[0]]
    users = [m for m in chat.messages or [] if m.author == "USER"]
    assert users[0].uploaded_file_ids == [alice_file] and not users[-1].uploaded_file_ids


def test_a_file_glean_no_longer_has_is_shown_as_deleted_and_unmapped(
    bot: Bot, command_log: CommandLog
) -> None:
    message = _share(bot, "U_ALICE", "zorblax-plan.md", PLAN, "When is the Zorblax launch?")
    [file_id] = bot.store.thread_files("T0SANDBOX", "C_GENERAL", message["ts"])
    with Glean(bearer_auth="dev-token", server_url=bot.glean.base_url) as g:
        g.client.chat.delete_files(file_ids=[file_id])  # gone in Glean behind the bot's back
    assert "*zorblax-plan.md*: deleted in Glean" in _glean(bot, command_log, "U_ALICE", "files")["text"]
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", message["ts"]) == []


def test_another_person_can_never_see_clear_or_start_over_someones_chats_or_files(
    bot: Bot, command_log: CommandLog
) -> None:
    message = _share(bot, "U_ALICE", "zorblax-plan.md", PLAN, "When is the Zorblax launch?")
    [chat_before] = saved_chats(bot)
    [file_id] = bot.store.thread_files("T0SANDBOX", "C_GENERAL", message["ts"])
    answer = bot.replies(message["ts"])[-1]

    assert "no saved conversations" in _glean(bot, command_log, "U_BOB", "history")["text"]
    assert "no conversation number 1" in _glean(bot, command_log, "U_BOB", "history 1")["text"]
    assert "no saved conversations" in _glean(bot, command_log, "U_BOB", "clear")["text"]
    confirm = _glean(bot, command_log, "U_BOB", "clear all")
    _click(bot, command_log, "U_BOB", "C_GENERAL", confirm["ts"], "gleanbot_clear_all_confirm")
    assert "Deleted 0 conversations" in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")[-1]["text"]
    assert "haven't shared any files" in _glean(bot, command_log, "U_BOB", "files")["text"]
    assert "nothing to forget" in _glean(bot, command_log, "U_BOB", "files forget")["text"]
    _click(bot, command_log, "U_BOB", "C_GENERAL", answer["ts"], "gleanbot_start_over")
    assert "belongs to <@U_ALICE>" in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")[-1]["text"]
    # Nothing Bob saw mentioned Alice's chat or file, and both are intact.
    assert "Zorblax" not in json.dumps(bot.sandbox.ephemerals("C_GENERAL", "U_BOB"))
    assert [c.id for c in saved_chats(bot)] == [chat_before.id]
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", message["ts"]) == [file_id]
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", message["ts"]) == chat_before.id


def test_ask_failing_in_glean_is_replied_privately(bot: Bot, command_log: CommandLog) -> None:
    bot.glean_fault("chat", status=403)
    reply = _glean(bot, command_log, "U_ALICE", f"ask {HOLIDAYS}")
    assert reply["text"].startswith(":warning: Glean refused access")
    assert bot.sandbox.messages("C_GENERAL") == []


def test_every_new_key_is_namespaced_and_expires(bot: Bot, command_log: CommandLog) -> None:
    message = _share(bot, "U_ALICE", "zorblax-plan.md", PLAN, "When is the Zorblax launch?")
    answer = bot.replies(message["ts"])[-1]
    assert bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], "gleanbot_feedback", value="good").ok
    _glean(bot, command_log, "U_ALICE", f"ask {HOLIDAYS}")
    _glean(bot, command_log, "U_ALICE", "clear all")  # leaves its confirmation key waiting
    client = bot.store.redis
    keys = [k for k in client.scan_iter("*") if not k.startswith("rq:")]
    kinds = {k.split(":")[2] for k in keys}
    assert {
        "participants",
        "mythreads",
        "files",
        "forwarded",
        "myfiles",
        "confirm",
        "feedback_total",
    } <= kinds
    assert all(k.startswith("gleanbot:T0SANDBOX:") for k in keys), keys
    assert all(client.ttl(k) > 0 for k in keys), {k: client.ttl(k) for k in keys}


def test_ask_where_the_bot_is_not_a_member_is_refused_truthfully(bot: Bot, command_log: CommandLog) -> None:
    bot.sandbox.add_channel("G_SECRET", is_private=True, members=["U_ALICE"], bot_is_member=False)
    reply = _glean(bot, command_log, "U_ALICE", f"ask {HOLIDAYS}", channel="G_SECRET")
    assert "I'm not in this conversation" in reply["text"] and bot.queue.count == 0
