"""Drills: Slack answers 429 (rate limited) in storms, on top of its per-method tiers.

The bot must wait as long as each `Retry-After` says (checked on the sandbox's record of every call: a call
repeated with the same arguments never comes sooner), and the asker still sees each answer once, whole; when
Slack keeps refusing longer than the bot will wait, the asker gets one notice instead of silence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from local_stack.checks import ignored_retry_after
from tests.drills.helpers import QUESTION, bot_messages, is_complete_answer, is_notice
from tests.harness import Bot

QUESTIONS = (QUESTION, "How do I set up the VPN on a new laptop?")


def test_rate_limit_storms_are_waited_out_and_every_answer_arrives_once(bot: Bot) -> None:
    sb = bot.sandbox
    sb.rate_limits = True  # Slack's tiers: startStream/stopStream 20 a minute (burst 2), and so on
    sb.fail_next("chat.startStream", error="ratelimited", count=1, retry_after_s=1)
    sb.fail_next("chat.appendStream", error="ratelimited", count=2, retry_after_s=1)
    sb.fail_next("chat.stopStream", error="ratelimited", count=1, retry_after_s=2)
    sb.fail_next("reactions.remove", error="ratelimited", count=1, retry_after_s=1)
    asked = [bot.ask(text) for text in QUESTIONS]
    bot.work()

    for question in asked:
        [answer] = bot_messages(sb, question["ts"])
        assert is_complete_answer(sb, answer)
    calls = sb.calls()
    limited = Counter(c.method for c in calls if c.status == 429)
    assert limited["chat.startStream"] >= 1 and limited["chat.appendStream"] >= 2
    assert limited["chat.stopStream"] >= 1 and limited["reactions.remove"] >= 1
    assert ignored_retry_after(calls) == []
    assert Counter(c.method for c in calls if c.ok)["chat.startStream"] == len(QUESTIONS)  # none twice


def test_streaming_refused_longer_than_the_bot_waits_falls_back_to_one_posted_answer(bot: Bot) -> None:
    sb = bot.sandbox
    # The client waits out 5 rate limits per call; 6 refusals outlast it: the answer is posted and updated.
    sb.fail_next("chat.startStream", error="ratelimited", count=6, retry_after_s=1)
    question = bot.ask(QUESTION)
    bot.work()

    [answer] = bot_messages(sb, question["ts"])
    assert is_complete_answer(sb, answer)
    assert not any(c.ok for c in sb.calls("chat.startStream"))
    assert [c.ok for c in sb.calls("chat.postMessage")] == [True]  # one message, updated in place
    assert ignored_retry_after(sb.calls()) == []


def test_a_storm_past_every_wait_ends_in_one_notice(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEANBOT_JOB_RETRIES="0")
    sb = bot.sandbox
    # Streaming, then posting, both refused past the client's 5 waits (Retry-After: 0 keeps the drill short).
    sb.fail_next("chat.startStream", error="ratelimited", count=6, retry_after_s=0)
    sb.fail_next("chat.postMessage", error="ratelimited", count=6, retry_after_s=0)
    question = bot.ask(QUESTION)
    bot.work()

    [notice] = bot_messages(sb, question["ts"])
    assert is_notice(notice) and "Slack refused part of my answer" in notice["text"]
    assert ignored_retry_after(sb.calls()) == []
