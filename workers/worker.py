"""The RQ worker process: `gleanbot worker [--burst]`. SIGTERM finishes the current answer, then exits."""

from __future__ import annotations

import signal

from rq import Worker

from bot.jobs import make_queue, open_rq_redis
from bot.settings import Settings
from workers import context

__all__ = ["GleanbotWorker", "run_worker"]


class GleanbotWorker(Worker):
    """A forking worker whose job process ignores SIGTERM and SIGINT.

    Platforms often signal the whole process group on shutdown; the parent turns the first SIGTERM
    into a warm shutdown (finish the current job, take no new one), so the job itself must survive it.
    A second signal is a cold shutdown and kills the job.
    """

    def setup_work_horse_signals(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_worker(settings: Settings, *, burst: bool = False) -> bool:
    """Work the answer queue (with the scheduler, so retry delays fire); return True if it ran any job."""
    context.install(settings)
    connection = open_rq_redis(settings.redis_url)
    queue = make_queue(settings, connection)
    worker = GleanbotWorker([queue], connection=connection, serializer=queue.serializer)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level))
