"""Which RQ jobs a worker may run: only the project's own job functions and callbacks, never a webhook.

An RQ job names the function to call as a string, and RQ imports whatever it names: anyone able to write to
Redis could otherwise run any importable callable (`os.system`) on every worker. The allowlist is
`core.contract.JOB_FUNCTIONS` (jobs) and `JOB_CALLBACKS` (their failure callbacks, which RQ also runs from
its registry upkeep when it finds a job abandoned).
"""

from __future__ import annotations

import logging
from typing import Any

from rq.job import Job

from core.contract import JOB_CALLBACKS, JOB_FUNCTIONS
from core.logs import log_event

__all__ = ["GleanbotJob", "JobRefusedError", "refusal"]

log = logging.getLogger("gleanbot.worker")


class JobRefusedError(RuntimeError):
    """A job or callback outside the allowlist was asked for; nothing of it ran."""


def refusal(job: Job) -> str | None:
    """Why `job` may not run (a fixed phrase, never its arguments), or None when it may."""
    try:
        func_name = job.func_name
        instance = job.instance
    except Exception:  # a payload that does not deserialize: nothing in it can be trusted
        return "unreadable payload"
    if instance is not None:
        return "method call"
    if func_name not in JOB_FUNCTIONS:
        return "function not allowed"
    for name in (job._success_callback_name, job._failure_callback_name, job._stopped_callback_name):
        if name and name not in JOB_CALLBACKS:
            return "callback not allowed"
    return None


class GleanbotJob(Job):
    """RQ's job, resolving only allowlisted functions and callbacks, and sending no webhooks.

    The worker refuses a job before forking for it (`GleanbotWorker.execute_job`); these checks also hold
    wherever else RQ resolves a name: inside the job process, and in the registry upkeep that runs the
    failure callback of a job whose worker died.
    """

    @property
    def func(self) -> Any:
        reason = refusal(self)
        if reason is not None:
            raise JobRefusedError(reason)
        return super().func

    @property
    def success_callback(self) -> Any:
        return self._callback(self._success_callback_name, lambda: super(GleanbotJob, self).success_callback)

    @property
    def failure_callback(self) -> Any:
        return self._callback(self._failure_callback_name, lambda: super(GleanbotJob, self).failure_callback)

    @property
    def stopped_callback(self) -> Any:
        return self._callback(self._stopped_callback_name, lambda: super(GleanbotJob, self).stopped_callback)

    def _callback(self, name: str | None, resolve: Any) -> Any:
        if name and name not in JOB_CALLBACKS:
            log_event(log, "job_refused", logging.ERROR, job_id=self.id, reason="callback not allowed")
            return None  # RQ skips a missing callback; the job itself still ends failed or finished
        return resolve()

    def send_webhooks(self, status: Any, *, exc_string: str | None = None) -> None:
        """Never: the project sends none, and a webhook's payload would carry the job's arguments."""
        if self.webhooks:
            log_event(log, "job_refused", logging.ERROR, job_id=self.id, reason="webhook not allowed")
