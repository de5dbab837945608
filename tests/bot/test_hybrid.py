"""`visibility: hybrid`: a public answer with the public identity, and "Find more with my access", which answers
the clicker alone, as them, in their own chat; over HTTP and Socket Mode, with real Redis, RQ and local_glean."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.own_access import NOTE_OWN_ACCESS_WORKING, NOTICE_OWN_ACCESS_EXPIRED, NOTICE_OWN_ACCESS_TWICE
from core.answer_extras import OWN_ACCESS_ACTION_ID, OWN_ACCESS_TEXT
from core.notices import NOTICE_STRANGER
from core.settings import Settings, SettingsError
from local_glean import LocalGlean
from slack_sandbox import Sandbox
from tests.harness import ACT_AS, Bot, clear_proxies, forged_click, saved_chats, start_socket_bot

QUESTION = "What are the company holidays in 2025?"
PUBLIC_AS = "everyone@example.com"
GLOBAL = "dev-global-token"


def _policy(tmp_path: Path) -> str:
    path = tmp_path / "channels.yml"
    path.write_text("channels:\n  C_GENERAL:\n    visibility: hybrid\n")
    return str(path)


def _hybrid_env(tmp_path: Path) -> dict[str, str]:
    return {**ACT_AS, "GLEAN_PUBLIC_AS": PUBLIC_AS, "GLEANBOT_CHANNELS": _policy(tmp_path)}


def _own_access_button(message: dict[str, Any]) -> dict[str, Any] | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == OWN_ACCESS_ACTION_ID:
                return dict(element)
    return None


def _answers(bot: Bot, user: str) -> list[dict[str, Any]]:
    """The private answers `user` was shown (not the bot's short notes)."""
    return [
        e for e in bot.sandbox.ephemerals("C_GENERAL", user) if "*Sources*" in json.dumps(e.get("blocks"))
    ]


def _user_turns(bot: Bot, act_as: str) -> list[list[str]]:
    return [
        ["".join(f.text or "" for f in m.fragments or []) for m in chat.messages or [] if m.author == "USER"]
        for chat in saved_chats(bot, GLOBAL, act_as=act_as)
    ]


def _click_and_work(bot: Bot, user: str, answer_ts: str) -> None:
    started = time.monotonic()
    assert bot.sandbox.click(user, "C_GENERAL", answer_ts, OWN_ACCESS_ACTION_ID).ok
    assert time.monotonic() - started < 3.0  # acked within Slack's 3 s
    bot.sandbox.wait_for(lambda: bot.queue.count > 0)  # queued as an RQ job after the ack
    bot.work()


def _public_answer(bot: Bot) -> tuple[dict[str, Any], dict[str, Any]]:
    question = bot.ask(QUESTION)
    bot.work()
    [answer] = bot.replies(question["ts"])
    return question, answer


def test_the_public_answer_offers_own_access_and_the_click_answers_the_clicker_alone(
    make_bot: Callable[..., Bot], tmp_path: Path
) -> None:
    bot = make_bot(**_hybrid_env(tmp_path))
    question, answer = _public_answer(bot)
    button = _own_access_button(answer)
    assert button is not None and button["text"]["text"] == OWN_ACCESS_TEXT
    assert QUESTION not in button["value"]  # the button names a record, not the question
    # Public, with the public identity: nobody's own access, no private copy.
    assert bot.sandbox.ephemerals("C_GENERAL", "U_ALICE") == []
    assert _user_turns(bot, PUBLIC_AS) == [[QUESTION]]
    assert _user_turns(bot, "alice@example.com") == []
    thread_chat = bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"])
    assert thread_chat is not None

    _click_and_work(bot, "U_BOB", answer["ts"])
    [private] = _answers(bot, "U_BOB")
    # Bob saw a sign of work at his click; Alice saw nothing of it.
    bobs_notes = [e["text"] for e in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")]
    assert bobs_notes[0] == NOTE_OWN_ACCESS_WORKING
    assert not [e for e in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE") if "Looking this up" in e["text"]]
    assert private.get("thread_ts") == question["ts"]
    assert _answers(bot, "U_ALICE") == [] and len(bot.replies(question["ts"])) == 1
    assert "documents only you can access" in json.dumps(private["blocks"])
    # Asked as Bob, in Bob's own chat of the thread; the thread's (public) chat gained no turn.
    assert _user_turns(bot, "bob@example.com") == [[QUESTION]]
    assert _user_turns(bot, PUBLIC_AS) == [[QUESTION]]
    assert _user_turns(bot, "alice@example.com") == []
    bobs = bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"], "U_BOB")
    assert bobs is not None and bobs != thread_chat
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"]) == thread_chat
    # The private answer has no button of its own to look again.
    assert _own_access_button(private) is None

    # A second click by Bob asks nothing again; he is told why.
    assert bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], OWN_ACCESS_ACTION_ID).ok
    bot.sandbox.wait_for(
        lambda: any(
            NOTICE_OWN_ACCESS_TWICE in e["text"] for e in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")
        )
    )
    assert bot.queue.count == 0
    assert len(_answers(bot, "U_BOB")) == 1 and _user_turns(bot, "bob@example.com") == [[QUESTION]]

    # Alice may look with her access too: her own answer, her own chat; Bob's is untouched.
    _click_and_work(bot, "U_ALICE", answer["ts"])
    assert len(_answers(bot, "U_ALICE")) == 1 and len(_answers(bot, "U_BOB")) == 1
    assert _user_turns(bot, "alice@example.com") == [[QUESTION]]
    assert _user_turns(bot, "bob@example.com") == [[QUESTION]]

    # Share posts Bob's stored answer in the thread, marked as his.
    assert bot.sandbox.click("U_BOB", "C_GENERAL", private["ts"], "gleanbot_share").ok
    bot.sandbox.wait_for(lambda: len(bot.replies(question["ts"])) == 2)
    shared = bot.replies(question["ts"])[1]
    assert "Shared by <@U_BOB>" in json.dumps(shared["blocks"])
    assert _user_turns(bot, "bob@example.com") == [[QUESTION]]  # shared as stored, not asked again


def test_a_partner_and_an_expired_or_forged_button_get_nothing(
    make_bot: Callable[..., Bot], tmp_path: Path
) -> None:
    bot = make_bot(**_hybrid_env(tmp_path))
    _question, answer = _public_answer(bot)
    button = _own_access_button(answer)
    assert button is not None
    stranger = forged_click(bot, "U_EXT", "C_GENERAL", OWN_ACCESS_ACTION_ID, button["value"], answer["ts"])
    stranger["user"]["team_id"] = stranger["team"]["id"] = "T0PARTNER"  # a Slack Connect partner
    assert bot.sandbox.deliver_action(stranger).ok
    bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals("C_GENERAL", "U_EXT"))
    assert bot.sandbox.ephemerals("C_GENERAL", "U_EXT")[-1]["text"].endswith(NOTICE_STRANGER)
    # A record that expired (or never was): a visible reason, no job.
    gone = forged_click(bot, "U_BOB", "C_GENERAL", OWN_ACCESS_ACTION_ID, "0" * 16, answer["ts"])
    assert bot.sandbox.deliver_action(gone).ok
    bot.sandbox.wait_for(
        lambda: any(
            NOTICE_OWN_ACCESS_EXPIRED in e["text"] for e in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")
        )
    )
    # The record is for #general only: copied into another channel it asks nothing.
    other = forged_click(bot, "U_ALICE", "D_ALICE", OWN_ACCESS_ACTION_ID, button["value"], answer["ts"])
    assert bot.sandbox.deliver_action(other).ok
    bot.sandbox.wait_for_deliveries()
    assert bot.queue.count == 0
    assert _user_turns(bot, "bob@example.com") == [] and _user_turns(bot, "carol@partner.example") == []
    assert _user_turns(bot, "alice@example.com") == []


