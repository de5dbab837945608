"""One `gleanbot worker` answers several questions at once, and a SIGTERM lets every one of them finish."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
import redis
from rq.job import Job, JobStatus

from bench.harness import peak_overlap
from local_glean import LocalGlean
from local_stack.processes import GleanbotProcess, alive, descendants
from slack_sandbox import Sandbox
from tests.harness import Bot, bot_env

QUESTIONS = (
    "What are the company holidays in 2025?",
    "How do I set up the VPN on a new laptop?",
    "What is the expense limit for client dinners?",
)
SLOW_MS = 2_000


@pytest.fixture
def pool(sandbox: Sandbox, glean: LocalGlean, redis_url: str) -> Iterator[GleanbotProcess]:
    env = bot_env(sandbox, glean, redis_url, GLEANBOT_WORKER_CONCURRENCY=str(len(QUESTIONS)))
    worker = GleanbotProcess(["worker"], env)
    worker.wait_event("pool_started")
    yield worker
    worker.kill()
    worker.stop()


def _job(question: dict[str, str]) -> str:
    return f"answer-T0SANDBOX-C_GENERAL-{question['ts'].replace('.', '_')}"


def test_slow_answers_run_side_by_side(bot: Bot, pool: GleanbotProcess) -> None:
    bot.glean_fault("chat", delay_ms=SLOW_MS, count=len(QUESTIONS))
    asked = [bot.ask(q, channel="C_GENERAL") for q in QUESTIONS]
    bot.sandbox.wait_for(lambda: len(pool.events("answered")) == len(QUESTIONS), timeout_s=30)
    done = pool.events("answered")
    spans = [(float(r["ts"]) - int(r["elapsed_ms"]) / 1000, float(r["ts"])) for r in done]
    assert peak_overlap(spans) == len(QUESTIONS)  # all in flight at once, not one after the other
    assert sorted(r["message_ts"] for r in done) == sorted(q["ts"] for q in asked)
    assert all(len(bot.replies(q["ts"])) == 1 for q in asked)


def test_sigterm_lets_every_answer_in_flight_finish(bot: Bot, pool: GleanbotProcess, redis_url: str) -> None:
    bot.glean_fault("chat", delay_ms=SLOW_MS, count=len(QUESTIONS))
    asked = [bot.ask(q) for q in QUESTIONS]
    rq_redis = redis.Redis.from_url(redis_url)
    bot.sandbox.wait_for(
        lambda: all(Job.fetch(_job(q), connection=rq_redis).get_status() == JobStatus.STARTED for q in asked),
        timeout_s=20,
    )
    below = descendants(pool.pid)
    pool.popen.send_signal(signal.SIGTERM)
    assert pool.popen.wait(30) == 0
    assert all(Job.fetch(_job(q), connection=rq_redis).get_status() == JobStatus.FINISHED for q in asked)
    assert all(len(bot.replies(q["ts"])) == 1 for q in asked)
    assert not [p for p in below if p in descendants(1)]  # nothing left running


def test_a_killed_worker_host_takes_its_workers_and_answers_with_it(bot: Bot, pool: GleanbotProcess) -> None:
    bot.glean_fault("chat", delay_ms=10_000, count=len(QUESTIONS))
    for q in QUESTIONS:
        bot.ask(q)
    bot.sandbox.wait_for(lambda: len(descendants(pool.pid)) > len(QUESTIONS), timeout_s=20)
    below = descendants(pool.pid)
    pool.kill(signal.SIGKILL)
    pool.popen.wait(5)
    bot.sandbox.wait_for(lambda: not any(alive(p) for p in below), timeout_s=5)
