"""Message shortcuts: "Ask Glean about this message" (a modal, then the answer in the message's thread with the
message as context) and "Summarize this thread" (private first, with Share), refused where answers are."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.blocks import SHARE_ACTION_ID
from core.notices import NOTICE_EXTERNAL, NOTICE_OFF, NOTICE_STRANGER
from tests.harness import Bot, saved_chats

ASK = "gleanbot_ask_message"
SUMMARIZE = "gleanbot_summarize_thread"
HOLIDAYS_NOTE = "Heads up team: the office is closed on all the company holidays in 2025"
ACT_AS = {"GLEAN_API_TOKEN": "dev-global-token", "GLEAN_ACT_AS": "asker"}


def _user_turns(bot: Bot, token: str = "dev-token", act_as: str | None = None) -> list[str]:
    return [
        "".join(f.text or "" for f in m.fragments or [])
        for c in saved_chats(bot, token, act_as=act_as)
        for m in c.messages or []
        if m.author == "USER"
    ]


def _mention_only(tmp_path: Path, extra: str = "") -> str:
    policy = tmp_path / "channels.yml"
    policy.write_text(f"channels:\n  C_GENERAL:\n    mode: mention\n{extra}")
    return str(policy)


def _ask_modal(bot: Bot, user: str, channel: str, ts: str) -> dict[str, Any]:
    delivery = bot.sandbox.people.surfaces.message_shortcut(user, channel, ts, ASK)
    assert delivery.ok
    [modal] = bot.sandbox.wait_for(lambda: bot.sandbox.people.open_views(user))
    return modal


def _refused(bot: Bot, user: str, channel: str, ts: str, shortcut: str) -> str:
    """Run a message shortcut the bot refuses: the person's one private note, and no modal was opened."""
    bot.sandbox.people.surfaces.message_shortcut(user, channel, ts, shortcut)
    [refusal] = bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals(channel, user))
    assert bot.sandbox.people.open_views(user) == []
    return str(refusal["text"])


def _work_when_queued(bot: Bot) -> None:
    bot.sandbox.wait_for(lambda: bot.queue.count > 0)
    bot.work()


def test_ask_about_someone_elses_message_answers_in_its_thread_with_the_message(
    make_bot: Callable[..., Bot], tmp_path: Path
) -> None:
    # A mention-only channel: Bob's statement is not answered, yet anyone may ask about it from its ⋯ menu.
    bot = make_bot(GLEANBOT_CHANNELS=_mention_only(tmp_path))
    note = bot.ask(HOLIDAYS_NOTE, user="U_BOB")
    bot.work()
    assert bot.replies(note["ts"]) == []
    modal = _ask_modal(bot, "U_ALICE", "C_GENERAL", note["ts"])
    assert modal["title"]["text"] == "Ask Glean"
    assert bot.sandbox.people.submit_view("U_ALICE", modal["id"], {"question": "Which days are those?"}).ok
    assert bot.sandbox.people.open_views("U_ALICE") == []  # the ack closed it
    _work_when_queued(bot)
    [answer] = bot.replies(note["ts"])
    assert answer["thread_ts"] == note["ts"]
    assert any(b.get("type") == "context" or "Sources" in json.dumps(b) for b in answer.get("blocks") or [])
    [turn] = _user_turns(bot)
    # Glean got the message itself, who wrote it, and the question after it.
    bob = bot.sandbox.ws.users["U_BOB"]
    assert turn.startswith("About this Slack message from ")
    assert str(bob["profile"].get("display_name") or bob.get("real_name")) in turn
    assert turn.index(HOLIDAYS_NOTE) < turn.index("Which days are those?")


def test_ask_with_no_question_explains_the_message_and_follows_the_private_policy(
    make_bot: Callable[..., Bot], tmp_path: Path
) -> None:
    bot = make_bot(GLEANBOT_CHANNELS=_mention_only(tmp_path, "    visibility: private\n"))
    note = bot.ask(HOLIDAYS_NOTE, user="U_BOB")
    bot.work()
    root_reply = bot.sandbox.post_message(
        "U_BOB", "C_GENERAL", "and the office is shut", thread_ts=note["ts"]
    )
    modal = _ask_modal(bot, "U_ALICE", "C_GENERAL", root_reply["ts"])
    assert bot.sandbox.people.submit_view("U_ALICE", modal["id"], {}).ok
    _work_when_queued(bot)
    assert bot.replies(note["ts"]) == []  # nothing public: this channel's answers are private
    [private] = bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals("C_GENERAL", "U_ALICE"))
    assert private["thread_ts"] == note["ts"]  # in the thread of the message asked about
    assert SHARE_ACTION_ID in json.dumps(private["blocks"])
    assert bot.sandbox.ephemerals("C_GENERAL", "U_BOB") == []
    [turn] = _user_turns(bot)
    assert "and the office is shut" in turn and "What is this message about?" in turn


def test_ask_about_a_message_forwards_its_files(bot: Bot) -> None:
    plan = b"# Project Zorblax launch plan\n\nThe Zorblax launch is scheduled for 14 March 2026.\n"
    shared = bot.sandbox.upload_file("U_BOB", "C_GENERAL", "zorblax.md", plan, "text/markdown", text="FYI")
    bot.wait_outcomes(shared["ts"])
    bot.work()
    modal = _ask_modal(bot, "U_ALICE", "C_GENERAL", shared["ts"])
    assert bot.sandbox.people.submit_view("U_ALICE", modal["id"], {"question": "When is the launch?"}).ok
    _work_when_queued(bot)
    [chat] = saved_chats(bot)
    [turn] = [m for m in chat.messages or [] if m.author == "USER"]
    assert turn.uploaded_file_ids  # the message's file went to Glean with the question
    answer = " ".join(m.get("text") or "" for m in bot.replies(shared["ts"]))
    assert "14 March 2026" in answer


