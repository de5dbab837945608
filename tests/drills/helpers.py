"""Shared pieces of the fault drills: worker processes, process liveness, and what the asker sees in Slack."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from local_glean import LocalGlean
from local_glean.config import LocalGleanConfig
from local_glean.pacing import Pace
from local_stack.processes import GleanbotProcess, alive, descendants
from slack_sandbox import Sandbox
from tests.harness import Bot, bot_env

QUESTION = "What are the company holidays in 2025?"
FAST_RECOVERY = {"GLEANBOT_JOB_HEARTBEAT_S": "1", "GLEANBOT_MAINTENANCE_INTERVAL_S": "1"}
"""A worker that dies is noticed within seconds (3 missed 1 s heartbeats + a 1 s maintenance pass)."""


@contextmanager
def paced_glean(tmp_path: Path, pace: Pace) -> Iterator[LocalGlean]:
    """local_glean paced like a live Glean (with faults on), so there is a mid-stream to kill a worker in."""
    server = LocalGlean(LocalGleanConfig(data_dir=tmp_path / "glean", faults_enabled=True, pace=pace))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def kill_hard(bot: Bot, worker: GleanbotProcess) -> None:
    """SIGKILL a worker (its parent process only, as an OOM kill or `kill -9 <pid>` would) and wait until
    nothing it forked runs on: an orphaned job would race the retry and answer twice."""
    forked = descendants(worker.pid)  # its workers, their job processes, RQ's scheduler
    assert forked
    worker.kill(signal.SIGKILL)
    worker.popen.wait(5)
    bot.sandbox.wait_for(lambda: not any(alive(pid) for pid in forked), timeout_s=5)


class Workers:
    """`gleanbot worker` subprocesses (real forking RQ workers) started by a test, all killed at its end."""

    def __init__(self) -> None:
        self.started: list[GleanbotProcess] = []

    def start(self, bot: Bot, **extra: str) -> GleanbotProcess:
        env = bot_env(bot.sandbox, bot.glean, bot.settings.redis_url, **FAST_RECOVERY, **extra)
        worker = GleanbotProcess(["worker"], env)
        self.started.append(worker)
        worker.wait_event("starting")
        return worker

    def events(self, name: str) -> list[dict[str, Any]]:
        return [record for worker in self.started for record in worker.events(name)]

    def stop_all(self) -> None:
        for worker in self.started:
            worker.kill()
            worker.stop()


def bot_messages(sandbox: Sandbox, ts: str, channel: str = "C_GENERAL") -> list[dict[str, Any]]:
    """What the asker sees from the bot in the question's thread, oldest first."""
    return [
        m for m in sandbox.messages(channel, thread_ts=ts) if m.get("user") == "UBOT" and m.get("ts") != ts
    ]


def is_complete_answer(sandbox: Sandbox, message: dict[str, Any], channel: str = "C_GENERAL") -> bool:
    """A finished answer: its stream stopped (or it was posted whole) and it ends with the feedback buttons
    (after the Sources, when Glean cited any)."""
    finished = sandbox.stream_state(channel, message["ts"]) in ("stopped", None)
    return (
        finished and not is_notice(message) and "feedback_buttons" in json.dumps(message.get("blocks") or [])
    )


def is_notice(message: dict[str, Any]) -> bool:
    return str(message.get("text", "")).startswith(":warning:")


def reactions(sandbox: Sandbox, ts: str, channel: str = "C_GENERAL") -> list[str]:
    message = sandbox.message(channel, ts) or {}
    return [r["name"] for r in message.get("reactions") or []]


def diagnose(bot: Bot, workers: Workers, **asked: dict[str, Any]) -> str:
    """What to print when a drill fails: each question's thread, the RQ jobs, the workers' logs."""
    lines = []
    for name, message in asked.items():
        thread = [
            (m["ts"], m["text"][:50], bot.sandbox.stream_state("C_GENERAL", m["ts"]))
            for m in bot_messages(bot.sandbox, message["ts"])
        ]
        state = bot.store.answer_state("T0SANDBOX", message.get("channel", "C_GENERAL"), message["ts"])
        lines.append(f"{name} {message['ts']}: {thread} state={state}")
    lines.append(f"queued: {bot.queue.job_ids}")
    for registry in ("started_job_registry", "failed_job_registry", "scheduled_job_registry"):
        lines.append(f"{registry}: {getattr(bot.queue, registry).get_job_ids()}")
    lines.append(f"intermediate: {bot.queue.intermediate_queue.get_job_ids()}")
    lines.append(f"maintenance lock ttl: {bot.queue.connection.ttl(bot.queue.registry_cleaning_key)}")
    for worker in workers.started:
        lines.append(f"--- worker {worker.pid} exit {worker.popen.poll()}")
        lines += [line.rstrip()[:400] for line in worker.log.lines[-40:]]
    return "\n".join(lines)
