"""👍/👎 reach Glean's /feedback: on the answer's own token, as the voter, with a reason from a modal on 👎."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.harness import ACT_AS, Bot, forged_click, saved_chats, signed_headers

HOLIDAYS = "What are the company holidays in 2025?"
FEEDBACK = "gleanbot_feedback"


def recorded(bot: Bot) -> list[dict[str, Any]]:
    """What local_glean received on /feedback, oldest first."""
    records: list[dict[str, Any]] = httpx.get(f"{bot.glean.base_url}/_local/feedback").json()["feedback"]
    return records


def wait_recorded(bot: Bot, count: int) -> list[dict[str, Any]]:
    return bot.sandbox.wait_for(lambda: (r := recorded(bot)) and len(r) >= count and r)


def vote_value(message: dict[str, Any], button: str) -> str:
    """The value Slack sends for the clicked half of the feedback_buttons element."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == FEEDBACK:
                return str(element[button]["value"])
    raise AssertionError("no feedback buttons")


def answer_token(bot: Bot, token: str, act_as: str | None = None) -> str:
    [chat] = saved_chats(bot, token, act_as=act_as)
    [content] = [m for m in chat.messages or [] if m.message_type == "CONTENT" and m.author == "GLEAN_AI"]
    assert content.message_tracking_token
    return content.message_tracking_token


def test_a_thumbs_up_reaches_glean_on_the_answers_token(bot: Bot) -> None:
    question = bot.ask(HOLIDAYS)
    bot.work()
    [answer] = bot.replies(question["ts"])
    value = vote_value(answer, "positive_button")
    assert len(value) < 40  # a reference, not the token: the record is on the server
    assert bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], FEEDBACK, value=value).ok
    [vote] = wait_recorded(bot, 1)
    # The token's own identity (no act-as): the vote is the bot's Glean user's, on this very answer.
    assert (vote["event"], vote["category"], vote["user"], vote["acting"]) == (
        "UPVOTE",
        "CHAT",
        "demo@example.com",
        False,
    )
    assert vote["trackingTokens"] == [answer_token(bot, "dev-token")]
    assert vote["chatId"] == bot.store.chat_id("T0SANDBOX", "C_GENERAL", question["ts"], None)
    # The same click again is one vote, not two.
    assert bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], FEEDBACK, value=value).ok
    time.sleep(0.5)
    assert len(recorded(bot)) == 1


def test_a_thumbs_down_asks_why_and_sends_the_reason(bot: Bot) -> None:
    question = bot.ask(HOLIDAYS)
    bot.work()
    [answer] = bot.replies(question["ts"])
    assert bot.sandbox.people.open_views("U_BOB") == []
    bot.sandbox.click(
        "U_BOB", "C_GENERAL", answer["ts"], FEEDBACK, value=vote_value(answer, "negative_button")
    )
    [modal] = bot.sandbox.wait_for(lambda: bot.sandbox.people.open_views("U_BOB"))
    assert modal["title"]["text"] == "What was wrong?"
    assert bot.sandbox.people.open_views("U_ALICE") == []
    [downvote] = wait_recorded(bot, 1)
    assert downvote["event"] == "DOWNVOTE"

    submitted = bot.sandbox.people.submit_view(
        "U_BOB", modal["id"], {"reason": "outdated", "comment": "That is last year's list"}
    )
    assert submitted.ok and submitted.elapsed_s < 3.0
    assert bot.sandbox.people.open_views("U_BOB") == []  # acked empty: the modal closed
    _, reason = wait_recorded(bot, 2)
    assert reason["event"] == "MANUAL_FEEDBACK"
    assert reason["trackingTokens"] == downvote["trackingTokens"] == [answer_token(bot, "dev-token")]
    assert reason["manualFeedbackInfo"] == {
        "source": "CHAT",
        "issues": ["OUTDATED_RESPONSE"],
        "comments": "That is last year's list",
        "vote": "DOWNVOTE",
    }
    # 👎 again: the modal is offered again, but Glean already has this DOWNVOTE.
    bot.sandbox.click(
        "U_BOB", "C_GENERAL", answer["ts"], FEEDBACK, value=vote_value(answer, "negative_button")
    )
    bot.sandbox.wait_for(lambda: bot.sandbox.people.open_views("U_BOB"))
    time.sleep(0.5)
    assert [r["event"] for r in recorded(bot)] == ["DOWNVOTE", "MANUAL_FEEDBACK"]


