"""The real processes: `gleanbot http` and `gleanbot worker` as subprocesses; logs; SIGTERM; Redis keys."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import pytest
import redis
from rq.job import Job, JobStatus

from local_glean import LocalGlean
from local_stack.processes import GleanbotProcess
from slack_sandbox import Sandbox
from tests.harness import BOT_TOKEN, SIGNING_SECRET, Bot, bot_env

QUESTION = "What are the company holidays in 2025?"


@pytest.fixture
def procs() -> Iterator[list[GleanbotProcess]]:
    started: list[GleanbotProcess] = []
    yield started
    for p in started:
        p.stop()


def test_http_and_worker_processes_answer_a_question(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str, procs: list[GleanbotProcess]
) -> None:
    env = bot_env(sandbox, glean, redis_url)
    http = GleanbotProcess(["http"], env)
    procs.append(http)
    [listening] = sandbox.wait_for(lambda: http.events("listening"), timeout_s=20)
    sandbox.set_bot_url(f"http://127.0.0.1:{listening['port']}/slack/events")
    question = sandbox.post_message("U_ALICE", "C_GENERAL", QUESTION)
    try:
        sandbox.wait_for(lambda: http.events("message_enqueued"))
    except TimeoutError:
        print("".join(http.lines))
        raise
    worker = GleanbotProcess(["worker", "--burst"], env)
    procs.append(worker)
    assert worker.popen.wait(30) == 0
    [reply] = [m for m in sandbox.messages("C_GENERAL", thread_ts=question["ts"]) if m.get("user") == "UBOT"]
    assert "*Sources*" in json.dumps(reply["blocks"])
    # Structured logs: ids and reasons, never tokens or what people wrote.
    logs = "".join(http.lines + worker.lines)
    for secret in (QUESTION, "company holidays", BOT_TOKEN, SIGNING_SECRET, "dev-token"):
        assert secret not in logs
    [enqueued] = http.events("message_enqueued")
    assert enqueued["event_id"] and enqueued["message_ts"] == question["ts"]
    [answered] = worker.events("answered")
    assert answered["job_id"].startswith("answer-") and answered["message_ts"] == question["ts"]


def test_sigterm_lets_the_worker_finish_its_current_answer(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str, procs: list[GleanbotProcess], bot: Bot
) -> None:
    bot.glean_fault("chat", delay_ms=2500)  # a slow answer, so the signal lands mid-job
    question = bot.ask(QUESTION)
    worker = GleanbotProcess(["worker"], bot_env(sandbox, glean, redis_url))
    procs.append(worker)
    rq_redis = redis.Redis.from_url(redis_url)
    job_id = bot.queue.job_ids[0] if bot.queue.job_ids else None
    job_id = job_id or f"answer-T0SANDBOX-C_GENERAL-{question['ts'].replace('.', '_')}"
    sandbox.wait_for(
        lambda: Job.fetch(job_id, connection=rq_redis).get_status() == JobStatus.STARTED, timeout_s=20
    )
    worker.popen.send_signal(signal.SIGTERM)
    assert worker.popen.wait(30) == 0
    assert Job.fetch(job_id, connection=rq_redis).get_status() == JobStatus.FINISHED
    [reply] = bot.replies(question["ts"])
    assert "*Sources*" in json.dumps(reply["blocks"])


def test_every_bot_key_is_namespaced_and_expires(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    bot.work()
    bot.ask("And how many PTO days do we get?", thread_ts=question["ts"])
    bot.ask("<@UBOT> vpn setup")
    bot.work()
    client = redis.Redis.from_url(bot.settings.redis_url, decode_responses=True)
    keys = [k for k in client.scan_iter("*") if not k.startswith("rq:")]
    assert keys
    assert all(k.startswith("gleanbot:T0SANDBOX:") for k in keys), keys
    assert all(client.ttl(k) > 0 for k in keys), {k: client.ttl(k) for k in keys}
    assert client.ttl(f"gleanbot:T0SANDBOX:chat:C_GENERAL:{question['ts']}") > 29 * 86_400
