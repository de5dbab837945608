"""Slack's rate limits as a shared budget: what the asker sees when a tier is spent (never a wait, never a 429)."""

from __future__ import annotations

import json

from core.slack_budget import SlackBudget
from core.slack_tiers import SLACK_METHOD_LIMITS
from core.working import PLACEHOLDER_TEXT
from slack_sandbox.ratelimit import SLACK_LIMITS
from tests.harness import Bot

QUESTION = "What are the company holidays in 2025?"


def _spend(bot: Bot, *methods: str) -> None:
    """Use up the workspace's tokens of each method, as a burst of other answers would."""
    budget = SlackBudget(bot.store, "T0SANDBOX")
    for method in methods:
        while budget.take(method, channel_id="C_GENERAL"):
            pass


def test_the_bot_plans_with_the_tiers_the_sandbox_enforces() -> None:
    for method, limit in SLACK_METHOD_LIMITS.items():
        enforced = SLACK_LIMITS[method]
        assert (enforced.per_minute, enforced.burst, enforced.per_channel) == (
            limit.per_minute,
            limit.burst,
            limit.per_channel,
        ), method
    assert SLACK_METHOD_LIMITS["chat.startStream"].per_minute == 20  # Tier 2, as Slack documents it
    assert SLACK_METHOD_LIMITS["reactions.add"].per_minute == 50  # Tier 3


def test_taking_is_all_or_nothing_and_shared_by_every_process(bot: Bot) -> None:
    one, other = SlackBudget(bot.store, "T0SANDBOX"), SlackBudget(bot.store, "T0SANDBOX")
    burst = SLACK_METHOD_LIMITS["chat.startStream"].burst
    for _ in range(burst):
        assert one.take("chat.startStream")
    assert not other.take("chat.startStream", "chat.stopStream")  # the start is spent: nothing is taken
    for _ in range(SLACK_METHOD_LIMITS["chat.stopStream"].burst):
        assert other.take("chat.stopStream")  # so every stop token is still there
    assert SlackBudget(bot.store, "T0OTHER").take("chat.startStream")  # per workspace


def test_with_no_stream_budget_the_answer_is_posted_whole_without_waiting(bot: Bot) -> None:
    _spend(bot, "chat.startStream")
    question = bot.ask(QUESTION)
    bot.work()
    [answer] = bot.replies(question["ts"])
    assert "*Sources*" in json.dumps(answer["blocks"]) and "holiday" in json.dumps(answer["blocks"]).lower()
    assert not bot.sandbox.calls("chat.startStream")
    assert all(c.status != 429 for c in bot.sandbox.calls())


def test_with_reactions_spent_the_asker_sees_a_status_that_the_answer_clears(bot: Bot) -> None:
    _spend(bot, "reactions.add")
    question = bot.ask(QUESTION)
    assert not bot.sandbox.calls("reactions.add")
    assert bot.sandbox.thread_status("C_GENERAL", question["ts"]) is not None  # shown before any answer
    bot.work()
    assert len(bot.replies(question["ts"])) == 1
    assert bot.sandbox.thread_status("C_GENERAL", question["ts"]) is None


def test_with_reactions_and_status_spent_a_placeholder_becomes_the_answer(bot: Bot) -> None:
    _spend(bot, "reactions.add", "assistant.threads.setStatus")
    question = bot.ask(QUESTION)
    [placeholder] = bot.replies(question["ts"])
    assert placeholder["text"] == PLACEHOLDER_TEXT
    bot.work()
    [answer] = bot.replies(question["ts"])
    assert answer["ts"] == placeholder["ts"]  # written into the placeholder: one message, no leftovers
    assert "*Sources*" in json.dumps(answer["blocks"])


def test_a_placeholder_that_cannot_be_edited_is_removed_once_answered(bot: Bot) -> None:
    _spend(bot, "reactions.add", "assistant.threads.setStatus", "chat.update")
    question = bot.ask(QUESTION)
    [placeholder] = bot.replies(question["ts"])
    assert placeholder["text"] == PLACEHOLDER_TEXT
    bot.work()
    [answer] = bot.replies(question["ts"])
    assert answer["ts"] != placeholder["ts"] and "*Sources*" in json.dumps(answer["blocks"])
    assert [c.params.get("ts") for c in bot.sandbox.calls("chat.delete")] == [placeholder["ts"]]


def test_a_reaction_whose_removal_must_wait_is_removed_later(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    assert bot.sandbox.calls("reactions.add")
    _spend(bot, "reactions.remove")
    bot.work()
    assert len(bot.replies(question["ts"])) == 1
    assert not bot.sandbox.calls("reactions.remove")  # the answer did not wait for Tier 2
    assert bot.queue.scheduled_job_registry.count == 1  # a cleanup, scheduled for when the budget allows


def test_first_takes_the_best_option_that_has_all_its_tokens(bot: Bot) -> None:
    budget = SlackBudget(bot.store, "T0SANDBOX")
    _spend(bot, "chat.update")
    stream, post_and_edit, post = (
        ("chat.startStream",),
        ("chat.postMessage", "chat.update"),
        ("chat.postMessage",),
    )
    _spend(bot, "chat.startStream")
    # The stream is spent, and a post-and-edit needs an edit token too: only the plain post is there.
    assert budget.first(stream, post_and_edit, post, channel_id="C_GENERAL") == 2
    assert budget.first(("no.limit.known",)) == 0  # a method without a known limit is free
    _spend(bot, "chat.postMessage")
    assert budget.first(stream, post_and_edit, post, channel_id="C_GENERAL") is None
    assert budget.first() is None