def test_summarize_answers_privately_with_share_and_reads_the_whole_thread(bot: Bot) -> None:
    root = bot.sandbox.post_message("U_ALICE", "C_GENERAL", "Planning the team offsite around the holidays")
    bot.sandbox.post_message(
        "U_BOB", "C_GENERAL", "we should avoid the 2025 company holidays", thread_ts=root["ts"]
    )
    last = bot.sandbox.post_message("U_ALICE", "C_GENERAL", "agreed, let's pick March", thread_ts=root["ts"])
    bot.work()
    assert bot.sandbox.people.surfaces.message_shortcut("U_ALICE", "C_GENERAL", last["ts"], SUMMARIZE).ok
    _work_when_queued(bot)
    [private] = bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals("C_GENERAL", "U_ALICE"))
    assert private["thread_ts"] == root["ts"]
    [turn] = _user_turns(bot)
    assert turn.startswith("Earlier in this Slack thread, oldest first:")
    assert turn.index("Planning the team offsite") < turn.index("avoid the 2025") < turn.index("pick March")
    assert turn.rstrip().endswith("what is still open.")
    # A private summary does not make the bot follow the thread: a later question there is not answered.
    later = bot.ask("what day did we pick again?", thread_ts=root["ts"])
    assert bot.outcomes.for_ts(later["ts"]) != ["enqueued:followup"]
    # Share posts the same summary in the thread for everyone.
    assert bot.sandbox.click("U_ALICE", "C_GENERAL", private["ts"], SHARE_ACTION_ID).ok
    [shared] = bot.sandbox.wait_for(lambda: bot.replies(root["ts"]))
    assert "Shared by <@U_ALICE>" in json.dumps(shared)


def test_summarize_again_reads_the_thread_again(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(**ACT_AS)
    root = bot.sandbox.post_message("U_ALICE", "C_GENERAL", "Planning the team offsite around the holidays")
    bot.work()
    for _ in range(2):
        assert bot.sandbox.people.surfaces.message_shortcut("U_ALICE", "C_GENERAL", root["ts"], SUMMARIZE).ok
        _work_when_queued(bot)
    bot.sandbox.post_message("U_BOB", "C_GENERAL", "Budget is 40 thousand", thread_ts=root["ts"])
    bot.work()
    assert bot.sandbox.people.surfaces.message_shortcut("U_ALICE", "C_GENERAL", root["ts"], SUMMARIZE).ok
    _work_when_queued(bot)
    turns = _user_turns(bot, "dev-global-token", act_as="alice@example.com")
    assert len(turns) == 3 and all(t.startswith("Earlier in this Slack thread") for t in turns)
    assert "Budget is 40 thousand" in turns[-1]  # the chat continued, and still got the thread as it is now


def test_shortcuts_are_refused_to_strangers_in_slack_connect_and_where_the_bot_is_off(
    make_bot: Callable[..., Bot], tmp_path: Path
) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text('channels:\n  C_SHARED:\n    allow_external: true\n  C_GENERAL:\n    mode: "off"\n')
    bot = make_bot(GLEANBOT_CHANNELS=str(policy))
    partner = bot.sandbox.post_message("U_EXT", "C_SHARED", "What are the company holidays in 2025?")
    bot.work()
    assert _refused(bot, "U_EXT", "C_SHARED", partner["ts"], ASK).endswith(NOTICE_STRANGER)

    general = bot.sandbox.post_message("U_BOB", "C_GENERAL", HOLIDAYS_NOTE)
    assert _refused(bot, "U_ALICE", "C_GENERAL", general["ts"], SUMMARIZE).endswith(NOTICE_OFF)
    bot.work()
    assert saved_chats(bot) == []


def test_a_slack_connect_channel_is_refused_to_members_too(bot: Bot) -> None:
    message = bot.sandbox.post_message("U_EXT", "C_SHARED", "Our launch plan is attached")
    bot.work()
    assert _refused(bot, "U_ALICE", "C_SHARED", message["ts"], ASK).endswith(NOTICE_EXTERNAL)


def test_a_conversation_the_bot_is_not_in_is_refused_with_how_to_fix_it(bot: Bot) -> None:
    bot.sandbox.add_channel(
        "G_TEAM", name="team", is_private=True, members=["U_ALICE", "U_BOB"], bot_is_member=False
    )
    message = bot.sandbox.post_message("U_BOB", "G_TEAM", "the launch moved to March")
    for shortcut in (SUMMARIZE, ASK):
        bot.sandbox.people.surfaces.message_shortcut("U_ALICE", "G_TEAM", message["ts"], shortcut)
    notes = bot.sandbox.wait_for(
        lambda: (e := bot.sandbox.ephemerals("G_TEAM", "U_ALICE")) and len(e) >= 2 and e
    )
    assert all("invite me" in n["text"] for n in notes)  # not "shared with other organizations"
    assert bot.sandbox.people.open_views("U_ALICE") == []
    bot.work()
    assert saved_chats(bot) == []
