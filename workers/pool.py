"""`gleanbot worker`: N RQ worker processes under one supervisor, so one host answers N questions at once.

An answer waits on Glean and Slack, not on the CPU, so one worker per answer in flight is cheap: the workers
are forked after the job modules are imported, and share those pages. Each child is today's RQ worker
(`workers.worker.run_worker`) with every guarantee it has (exactly once, retries, heartbeats, abandoned-job
recovery, the job process dying with its worker). The supervisor adds four rules:
- SIGTERM or SIGINT reaches each worker exactly once (a warm shutdown: finish the answer, take no new one);
  the workers run in their own process group, so a platform signalling the whole group cannot make it twice,
  which RQ would read as a cold shutdown. A second signal to the supervisor is passed on: cold shutdown.
- Each worker dies with the supervisor (PDEATHSIG), so a killed host leaves no answer running unowned.
- A worker that exits on its own is started again after `RESPAWN_DELAY_S`; one that lost Redis makes the
  supervisor stop the rest and exit with `EXIT_REDIS_LOST`, for the process manager to restart it.
- `--burst`: each worker exits when the queue is empty; the supervisor, when all have.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import time
from types import FrameType

from core.contract import JOB_PATHS
from core.lifetime import STOP_SIGNALS, fork_child
from core.logs import log_event
from core.settings import Settings
from workers.worker import EXIT_REDIS_LOST, run_worker

__all__ = ["RESPAWN_DELAY_S", "run_pool"]

log = logging.getLogger("gleanbot.worker")

RESPAWN_DELAY_S = 1.0


def run_pool(settings: Settings, *, burst: bool = False) -> int:
    """Run `settings.worker_concurrency` workers until told to stop; return the process's exit status."""
    if settings.worker_concurrency <= 1:
        run_worker(settings, burst=burst)  # exactly one worker, in this process
        return 0
    for path in JOB_PATHS:
        # Imported before forking: every worker shares these pages instead of loading its own copy.
        importlib.import_module(path.rpartition(".")[0])
    return _Pool(settings, burst).run()


class _Pool:
    def __init__(self, settings: Settings, burst: bool) -> None:
        self.settings = settings
        self.burst = burst
        self.children: dict[int, int] = {}  # pid -> slot
        self.signals = 0
        self.exit_status = 0

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            for slot in range(self.settings.worker_concurrency):
                if self.signals:
                    break  # told to stop while starting: the workers not yet started never are
                self._spawn(slot)
            log_event(log, "pool_started", workers=len(self.children))
            while self.children:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                self._reap(pid, os.waitstatus_to_exitcode(status))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log_event(log, "pool_stopped", status=self.exit_status)
        return self.exit_status

    def _spawn(self, slot: int) -> None:
        # Its own process group: signals for the whole group reach the supervisor only; it passes them on once.
        fork_child(
            lambda: run_worker(self.settings, burst=self.burst),
            record=lambda pid: self.children.update({pid: slot}),
            log=log,
            what="worker",
            own_group=True,
        )

    def _reap(self, pid: int, status: int) -> None:
        slot = self.children.pop(pid, None)
        if slot is None:
            return
        if self.signals or self.burst:
            return
        if status == EXIT_REDIS_LOST:
            log_event(log, "pool_stopping", logging.ERROR, reason="redis_unavailable")
            self.exit_status = EXIT_REDIS_LOST
            self._tell_all(signal.SIGTERM)
            self.signals = 1
            return
        log_event(log, "worker_restarted", logging.WARNING, status=status)
        time.sleep(RESPAWN_DELAY_S)
        self._spawn(slot)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals += 1
        log_event(log, "pool_signal", signal=signal.Signals(signum).name, count=self.signals)
        self._tell_all(signal.SIGTERM)  # the first is a warm shutdown for each worker, a second a cold one

    def _tell_all(self, sig: signal.Signals) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                self.children.pop(pid, None)
