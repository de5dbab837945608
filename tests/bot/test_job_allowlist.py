"""A job written straight into Redis cannot make `gleanbot worker` run anything but the project's own jobs."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import Callback, Queue
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from rq.webhook import Webhook

from core.contract import CLEANUP_JOB, JOB_CALLBACKS, JOB_FUNCTIONS, JOB_PATHS, open_rq_redis
from local_glean import LocalGlean
from local_stack.processes import GleanbotProcess
from slack_sandbox import Sandbox
from tests.harness import bot_env

CLEANUP_PAYLOAD = {"team_id": "T0SANDBOX", "channel_id": "C_GENERAL", "message_ts": "1.1", "thread_ts": "1.1"}


@pytest.fixture
def queue(redis_url: str) -> Queue:
    return Queue("gleanbot", connection=open_rq_redis(redis_url), serializer=JSONSerializer)


@pytest.fixture
def webhook_hits() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", hits
    server.shutdown()
    server.server_close()


def _burst(sandbox: Sandbox, glean: LocalGlean, redis_url: str) -> GleanbotProcess:
    env = bot_env(sandbox, glean, redis_url, GLEANBOT_WORKER_CONCURRENCY="1", GLEANBOT_JOB_RETRIES="0")
    worker = GleanbotProcess(["worker", "--burst"], env)
    assert worker.popen.wait(60) == 0, "".join(worker.lines)
    worker.stop()
    return worker


def test_the_allowlist_is_exactly_the_project_jobs() -> None:
    assert set(JOB_PATHS) == JOB_FUNCTIONS | JOB_CALLBACKS
    assert all(path.startswith("workers.") for path in JOB_PATHS)


def test_a_job_naming_any_other_function_fails_without_running(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str, queue: Queue, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    queue.enqueue("os.mkdir", str(marker), job_id="evil-func", description="x")
    worker = _burst(sandbox, glean, redis_url)
    assert not marker.exists(), "the worker ran os.mkdir from a job someone wrote into Redis"
    job = Job.fetch("evil-func", connection=queue.connection, serializer=JSONSerializer)
    assert job.get_status() == JobStatus.FAILED
    assert "evil-func" in queue.failed_job_registry.get_job_ids()
    assert "evil-func" not in queue.started_job_registry.get_job_ids()
    refused = worker.events("job_refused")
    assert [(r["job_id"], r["reason"]) for r in refused] == [("evil-func", "function not allowed")]


def test_a_job_with_a_foreign_callback_is_refused_before_it_runs(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str, queue: Queue
) -> None:
    # A payload the job fails on: today its failure callback, print(job, ...), would run.
    queue.enqueue(CLEANUP_JOB, {"bad": "payload"}, job_id="evil-cb", on_failure=Callback("builtins.print"))
    worker = _burst(sandbox, glean, redis_url)
    assert not any("<Job evil-cb" in line for line in worker.lines), "foreign callback ran"
    assert [r["reason"] for r in worker.events("job_refused")] == ["callback not allowed"]
    job = Job.fetch("evil-cb", connection=queue.connection, serializer=JSONSerializer)
    assert job.get_status() == JobStatus.FAILED


def test_an_abandoned_job_runs_no_foreign_failure_callback(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str, queue: Queue
) -> None:
    """RQ's registry upkeep (in the worker, not a job process) runs the failure callback of a dead job."""
    job = queue.enqueue(
        CLEANUP_JOB, CLEANUP_PAYLOAD, job_id="evil-abandoned", on_failure=Callback("builtins.print")
    )
    queue.remove(job)  # as if a worker had taken it, started it and died
    with queue.connection.pipeline() as pipeline:
        job.set_status(JobStatus.STARTED, pipeline=pipeline)
        Execution.create(job, ttl=1, pipeline=pipeline)
        pipeline.execute()
    time.sleep(1.2)  # its heartbeat lapses
    worker = _burst(sandbox, glean, redis_url)
    assert not any("<Job evil-abandoned" in line for line in worker.lines), "foreign callback ran"
    assert "evil-abandoned" not in queue.started_job_registry.get_job_ids()
    assert job.get_status(refresh=True) == JobStatus.FAILED
    assert [r["reason"] for r in worker.events("job_refused")] == ["callback not allowed"]


def test_no_webhook_is_sent(
    sandbox: Sandbox,
    glean: LocalGlean,
    redis_url: str,
    queue: Queue,
    webhook_hits: tuple[str, list[str]],
) -> None:
    """A webhook would post the job, with its arguments (a question's text), wherever it names."""
    url, hits = webhook_hits
    queue.enqueue(CLEANUP_JOB, {"bad": "payload"}, job_id="hooked", webhooks=[Webhook(url, "failed")])
    worker = _burst(sandbox, glean, redis_url)
    job = Job.fetch("hooked", connection=queue.connection, serializer=JSONSerializer)
    assert job.get_status() == JobStatus.FAILED  # it ran (an allowed job) and failed on its payload
    time.sleep(0.2)
    assert hits == []
    assert [r["reason"] for r in worker.events("job_refused")] == ["webhook not allowed"]
