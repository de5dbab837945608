"""GLEAN_ACT_AS=asker, the security core: answers generated with the asker's access stay private until they
choose to share; each person keeps their own chat; Slack Connect channels are refused."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from slack_sandbox.responses import Target
from tests.harness import ACT_AS, Bot, saved_chats, signed_headers


@pytest.fixture
def bot(make_bot: Callable[..., Bot]) -> Bot:
    return make_bot(**ACT_AS)


def _share_button(ephemeral: dict[str, Any]) -> dict[str, Any]:
    for block in ephemeral.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == "gleanbot_share":
                return dict(element)
    raise AssertionError("no Share to thread button")


def _user_turns(chat: Any) -> list[str]:
    return [
        "".join(f.text or "" for f in m.fragments or []) for m in chat.messages or [] if m.author == "USER"
    ]


def test_channel_answer_is_private_to_the_asker_until_shared(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    assert bot.replies(question["ts"]) == []  # nothing public
    [answer] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    assert bot.sandbox.ephemerals("C_GENERAL", "U_BOB") == []
    assert answer.get("thread_ts") == question["ts"]
    text = json.dumps(answer["blocks"])
    assert "*Sources*" in text and "holidays-2025" in text
    # Glean was asked as Alice, and the chat is saved under her identity.
    [chat] = saved_chats(bot, "dev-global-token", act_as="alice@example.com")
    assert _user_turns(chat) == ["What are the company holidays in 2025?"]
    assert saved_chats(bot, "dev-global-token", act_as="bob@example.com") == []

    share = _share_button(answer)
    delivery = bot.sandbox.click("U_ALICE", "C_GENERAL", answer["ts"], "gleanbot_share")
    assert delivery.ok
    [shared] = bot.sandbox.wait_for(lambda: bot.replies(question["ts"]))
    assert "Shared by <@U_ALICE>" in json.dumps(shared["blocks"])
    assert "holidays-2025" in json.dumps(shared["blocks"])
    # The posted text is the stored answer, not a new one: Glean was not asked again.
    [chat] = saved_chats(bot, "dev-global-token", act_as="alice@example.com")
    assert len(_user_turns(chat)) == 1
    # The private copy now says it was shared; a second (stale or repeated) click posts nothing more.
    assert any(
        "You shared this answer" in e.get("text", "") for e in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    )
    _forged_click(bot, "U_ALICE", share["value"], answer["ts"])
    bot.sandbox.wait_for(
        lambda: [e for e in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE") if "already shared" in e["text"]]
    )
    assert len(bot.replies(question["ts"])) == 1


def _forged_click(bot: Bot, user: str, share_id: str, message_ts: str) -> None:
    """A signed block_actions POST for the Share button, as Slack would send it for `user`.

    Slack only sends clicks on messages the user can see; this lets a test send one it never would.
    """
    response_url = bot.sandbox._responses.create(Target(channel="C_GENERAL", user=user))
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0SANDBOX"},
        "team": {"id": "T0SANDBOX"},
        "channel": {"id": "C_GENERAL"},
        "container": {
            "type": "message",
            "channel_id": "C_GENERAL",
            "message_ts": message_ts,
            "is_ephemeral": True,
        },
        "response_url": response_url,
        "trigger_id": "1.2.3",
        "actions": [
            {
                "action_id": "gleanbot_share",
                "block_id": "b",
                "type": "button",
                "value": share_id,
                "action_ts": str(time.time()),
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)})
    headers = {**signed_headers(body), "content-type": "application/x-www-form-urlencoded"}
    assert httpx.post(f"{bot.url}/slack/events", content=body, headers=headers).status_code == 200


def test_only_the_asker_can_share(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    [answer] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    share_id = _share_button(answer)["value"]
    # Bob cannot see Alice's ephemeral message; forge the click Slack would never send.
    _forged_click(bot, "U_BOB", share_id, answer["ts"])
    [refusal] = bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals("C_GENERAL", "U_BOB"))
    assert "Only the person who asked" in refusal["text"]
    assert bot.replies(question["ts"]) == []


def test_each_person_in_a_thread_keeps_their_own_chat(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    follow_up = bot.ask("How many PTO days do I get?", user="U_BOB", thread_ts=question["ts"])
    assert bot.outcomes.for_ts(follow_up["ts"]) == ["enqueued:followup"]
    again = bot.ask("And floating holidays?", thread_ts=question["ts"])
    bot.work()
    alice = saved_chats(bot, "dev-global-token", act_as="alice@example.com")
    bob = saved_chats(bot, "dev-global-token", act_as="bob@example.com")
    assert [_user_turns(c) for c in alice] == [
        ["What are the company holidays in 2025?", "And floating holidays?"]
    ]
    assert [_user_turns(c) for c in bob] == [["How many PTO days do I get?"]]
    assert len(bot.sandbox.ephemerals("C_GENERAL", "U_BOB")) == 1
    assert len(bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")) == 2
    assert again["ts"] and bot.replies(question["ts"]) == []


def test_slack_connect_channels_are_refused(bot: Bot) -> None:
    mention = bot.ask("<@UBOT> What are the company holidays in 2025?", channel="C_SHARED")
    assert "notice:external_channel" in bot.outcomes.for_ts(mention["ts"])
    plain = bot.ask("What are the company holidays in 2025?", channel="C_SHARED")
    assert bot.outcomes.for_ts(plain["ts"]) == ["skipped:external_channel"]
    [refusal] = bot.sandbox.ephemerals("C_SHARED", "U_ALICE")
    assert "Slack Connect" in refusal["text"]
    bot.work()
    assert bot.replies(mention["ts"], channel="C_SHARED") == []
    assert saved_chats(bot, "dev-global-token", act_as="alice@example.com") == []


def test_dm_answers_are_normal_messages_acting_as_the_asker(bot: Bot) -> None:
    dm = bot.ask("What are the company holidays in 2025?", channel="D_ALICE")
    bot.work()
    assert len(bot.replies(dm["ts"], channel="D_ALICE")) == 1
    assert len(saved_chats(bot, "dev-global-token", act_as="alice@example.com")) == 1


def test_a_channel_policy_can_choose_public_answers(make_bot: Callable[..., Bot], tmp_path: Path) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text("channels:\n  C_GENERAL:\n    visibility: public\n")
    bot = make_bot(**ACT_AS, GLEANBOT_CHANNELS=str(policy))
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    assert len(bot.replies(question["ts"])) == 1
    assert bot.sandbox.ephemerals("C_GENERAL", "U_ALICE") == []
