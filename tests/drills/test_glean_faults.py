"""Drills: Glean misbehaves (bursts of 429 with Retry-After, 503s, 408s, slow and stalling streams).

What the bot promises (README): a 429 or 503 is retried, waiting as long as Glean's `Retry-After` asks,
for up to GLEAN_RETRY_S inside one call and then once more as a new job attempt; a 408 is not retried; a
stream silent for longer than GLEAN_TIMEOUT_S is given up. Either way the asker sees one answer or one notice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from local_glean import LocalGlean
from local_glean.config import LocalGleanConfig
from local_glean.pacing import Pace
from slack_sandbox import Sandbox
from tests.drills.helpers import QUESTION, bot_messages, is_complete_answer, is_notice, reactions
from tests.harness import Bot, saved_chats, start_bot


def _outcome(bot: Bot, ts: str) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(answers, notices) the asker sees in the question's thread."""
    replies = bot_messages(bot.sandbox, ts)
    answers = [m for m in replies if is_complete_answer(bot.sandbox, m)]
    return answers, [m for m in replies if is_notice(m)]


def _first_text_after(bot: Bot, ts: str) -> float:
    """Seconds from the question's event to the first streamed text of its answer."""
    [delivery] = [
        d for d in bot.sandbox.deliveries("event") if (d.payload.get("event") or {}).get("ts") == ts
    ]
    start = next(c for c in bot.sandbox.calls("chat.startStream") if c.ok)
    return start.at - delivery.at


def test_a_burst_of_429s_is_waited_out_and_answered_once(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEAN_RETRY_S="10")
    bot.glean_fault("chat", status=429, count=3, retry_after_s=1)
    question = bot.ask(QUESTION)
    bot.work()
    answers, notices = _outcome(bot, question["ts"])
    assert (len(answers), notices) == (1, [])
    assert _first_text_after(bot, question["ts"]) >= 3.0  # three Retry-After: 1 honoured, not hammered
    assert "eyes" not in reactions(bot.sandbox, question["ts"])


def test_a_burst_of_503s_is_retried_and_answered_once(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEAN_RETRY_S="5")
    bot.glean_fault("chat", status=503, count=2, retry_after_s=0)
    question = bot.ask(QUESTION)
    bot.work()
    answers, notices = _outcome(bot, question["ts"])
    assert (len(answers), notices) == (1, [])


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        pytest.param({"status": 429, "count": 50, "retry_after_s": 1}, "rate limited", id="429-storm"),
        pytest.param({"status": 503, "count": 50, "retry_after_s": 1}, "(error 503)", id="503-storm"),
        pytest.param({"status": 408, "count": 50}, "Glean took too long", id="408s"),
    ],
)
def test_a_storm_past_every_retry_is_reported_once(
    make_bot: Callable[..., Bot], fault: dict[str, int], expected: str
) -> None:
    bot = make_bot(GLEAN_RETRY_S="2", GLEANBOT_JOB_RETRIES="1")
    bot.glean_fault("chat", **fault)
    question = bot.ask(QUESTION)
    bot.work()
    answers, notices = _outcome(bot, question["ts"])
    assert answers == []
    assert [expected in str(n["text"]) for n in notices] == [True]
    assert len(bot_messages(bot.sandbox, question["ts"])) == 1  # the notice alone: no half answer
    assert "eyes" not in reactions(bot.sandbox, question["ts"])


@pytest.fixture
def paced_glean(tmp_path: Path) -> Iterator[Callable[[Pace], LocalGlean]]:
    servers: list[LocalGlean] = []

    def start(pace: Pace) -> LocalGlean:
        config = LocalGleanConfig(data_dir=tmp_path / f"glean{len(servers)}", faults_enabled=True, pace=pace)
        servers.append(LocalGlean(config).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def test_a_slow_but_steady_stream_is_answered_once(
    sandbox: Sandbox, redis_url: str, paced_glean: Callable[[Pace], LocalGlean]
) -> None:
    # Pauses of 0.6 s between lines, within GLEAN_TIMEOUT_S=1: slow is not broken.
    glean = paced_glean(Pace(first_token_ms=1200, tokens_per_s=80.0))
    bot = start_bot(sandbox, glean, redis_url, GLEAN_TIMEOUT_S="1")
    try:
        question = bot.ask(QUESTION)
        bot.work()
        answers, notices = _outcome(bot, question["ts"])
        assert (len(answers), notices) == (1, [])
        assert len(bot.sandbox.calls("chat.appendStream")) >= 2  # it did stream, bit by bit
    finally:
        bot.stop()


STALLING = Pace(first_token_ms=2400, tokens_per_s=80.0)
"""1.2 s of silence between lines, past GLEAN_TIMEOUT_S=1: every attempt gives up on the stream."""


@pytest.mark.parametrize("retries", [0, 1])
def test_a_stalled_stream_is_given_up_and_reported_once_or_its_saved_answer_shown(
    sandbox: Sandbox, redis_url: str, paced_glean: Callable[[Pace], LocalGlean], retries: int
) -> None:
    bot = start_bot(
        sandbox, paced_glean(STALLING), redis_url, GLEAN_TIMEOUT_S="1", GLEANBOT_JOB_RETRIES=str(retries)
    )
    try:
        question = bot.ask(QUESTION)
        bot.work()
        answers, notices = _outcome(bot, question["ts"])
        assert len(bot_messages(bot.sandbox, question["ts"])) == 1
        if retries == 0:  # no retry left: the asker is told
            assert answers == []
            [notice] = notices
            assert "Glean stopped answering" in str(notice["text"])
        else:  # Glean finished and saved the answer: the retry shows it instead of asking again
            assert len(answers) == 1 and notices == []
            [chat] = saved_chats(bot)
            assert [m.author for m in chat.messages or []].count("USER") == 1
    finally:
        bot.stop()
