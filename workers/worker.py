"""The RQ worker process: `gleanbot worker [--burst]`. SIGTERM finishes the current answer, then exits.

When a worker dies (SIGKILL, OOM, a lost machine) its answer is noticed within about 3 heartbeats plus one
maintenance interval (`GLEANBOT_JOB_HEARTBEAT_S`, `GLEANBOT_MAINTENANCE_INTERVAL_S`; RQ's defaults would take
90 s plus up to 10 min), then retried or reported to the asker (workers/answer.py, workers/notify.py).
"""

from __future__ import annotations

import ctypes
import importlib
import logging
import os
import signal
import sys
from typing import Any, cast

import redis
from rq import Queue, Worker
from rq.job import Job
from rq.utils import now
from rq.worker.base import BaseWorker, WorkerStatus

from core.contract import ANSWER_FAILURE_CALLBACK, ANSWER_JOB, make_queue, open_rq_redis
from core.logs import log_event
from core.settings import Settings
from workers import runtime
from workers.job_guard import GleanbotJob, refusal

__all__ = [
    "EXIT_REDIS_LOST",
    "HEARTBEAT_GRACE_BEATS",
    "MAINTENANCE_LOCK_MIN_S",
    "GleanbotWorker",
    "MaintainedQueue",
    "QuickCommandChannel",
    "run_worker",
]

log = logging.getLogger("gleanbot.worker")

HEARTBEAT_GRACE_BEATS = 2
"""A running answer stays claimed this many heartbeats past the next one it owes (RQ's own grace is 60 s)."""
_DEQUEUE_MARGIN_S = 15  # RQ blocks on the queue for worker_ttl - 15 s between maintenance checks
EXIT_REDIS_LOST = 3
"""Exit status when Redis went away: the process supervisor (Procfile platform, systemd, Kubernetes) restarts
the worker, and the answer it was running is retried or reported once it is found abandoned."""
_PR_SET_PDEATHSIG = 1
PUBSUB_POLL_S = 1.0
_forking_pid = 0
_fork_hooked = False


MAINTENANCE_LOCK_MIN_S = 30
"""The shortest hold of the queue's maintenance lock (see `MaintainedQueue`); cleaning takes far less."""


def maintenance_lock_ttl_s(maintenance_interval_s: int) -> int:
    return max(MAINTENANCE_LOCK_MIN_S, 2 * maintenance_interval_s)


class MaintainedQueue(Queue):
    """RQ's queue, whose maintenance lock a dead worker holds for `lock_ttl_s`, not RQ's 899 s.

    One worker at a time cleans the registries (finds abandoned answers, unsticks jobs dequeued by a worker
    that died before starting them). A worker SIGKILLed while cleaning (it cleans at start-up, and while an
    abandoned answer's failure callback tells the asker) kept every other worker from it for 15 minutes:
    the answers it would have found were lost that long (seen in tests/drills/test_random_kills.py).
    """

    lock_ttl_s: int = MAINTENANCE_LOCK_MIN_S

    def acquire_maintenance_lock(self) -> bool:
        return bool(self.connection.set(self.registry_cleaning_key, 1, nx=True, ex=self.lock_ttl_s))


class QuickCommandChannel(BaseWorker):
    """Any RQ worker class, with its command channel polled every `PUBSUB_POLL_S` (mixed in first)."""

    def subscribe(self) -> None:
        """RQ's command channel, polled every `PUBSUB_POLL_S` instead of RQ's 60 s.

        redis-py 8's `PubSubWorkerThread.stop()` waits for the poll in progress to return, so with RQ's
        60 s a stopping worker could hang for a minute at exit (seen when several stop at once).
        """
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ types it None
            sleep_time=PUBSUB_POLL_S, daemon=True, exception_handler=self._pubsub_exception_handler
        )


class GleanbotWorker(QuickCommandChannel, Worker):
    """A forking worker whose job process ignores SIGTERM and SIGINT, and dies with the worker.

    Platforms often signal the whole process group on shutdown; the parent turns the first SIGTERM
    into a warm shutdown (finish the current job, take no new one), so the job itself must survive it.
    A second signal is a cold shutdown and kills the job.
    Only the project's own job functions run (`workers.job_guard`): any other job is failed unrun.
    """

    job_class = GleanbotJob

    def execute_job(self, job: Job, queue: Queue) -> None:
        reason = refusal(job)
        if reason is None:
            super().execute_job(job, queue)
            return
        # Refused in this process, before forking for it: nothing of the job is imported or called. It
        # goes through RQ's own failure path (off the started registry, into the failed one), never retried.
        log_event(log, "job_refused", logging.ERROR, job_id=job.id, reason=reason)
        job.retries_left = 0
        self.prepare_execution(job)
        job.ended_at = now()
        self.handle_job_failure(job, queue, exc_string=f"JobRefusedError: {reason}")
        self.set_state(WorkerStatus.IDLE)

    def setup_work_horse_signals(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def get_heartbeat_ttl(self, job: Job) -> int:
        """How long a running job stays claimed without a heartbeat: the next beat plus a short grace."""
        interval = int(self.job_monitoring_interval)
        beat = interval
        if job.timeout and job.timeout > 0:
            beat = max(1, int(min(job.timeout - self.current_job_working_time, interval)))
        return beat + HEARTBEAT_GRACE_BEATS * interval


def _die_with_parent() -> None:
    """In a forked child (the job process, RQ's scheduler): get SIGKILLed when the worker dies (Linux).

    An orphaned job would go on answering while another worker, seeing no heartbeat, retries the same
    question: two answers. Killing it with its worker keeps one owner per answer.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != _forking_pid:  # the worker died before prctl took effect
        os._exit(1)


def _note_forking_pid() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def run_worker(settings: Settings, *, burst: bool = False) -> bool:
    """Work the answer queue (with the scheduler, so retry delays fire); return True if it ran any job."""
    global _fork_hooked
    runtime.install(settings)
    for name in (ANSWER_JOB, ANSWER_FAILURE_CALLBACK):
        # Imported once here, not in every forked job process: ~0.1 s sooner to the first word of each answer.
        importlib.import_module(name.rpartition(".")[0])
    if sys.platform == "linux" and not _fork_hooked:
        os.register_at_fork(before=_note_forking_pid, after_in_child=_die_with_parent)
        _fork_hooked = True
    connection = open_rq_redis(settings.redis_url)
    queue = cast(
        "MaintainedQueue",
        make_queue(settings, connection, job_class=GleanbotJob, queue_class=MaintainedQueue),
    )
    queue.lock_ttl_s = maintenance_lock_ttl_s(settings.maintenance_interval_s)
    options: dict[str, Any] = {
        "job_monitoring_interval": settings.job_heartbeat_s,
        "maintenance_interval": settings.maintenance_interval_s,
        # An idle worker waits on the queue for worker_ttl - 15 s before it can run maintenance again.
        "worker_ttl": settings.maintenance_interval_s + _DEQUEUE_MARGIN_S,
    }
    worker = GleanbotWorker(
        [queue],
        connection=connection,
        serializer=queue.serializer,
        job_class=GleanbotJob,
        queue_class=MaintainedQueue,
        **options,
    )
    try:
        return bool(worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level))
    except redis.ConnectionError as exc:
        # RQ only rides out a lost Redis while idle; mid-job it gives up. Exit cleanly (the job process dies
        # with us) and let the supervisor start a fresh worker.
        log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__, reason="worker exits")
        raise SystemExit(EXIT_REDIS_LOST) from exc