def test_a_glean_failure_on_feedback_is_only_logged(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    question = bot.ask(HOLIDAYS)
    bot.work()
    [answer] = bot.replies(question["ts"])
    bot.glean_fault("feedback", status=500, count=5)
    with caplog.at_level(logging.INFO, logger="gleanbot.actions"):
        delivery = bot.sandbox.click(
            "U_BOB", "C_GENERAL", answer["ts"], FEEDBACK, value=vote_value(answer, "positive_button")
        )
        bot.sandbox.wait_for(
            lambda: [r for r in caplog.records if getattr(r, "event", "") == "feedback_not_sent"]
        )
    assert delivery.ok and delivery.elapsed_s < 3.0
    [failed] = [r for r in caplog.records if getattr(r, "event", "") == "feedback_not_sent"]
    assert (failed.reason, failed.error) == ("glean_error", "500")  # type: ignore[attr-defined]
    # Nothing for the voter to see: no notice in the thread, nothing private either.
    assert bot.sandbox.ephemerals("C_GENERAL", "U_BOB") == []
    assert len(bot.replies(question["ts"])) == 1
    # The vote itself still counts.
    assert bot.store.redis.get(f"gleanbot:T0SANDBOX:feedback:C_GENERAL:{answer['ts']}:U_BOB") == "good"


@pytest.fixture
def act_as_bot(make_bot: Callable[..., Bot]) -> Bot:
    return make_bot(**ACT_AS)


def test_with_act_as_each_vote_is_the_voters_own(act_as_bot: Bot) -> None:
    bot = act_as_bot
    question = bot.ask(HOLIDAYS)
    bot.work()
    [private] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    alice_token = answer_token(bot, "dev-global-token", act_as="alice@example.com")
    value = vote_value(private, "positive_button")
    assert bot.sandbox.click("U_ALICE", "C_GENERAL", private["ts"], FEEDBACK, value=value).ok
    [alice_vote] = wait_recorded(bot, 1)
    assert (alice_vote["user"], alice_vote["acting"], alice_vote["trackingTokens"]) == (
        "alice@example.com",
        True,
        [alice_token],
    )
    assert alice_vote["chatId"] is not None  # her own answer, in her own chat

    # Bob cannot see Alice's private answer: a click on it is forged, and nothing is sent in anyone's name.
    _forged_vote(bot, "U_BOB", value, private["ts"])
    bot.sandbox.wait_for(
        lambda: bot.store.redis.get(f"gleanbot:T0SANDBOX:feedback:C_GENERAL:{private['ts']}:U_BOB")
    )
    time.sleep(0.5)
    assert len(recorded(bot)) == 1

    # Shared to the thread, the answer is everyone's to rate, each as themselves.
    bot.sandbox.click("U_ALICE", "C_GENERAL", private["ts"], "gleanbot_share")
    [shared] = bot.sandbox.wait_for(lambda: bot.replies(question["ts"]))
    bot.sandbox.click(
        "U_BOB", "C_GENERAL", shared["ts"], FEEDBACK, value=vote_value(shared, "negative_button")
    )
    _, bob_vote = wait_recorded(bot, 2)
    assert (bob_vote["event"], bob_vote["user"], bob_vote["trackingTokens"]) == (
        "DOWNVOTE",
        "bob@example.com",
        [alice_token],
    )
    assert bob_vote["chatId"] is None  # a vote on Alice's answer, not on any chat of Bob's
    [modal] = bot.sandbox.wait_for(lambda: bot.sandbox.people.open_views("U_BOB"))
    bot.sandbox.people.submit_view("U_BOB", modal["id"], {"reason": "wrong"})
    _, _, reason = wait_recorded(bot, 3)
    assert (reason["user"], reason["manualFeedbackInfo"]["issues"]) == (
        "bob@example.com",
        ["INACCURATE_RESPONSE"],
    )
    assert "comments" not in reason["manualFeedbackInfo"]


def test_a_value_copied_from_another_channels_answer_sends_nothing(bot: Bot) -> None:
    question = bot.ask(HOLIDAYS)
    bot.work()
    [answer] = bot.replies(question["ts"])
    value = vote_value(answer, "positive_button")
    _forged_vote(bot, "U_BOB", value, "1700000000.000100", channel="C_RANDOM")
    key = "gleanbot:T0SANDBOX:feedback:C_RANDOM:1700000000.000100:U_BOB"
    bot.sandbox.wait_for(lambda: bot.store.redis.get(key))
    # The real click, in the answer's channel, is the one vote Glean hears about.
    assert bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], FEEDBACK, value=value).ok
    wait_recorded(bot, 1)
    time.sleep(0.5)
    assert [r["event"] for r in recorded(bot)] == ["UPVOTE"]


def _forged_vote(bot: Bot, user: str, value: str, message_ts: str, channel: str = "C_GENERAL") -> None:
    """A signed click Slack would never send (on a message the user cannot see, or a copied value)."""
    payload = forged_click(
        bot, user, channel, FEEDBACK, value, message_ts, element_type="feedback_buttons", response_url=False
    )
    body = urlencode({"payload": json.dumps(payload)})
    headers = {**signed_headers(body), "content-type": "application/x-www-form-urlencoded"}
    assert httpx.post(f"{bot.url}/slack/events", content=body, headers=headers).status_code == 200
