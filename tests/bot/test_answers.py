"""The main path, end to end: a channel question answered in its thread with sources; follow-ups continue
the same saved Glean chat; DMs and mentions; streaming and the chat.update fallback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.harness import Bot, saved_chats


def _blocks(message: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [b for b in message.get("blocks") or [] if b.get("type") == kind]


def _sources_text(message: dict[str, Any]) -> str:
    sections = [b["text"]["text"] for b in _blocks(message, "section")]
    return "\n".join(s for s in sections if s.startswith("*Sources*"))


def _reactions(bot: Bot, channel: str, ts: str) -> list[str]:
    message = bot.sandbox.message(channel, ts) or {}
    return [r["name"] for r in message.get("reactions") or []]


def test_channel_question_is_answered_in_its_thread_with_sources(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    assert bot.outcomes.for_ts(question["ts"]) == ["enqueued:question"]
    # The working indicator is up before any worker has run.
    assert "eyes" in _reactions(bot, "C_GENERAL", question["ts"])
    bot.work()
    [reply] = bot.replies(question["ts"])
    assert reply["thread_ts"] == question["ts"]
    assert len(reply["text"]) > 40  # the streamed answer text
    sources = _sources_text(reply)
    assert sources.startswith("*Sources*\n1. <http")
    assert "holidays" in sources.lower()
    assert _blocks(reply, "context_actions")[0]["elements"][0]["type"] == "feedback_buttons"
    assert bot.sandbox.calls("chat.startStream")  # streamed, not posted whole
    assert "eyes" not in _reactions(bot, "C_GENERAL", question["ts"])
    # Nothing else landed in the channel itself: the answer is in the thread only.
    assert [m["ts"] for m in bot.sandbox.messages("C_GENERAL")] == [question["ts"]]


def test_follow_up_in_the_thread_continues_the_same_saved_chat(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    follow_up = bot.ask("And how many PTO days do we get?", thread_ts=question["ts"])
    assert bot.outcomes.for_ts(follow_up["ts"]) == ["enqueued:followup"]
    bot.work()
    assert len(bot.replies(question["ts"])) == 2
    [chat] = saved_chats(bot)
    users = [m for m in chat.messages or [] if m.author == "USER"]
    texts = ["".join(f.text or "" for f in m.fragments or []) for m in users]
    assert texts == ["What are the company holidays in 2025?", "And how many PTO days do we get?"]
    assert sum(1 for m in chat.messages or [] if m.author == "GLEAN_AI" and m.message_type == "CONTENT") >= 2


def test_thanks_in_an_answered_thread_is_not_answered(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    thanks = bot.ask("thanks!", thread_ts=question["ts"])
    assert bot.outcomes.for_ts(thanks["ts"]) == ["skipped:not_question(prefilter:courtesy)"]
    bot.work()
    assert len(bot.replies(question["ts"])) == 1


def test_mention_and_dm_are_always_answered(bot: Bot) -> None:
    mention = bot.ask("<@UBOT> vpn setup")  # no question mark: a mention needs none
    assert sorted(bot.outcomes.for_ts(mention["ts"])) == [
        "enqueued:mention",
        "skipped:mention_answered_via_app_mention",
    ]
    dm = bot.ask("expense policy", channel="D_ALICE")
    assert bot.outcomes.for_ts(dm["ts"]) == ["enqueued:mention"]
    bot.work()
    assert len(bot.replies(mention["ts"])) == 1
    assert len(bot.replies(dm["ts"], channel="D_ALICE")) == 1


def test_without_streaming_one_message_is_updated(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEANBOT_STREAMING="false")
    question = bot.ask("How do I set up the VPN on my laptop?")
    bot.work()
    [reply] = bot.replies(question["ts"])
    assert not bot.sandbox.calls("chat.startStream")
    assert _blocks(reply, "markdown")[0]["text"]
    assert _sources_text(reply).startswith("*Sources*")
