"""Never silent: every failure ends in one short visible message to the asker (and a log line)."""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable

import httpx
import pytest
import redis

from core.failures import command_problem, describe
from glean_chat.errors import GleanConfigError
from tests.harness import ACT_AS, Bot

QUESTION = "What are the company holidays in 2025?"


def _notices(bot: Bot, ts: str) -> list[str]:
    return [m["text"] for m in bot.replies(ts) if m["text"].startswith(":warning:")]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        pytest.param({"status": 408}, "Glean took too long", id="408"),
        pytest.param({"status": 429, "count": 2, "retry_after_s": 0}, "rate limited", id="429-after-retries"),
        pytest.param(
            {"status": 503, "count": 2}, "having trouble right now (error 503)", id="503-after-retries"
        ),
        pytest.param({"status": 500, "count": 2}, "(error 500)", id="500-after-retries"),
    ],
)
def test_glean_failures_are_explained_in_the_thread(bot: Bot, fault: dict[str, int], expected: str) -> None:
    bot.glean_fault("chat", **fault)
    question = bot.ask(QUESTION)
    bot.work()
    assert len(notices := _notices(bot, question["ts"])) == 1
    assert expected in notices[0]
    assert len(bot.replies(question["ts"])) == 1  # the notice only: no half answer, no duplicate


def test_one_5xx_is_retried_and_then_answered(bot: Bot) -> None:
    bot.glean_fault("chat", status=503, count=1)
    question = bot.ask(QUESTION)
    bot.work()
    [reply] = bot.replies(question["ts"])
    assert not reply["text"].startswith(":warning:")
    assert "Sources" in str(reply["blocks"])


def test_bad_glean_token_is_explained(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEAN_API_TOKEN="not-a-valid-token")
    question = bot.ask("<@UBOT> " + QUESTION)
    bot.work()
    [notice] = _notices(bot, question["ts"])
    assert "rejected my credentials" in notice


def test_glean_refusing_to_act_as_the_asker_is_explained_privately(make_bot: Callable[..., Bot]) -> None:
    # A user token cannot act as someone else: local_glean answers 403, as Glean does.
    bot = make_bot(**{**ACT_AS, "GLEAN_API_TOKEN": "dev-token"})
    question = bot.ask("<@UBOT> " + QUESTION)
    bot.work()
    [notice] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    assert "answer as you" in notice["text"]
    assert bot.replies(question["ts"]) == []


def test_a_stream_broken_midway_ends_the_message_with_a_notice(bot: Bot) -> None:
    bot.glean_fault("chat", truncate_after_lines=30)
    question = bot.ask(QUESTION)
    bot.work()
    [reply] = bot.replies(question["ts"])  # text already shown is never repeated by a retry
    assert reply["text"].rstrip().endswith("_")
    assert ":warning: _I couldn't reach Glean" in reply["text"]
    assert bot.sandbox.stream_state("C_GENERAL", reply["ts"]) == "stopped"


def test_a_stream_broken_before_any_text_is_retried(bot: Bot) -> None:
    bot.glean_fault("chat", truncate_after_lines=2)  # the two UPDATE lines, no CONTENT yet
    question = bot.ask(QUESTION)
    bot.work()
    [reply] = bot.replies(question["ts"])
    assert ":warning:" not in reply["text"]
    assert "Sources" in str(reply["blocks"])


@pytest.mark.parametrize("after_lines", [0, 30], ids=["before any text", "midway"])
def test_a_garbled_stream_line_is_explained_and_its_text_kept_out_of_logs_and_redis(
    bot: Bot, after_lines: int, caplog: pytest.LogCaptureFixture
) -> None:
    # local_glean sends a proxy's error page as one NDJSON line: the asker is told Glean's reply was
    # unreadable (not "error 200, try rephrasing"), and neither the logs nor RQ's records hold its text.
    bot.glean_fault("chat", garbage_after_lines=after_lines)
    question = bot.ask(QUESTION)
    bot.work()
    replies = bot.replies(question["ts"])
    assert len(replies) == 1
    assert "Glean sent a reply I couldn't read" in replies[0]["text"]
    assert "error 200" not in replies[0]["text"]
    canary = "GARBAGE-CANARY"
    for record in caplog.records:
        assert canary not in record.getMessage()
        assert record.exc_info is None or canary not in str(record.exc_info[1])
    connection = redis.Redis.from_url(bot.settings.redis_url)
    for key in connection.scan_iter(count=1_000):
        if connection.type(key) == b"hash":
            for value in connection.hgetall(key).values():  # RQ stores a traceback zlib-compressed
                with contextlib.suppress(zlib.error):
                    value = zlib.decompress(value)
                assert canary.encode() not in value, key


def test_a_crashing_job_tells_the_asker_once(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEANBOT_STREAMING="false")
    bot.sandbox.fail_next("chat.postMessage", error="fatal_error", count=2)  # both attempts crash
    question = bot.ask(QUESTION)
    bot.work()
    [notice] = _notices(bot, question["ts"])
    assert "Slack refused part of my answer" in notice


def test_a_job_that_times_out_tells_the_asker(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEANBOT_JOB_TIMEOUT_S="2", GLEANBOT_JOB_RETRIES="0")
    bot.glean_fault("chat", delay_ms=4000)
    question = bot.ask(QUESTION)
    bot.work()
    [notice] = _notices(bot, question["ts"])
    assert "took too long and was stopped" in notice


def test_redis_down_is_explained_and_reported_by_health(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(REDIS_URL="redis://127.0.0.1:1/0")
    question = bot.ask("<@UBOT> " + QUESTION)
    assert "notice:redis_down" in bot.outcomes.for_ts(question["ts"])
    [notice] = _notices(bot, question["ts"])
    assert "queue is unreachable" in notice
    health = httpx.get(f"{bot.url}/healthz")
    assert (health.status_code, health.json()) == (503, {"ok": False, "redis": False})


def test_slack_rate_limits_are_waited_out(bot: Bot) -> None:
    bot.sandbox.fail_next("chat.startStream", error="ratelimited", retry_after_s=1)
    question = bot.ask(QUESTION)
    bot.work()
    [reply] = bot.replies(question["ts"])
    assert "Sources" in str(reply["blocks"])
    starts = bot.sandbox.calls("chat.startStream")
    assert [c.status for c in starts] == [429, 200]
    assert starts[1].at - starts[0].at >= 1.0  # Retry-After honoured


def test_a_glean_url_the_client_refuses_is_named_to_the_asker() -> None:
    # The client's own refusal (nothing was sent) read "Glean couldn't handle this question (error None)".
    failure = describe(GleanConfigError("server_url is not a valid URL (InvalidURL)"))
    assert failure.kind == "glean_misconfigured" and not failure.retryable
    assert "not a valid URL" in failure.message and "error None" not in failure.message
    assert "not a valid URL" in command_problem(GleanConfigError("x"))
