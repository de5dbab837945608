"""Events whose fields have the wrong types (signed, so past the signature check) are refused at the edge:
skipped with a logged reason before anything is claimed or shown, and the bot goes on answering."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from tests.harness import Bot, message_event_body, signed_headers

QUESTION = "What are the company holidays in 2025?"


def _send(bot: Bot, event_id: str, ts: str, event: dict[str, Any]) -> None:
    body = json.loads(message_event_body(QUESTION, event_id=event_id, ts=ts))
    body["event"].update(event)
    raw = json.dumps(body)
    reply = httpx.post(f"{bot.url}/slack/events", content=raw, headers=signed_headers(raw))
    assert reply.status_code == 200  # acked: Slack must not redeliver a payload that will never parse


@pytest.mark.parametrize(
    "wrong",
    [
        {"user": {"id": "U_ALICE"}},
        {"text": ["What", "are", "the", "holidays?"]},
        {"ts": 1700000000.0001},
        {"thread_ts": {"ts": "1"}},
        {"channel": ["C_GENERAL"]},
        {"channel_type": ["channel"]},
        {"ts": "not-a-ts"},
        {"subtype": 7},
    ],
    ids=lambda w: "-".join(f"{k}={type(v).__name__}" for k, v in w.items()),
)
def test_an_event_with_a_wrong_field_type_is_skipped_with_a_reason(
    bot: Bot, wrong: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gleanbot"):
        _send(bot, "EvBadShape", "1700000000.000100", wrong)
        skipped = bot.sandbox.wait_for(
            lambda: [r for r in caplog.records if getattr(r, "event", "") == "message_skipped"], timeout_s=5
        )
    [record] = skipped
    assert record.reason == "invalid_event" and record.event_id == "EvBadShape"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no crash in a gate
    assert QUESTION not in caplog.text  # the message text is never logged
    assert bot.store.redis.keys("gleanbot:*:msg:*") == []  # nothing claimed
    assert bot.queue.count == 0
    # The bot goes on: the next, well-formed question is answered.
    good = bot.ask(QUESTION)
    bot.work()
    assert len(bot.replies(good["ts"])) == 1


def test_a_malformed_file_entry_is_dropped_and_the_question_still_answered(bot: Bot) -> None:
    url = bot.sandbox.bot_url
    bot.sandbox.set_bot_url(None)  # the message exists in Slack; its event is the hand-made one below
    message = bot.sandbox.post_message("U_ALICE", "C_GENERAL", QUESTION)
    bot.sandbox.set_bot_url(url)
    _send(bot, "EvBadFile", message["ts"], {"files": [{"id": "F_BAD", "name": 5, "size": "big"}]})
    assert bot.wait_outcomes(message["ts"]) == ["enqueued:question"]
    bot.work()
    assert len(bot.replies(message["ts"])) == 1
