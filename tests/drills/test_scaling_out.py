"""Drills for more than one machine: worker hosts with their own environments share a burst and one is
killed mid-burst; two listener instances get the same redelivered event. Every question: one answer."""

from __future__ import annotations

import signal
from collections.abc import Callable

from local_stack.processes import alive, descendants
from tests.drills.helpers import Workers, bot_messages, is_complete_answer
from tests.harness import Bot, start_bot

QUESTIONS = (
    "What are the company holidays in 2025?",
    "How do I set up the VPN on a new laptop?",
    "What is the expense limit for client dinners?",
    "How many PTO days do new employees get?",
    "What does the on-call runbook say about paging?",
    "What are the company holidays in 2025?",
)


def test_a_worker_host_killed_mid_burst_loses_no_question(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot(GLEANBOT_JOB_RETRIES="1")
    bot.glean_fault("chat", delay_ms=3_000, count=len(QUESTIONS))  # the burst is still in flight at the kill
    # Two hosts, each its own environment (as on two machines): the same Redis and Glean, other settings.
    host_a = workers.start(bot, GLEANBOT_WORKER_CONCURRENCY="3", GLEAN_TIMEOUT_S="25")
    host_b = workers.start(bot, GLEANBOT_WORKER_CONCURRENCY="3", GLEAN_TIMEOUT_S="30", LOG_LEVEL="INFO")
    asked = [bot.ask(q, channel="C_GENERAL") for q in QUESTIONS]
    # Host A's three workers each run an answer (a job process each). A kill between RQ's dequeue and the
    # job's start is the other case: RQ then recovers the job from its intermediate queue after a minute.
    bot.sandbox.wait_for(lambda: len(descendants(host_a.pid)) >= 6, timeout_s=20)
    below = descendants(host_a.pid)
    host_a.kill(signal.SIGKILL)
    host_a.popen.wait(5)
    assert bot.sandbox.wait_for(lambda: not any(alive(p) for p in below), timeout_s=5)

    def done(question: dict[str, str]) -> bool:
        return bot.store.answer_state("T0SANDBOX", "C_GENERAL", question["ts"]).get("status") == "done"

    # Settled means recorded as done in Redis, not just shown: the job writes "done" after its last Slack
    # call, and a job killed after posting is only finished by its retry (RQ finds it abandoned later).
    # A killed host's log may end before its last line; Redis does not.
    assert bot.sandbox.wait_for(lambda: all(done(q) for q in asked), timeout_s=120, interval_s=0.2)
    for question in asked:
        messages = bot_messages(bot.sandbox, question["ts"])
        assert len(messages) == 1 and is_complete_answer(bot.sandbox, messages[0]), messages
    assert host_b.events("answered")  # the surviving host took over


def test_two_listeners_answer_a_redelivered_event_once(make_bot: Callable[..., Bot]) -> None:
    first = make_bot()
    second = start_bot(first.sandbox, first.glean, first.settings.redis_url)  # another instance, same Redis
    try:
        first.sandbox.set_bot_url(f"{first.url}/slack/events")
        message = first.sandbox.post_message("U_ALICE", "C_GENERAL", QUESTIONS[0])
        first.wait_outcomes(message["ts"])
        # Slack redelivers (it thought the first instance slow) and the load balancer picks the other one.
        first.sandbox.set_bot_url(f"{second.url}/slack/events")
        first.sandbox.redeliver_last("http_timeout")
        # Both instances run in this process, so one log handler sees both decisions.
        outcomes = first.wait_outcomes(message["ts"], count=2)
        assert sorted(outcomes) == ["enqueued:question", "skipped:duplicate_delivery"], outcomes
        first.work()
        assert len(first.replies(message["ts"])) == 1
    finally:
        second.stop()
