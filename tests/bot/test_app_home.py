"""The Home tab: what the bot does and where, the person's own conversations (with links to their threads) and
files, forget / clear / delete all from it (the last with `/glean clear all`'s confirmation), re-published after
each change; strangers see why they are not served, and nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient

from core.notices import NOTICE_STRANGER
from glean_chat import Glean
from tests.harness import Bot, saved_chats

ACT_AS = {"GLEAN_API_TOKEN": "dev-global-token", "GLEAN_ACT_AS": "asker"}
HOLIDAYS = "What are the company holidays in 2025?"
PTO = "How many PTO days do I get?"
PLAN = b"# Project Zorblax launch plan\n\nThe Zorblax launch is scheduled for 14 March 2026.\n"
FORGET, CLEAR, CLEAR_ALL = "gleanbot_home_forget", "gleanbot_home_clear", "gleanbot_home_clear_all"


def _work_when_queued(bot: Bot) -> None:
    bot.sandbox.wait_for(lambda: bot.queue.count > 0)
    bot.work()


def _home(bot: Bot, user: str) -> dict[str, Any]:
    """`user` opens the Home tab; the worker publishes it; the view they see."""
    assert bot.sandbox.people.surfaces.open_home(user) is not None
    _work_when_queued(bot)
    home = bot.sandbox.people.surfaces.home(user)
    assert home is not None and home["type"] == "home"
    return home


def _click(bot: Bot, user: str, action_id: str, value: str | None = None) -> dict[str, Any]:
    before = bot.sandbox.people.surfaces.home(user)
    assert bot.sandbox.people.surfaces.click_home(user, action_id, value).ok
    _work_when_queued(bot)
    after = bot.sandbox.people.surfaces.home(user)
    assert after is not None and before is not None and after["hash"] != before["hash"]  # published again
    return after


def _buttons(view: dict[str, Any], action_id: str) -> list[str]:
    return [
        str(b["accessory"]["value"])
        for b in view["blocks"]
        if isinstance(b.get("accessory"), dict) and b["accessory"].get("action_id") == action_id
    ]


def _text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"])


def test_home_lists_a_persons_conversations_and_files_and_updates_after_forget_and_clear(bot: Bot) -> None:
    question = bot.ask(HOLIDAYS)
    bot.work()
    shared = bot.sandbox.upload_file(
        "U_ALICE", "C_GENERAL", "zorblax-plan.md", PLAN, "text/markdown", text="When is the Zorblax launch?"
    )
    bot.wait_outcomes(shared["ts"])
    bot.work()
    bob_question = bot.ask(PTO, user="U_BOB")
    bot.work()

    home = _home(bot, "U_ALICE")
    text = _text(home)
    assert "Where I answer" in text and "Ask Glean about this" in text
    threads = _buttons(home, CLEAR)
    assert sorted(threads) == sorted([f"C_GENERAL:{question['ts']}", f"C_GENERAL:{shared['ts']}"])
    assert "PTO" not in text and bob_question["ts"] not in text  # Bob's conversation is not Alice's
    link = WebClient(token=bot.sandbox.config.bot_token, base_url=bot.sandbox.api_url).chat_getPermalink(
        channel="C_GENERAL", message_ts=question["ts"]
    )
    assert f"<{link['permalink']}|open the thread>" in text
    [file_id] = _buttons(home, FORGET)
    assert "zorblax-plan.md" in text
    assert _buttons(_home(bot, "U_BOB"), FORGET) == []

    home = _click(bot, "U_ALICE", FORGET, file_id)
    assert _buttons(home, FORGET) == [] and "zorblax-plan.md" not in _text(home)
    with (
        Glean(bearer_auth="dev-token", server_url=bot.glean.base_url) as g,
        pytest.raises(Exception, match="404"),
    ):
        g.client.chat.get_files(file_ids=[file_id])
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", shared["ts"]) == []

    home = _click(bot, "U_ALICE", CLEAR, f"C_GENERAL:{question['ts']}")
    assert _buttons(home, CLEAR) == [f"C_GENERAL:{shared['ts']}"]
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"], None) is None
    assert len(saved_chats(bot)) == 2  # Alice's file thread and Bob's


def test_another_persons_file_or_thread_cannot_be_forgotten_or_cleared_from_home(bot: Bot) -> None:
    question = bot.ask(HOLIDAYS, user="U_BOB")
    bot.work()
    _home(bot, "U_ALICE")
    # Alice's client sends Bob's thread and a file id that is not hers: the worker checks, nothing changes.
    payload = {
        "type": "block_actions",
        "user": {"id": "U_ALICE", "username": "alice", "name": "alice", "team_id": "T0SANDBOX"},
        "team": {"id": "T0SANDBOX", "domain": "sandbox"},
        "api_app_id": "A0SANDBOX",
        "container": {"type": "view", "view_id": "V0"},
        "trigger_id": "1.2.3",
        "actions": [
            {"action_id": CLEAR, "block_id": "b", "type": "button", "value": f"C_GENERAL:{question['ts']}"}
        ],
    }
    assert bot.sandbox.deliver_action(payload).ok
    _work_when_queued(bot)
    assert bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"], None) is not None
    assert len(saved_chats(bot)) == 1


def test_delete_all_from_home_asks_first_then_deletes_only_the_persons_chats(
    make_bot: Callable[..., Bot],
) -> None:
    bot = make_bot(**ACT_AS)
    bot.ask(HOLIDAYS)
    bot.ask(PTO, user="U_BOB")
    bot.work()
    home = _home(bot, "U_ALICE")
    assert len(_buttons(home, CLEAR)) == 1
    assert bot.sandbox.people.surfaces.click_home("U_ALICE", CLEAR_ALL).ok
    [modal] = bot.sandbox.wait_for(lambda: bot.sandbox.people.open_views("U_ALICE"))
    assert "Delete all your saved conversations?" in json.dumps(modal["blocks"])
    assert "also those made outside Slack" in json.dumps(modal["blocks"])  # /glean clear all's words
    assert len(saved_chats(bot, "dev-global-token", act_as="alice@example.com")) == 1  # nothing yet
    before = bot.sandbox.people.surfaces.home("U_ALICE")
    assert bot.sandbox.people.submit_view("U_ALICE", modal["id"]).ok
    _work_when_queued(bot)
    after = bot.sandbox.people.surfaces.home("U_ALICE")
    assert after is not None and before is not None and after["hash"] != before["hash"]
    assert "No saved conversations" in _text(after) and _buttons(after, CLEAR) == []
    assert saved_chats(bot, "dev-global-token", act_as="alice@example.com") == []
    assert len(saved_chats(bot, "dev-global-token", act_as="bob@example.com")) == 1


def test_a_stranger_opening_home_is_told_why_and_sees_nothing_else(bot: Bot) -> None:
    bot.ask(HOLIDAYS)
    bot.work()
    assert bot.sandbox.people.surfaces.open_home("U_EXT") is not None
    refused = bot.sandbox.wait_for(lambda: bot.sandbox.people.surfaces.home("U_EXT"))
    assert refused is not None and NOTICE_STRANGER in _text(refused)
    assert "Your recent conversations" not in _text(refused)
    assert bot.queue.count == 0


def test_glean_failing_still_publishes_home_and_says_why(bot: Bot) -> None:
    bot.ask(HOLIDAYS)
    bot.work()
    bot.glean_fault("listchats", status=503, count=1)
    home = _home(bot, "U_ALICE")
    text = _text(home)
    assert "Where I answer" in text and ":warning:" in text and _buttons(home, CLEAR) == []
    home = _home(bot, "U_ALICE")  # Glean answers again: listed again
    assert len(_buttons(home, CLEAR)) == 1
