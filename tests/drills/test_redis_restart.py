"""Drill: Redis (the queue and all of the bot's state) is killed and restarted while the bot works.

A private redis-server with the append-only file on (`appendfsync always`, as the README requires in
production) is SIGKILLed while one answer is in progress and another waits in the queue, then started again on
the same socket. The test plays the process supervisor: a worker that exits is started again. Every accepted
question must end answered exactly once, or with a visible notice; none silently lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_glean import LocalGlean
from local_stack.processes import alive, descendants
from local_stack.redis_server import RedisServer
from slack_sandbox import Sandbox
from tests.drills.helpers import (
    QUESTION,
    Workers,
    bot_messages,
    diagnose,
    is_complete_answer,
    is_notice,
)
from tests.harness import Bot, start_bot
from workers.worker import EXIT_REDIS_LOST

DOWN_S = 2.0


@pytest.fixture
def durable_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    yield server
    server.kill()


@pytest.fixture
def bot_on_durable_redis(sandbox: Sandbox, glean: LocalGlean, durable_redis: RedisServer) -> Iterator[Bot]:
    bot = start_bot(sandbox, glean, durable_redis.url, GLEANBOT_JOB_RETRIES="1")
    yield bot
    bot.stop()


def _answered_once(bot: Bot, ts: str) -> bool:
    replies = bot_messages(bot.sandbox, ts)
    return len(replies) == 1 and is_complete_answer(bot.sandbox, replies[0])


def test_redis_restart_loses_no_accepted_question(
    bot_on_durable_redis: Bot, durable_redis: RedisServer, workers: Workers
) -> None:
    bot = bot_on_durable_redis
    sb = bot.sandbox
    worker = workers.start(bot, GLEANBOT_WORKER_CONCURRENCY="1")  # one answer at a time: one waits queued
    before = bot.ask(QUESTION)
    sb.wait_for(lambda: _answered_once(bot, before["ts"]), timeout_s=20)

    bot.glean_fault("chat", delay_ms=4000)  # the next answer is in progress (waiting on Glean) at the kill
    in_progress = bot.ask("How do I set up the VPN on a new laptop?")
    queued = bot.ask("What is the expense limit for client dinners?")  # waits behind it (one worker)
    sb.wait_for(lambda: bot.queue.count == 1, timeout_s=10)  # the first taken, the second waiting
    forked = descendants(worker.pid)
    durable_redis.kill()
    during = bot.ask("<@UBOT> How many PTO days do new employees get?")  # arrives while Redis is down

    # The worker cannot carry on without Redis: it exits (with its job process), to be restarted.
    assert worker.popen.wait(10) == EXIT_REDIS_LOST
    assert worker.events("redis_unavailable")
    sb.wait_for(lambda: not any(alive(pid) for pid in forked), timeout_s=5)
    time.sleep(DOWN_S)
    durable_redis.start()
    workers.start(bot)
    after = bot.ask("What does the on-call runbook say about paging?")

    asked = {"in_progress": in_progress, "queued": queued, "after": after}
    for message in asked.values():
        try:
            sb.wait_for(lambda m=message: _answered_once(bot, m["ts"]), timeout_s=30)
        except TimeoutError:
            print(diagnose(bot, workers, **asked))
            raise
    [notice] = bot_messages(sb, during["ts"])  # refused with a reason, never silently dropped
    assert is_notice(notice) and "queue is unreachable" in notice["text"]
    assert _answered_once(bot, before["ts"])  # and nothing was answered twice
    for message in (before, in_progress, queued, after):
        assert bot.store.answer_state("T0SANDBOX", "C_GENERAL", message["ts"])["status"] == "done"


def test_redis_lost_as_the_answer_is_shown_leaves_it_shown_once(
    bot_on_durable_redis: Bot, durable_redis: RedisServer, workers: Workers
) -> None:
    bot = bot_on_durable_redis
    sb = bot.sandbox
    question = bot.ask(QUESTION)
    hold = sb.holds.after("chat.startStream")
    worker = workers.start(bot)
    assert hold.wait_reached(30)
    # Slack shows the answer's first words; Redis dies before the worker can record the message.
    durable_redis.kill()
    hold.release()
    assert worker.popen.wait(15) == EXIT_REDIS_LOST
    durable_redis.start()
    workers.start(bot)
    try:
        sb.wait_for(lambda: _answered_once(bot, question["ts"]), timeout_s=60)
        sb.wait_for(
            lambda: bot.store.answer_state("T0SANDBOX", "C_GENERAL", question["ts"]).get("status") == "done",
            timeout_s=30,
        )
    except TimeoutError:
        print(diagnose(bot, workers, question=question))
        raise
    assert _answered_once(bot, question["ts"])  # the first attempt's half message is gone