def test_over_socket_mode_the_click_answers_the_clicker_privately(
    sandbox: Sandbox,
    glean: LocalGlean,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clear_proxies(monkeypatch)
    bot = start_socket_bot(sandbox, glean, redis_url, **_hybrid_env(tmp_path))
    try:
        question, answer = _public_answer(bot)
        assert _own_access_button(answer) is not None
        _click_and_work(bot, "U_BOB", answer["ts"])
        [private] = _answers(bot, "U_BOB")
        assert private.get("thread_ts") == question["ts"] and _answers(bot, "U_ALICE") == []
        assert _user_turns(bot, "bob@example.com") == [[QUESTION]]
        assert _user_turns(bot, PUBLIC_AS) == [[QUESTION]]
        assert sandbox.click("U_BOB", "C_GENERAL", answer["ts"], OWN_ACCESS_ACTION_ID).ok  # twice: once
        sandbox.wait_for(
            lambda: any(
                NOTICE_OWN_ACCESS_TWICE in e["text"] for e in sandbox.ephemerals("C_GENERAL", "U_BOB")
            )
        )
        assert bot.queue.count == 0 and len(_answers(bot, "U_BOB")) == 1
        assert sandbox.click("U_BOB", "C_GENERAL", private["ts"], "gleanbot_share").ok
        sandbox.wait_for(lambda: len(bot.replies(question["ts"])) == 2)
        assert "Shared by <@U_BOB>" in json.dumps(bot.replies(question["ts"])[1]["blocks"])
        assert {d.transport for d in sandbox.deliveries()} == {"socket"}
    finally:
        bot.stop()


def test_hybrid_is_refused_at_start_up_without_act_as_or_a_public_identity(tmp_path: Path) -> None:
    base = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "GLEAN_SERVER_URL": "http://127.0.0.1:8731",
        "GLEANBOT_CHANNELS": _policy(tmp_path),
    }
    with pytest.raises(SettingsError, match=r"C_GENERAL.*GLEAN_ACT_AS=asker") as no_act_as:
        Settings.from_env({**base, "GLEAN_API_TOKEN": "dev-token"})
    assert no_act_as.value.variable == "GLEANBOT_CHANNELS"
    with pytest.raises(SettingsError, match=r"C_GENERAL.*GLEAN_PUBLIC_AS"):
        Settings.from_env({**base, **ACT_AS})
    with pytest.raises(SettingsError, match="email"):
        Settings.from_env({**base, **ACT_AS, "GLEAN_PUBLIC_AS": "everyone"})
    settings = Settings.from_env({**base, **ACT_AS, "GLEAN_PUBLIC_AS": PUBLIC_AS})
    assert settings.policy.for_channel("C_GENERAL").visibility == "hybrid"
    assert settings.policy.for_channel("C_OTHER").visibility is None
