"""Removing a sign of work later, when Slack's budget for it was spent at the moment the answer was done."""

from __future__ import annotations

import logging
from typing import Any

from core.contract import AnswerJob, CleanupJob, FilesJob, enqueue_cleanup
from core.logs import log_event
from core.slack_budget import SlackBudget
from core.working import Working, clear_working
from workers.runtime import current

__all__ = ["CLEANUP_ATTEMPTS_MAX", "CLEANUP_DELAY_S", "clear_later", "clear_or_defer", "clear_working_later"]

log = logging.getLogger("gleanbot.cleanup")

CLEANUP_DELAY_S = 10.0
"""First retry of a deferred cleanup; each further one waits twice as long."""
CLEANUP_ATTEMPTS_MAX = 6
"""About 10 minutes in all; a reaction still there after that is left (logged), the answer is not affected."""


def clear_or_defer(job: CleanupJob) -> None:
    """Clear the sign of work now if the budget allows, else schedule `clear_later`."""
    runtime = current()
    budget = SlackBudget(runtime.store, job.team_id)
    working = Working.of(reaction=job.reaction, status=job.status, placeholder_ts=job.placeholder_ts)
    done = clear_working(
        runtime.slack, budget, working, channel_id=job.channel_id, ts=job.message_ts, thread_ts=job.thread_ts
    )
    if done:
        return
    if job.attempt >= CLEANUP_ATTEMPTS_MAX:
        log_event(
            log, "cleanup_abandoned", logging.WARNING, channel_id=job.channel_id, message_ts=job.message_ts
        )
        return
    delay = CLEANUP_DELAY_S * 2 ** (job.attempt - 1)
    enqueue_cleanup(runtime.queue, job.model_copy(update={"attempt": job.attempt + 1}), delay)
    log_event(log, "cleanup_deferred", channel_id=job.channel_id, message_ts=job.message_ts, delay_s=delay)


def clear_later(payload: dict[str, Any]) -> str:
    """The RQ job: try again; defer once more if Slack's budget is still spent."""
    clear_or_defer(CleanupJob.model_validate(payload))
    return "done"


def clear_working_later(job: AnswerJob | FilesJob, *, posted_in_thread: bool) -> None:
    """The question's sign of work goes (now, or when Slack's budget allows); the answer does not wait.

    `posted_in_thread`: the job's answer went into the thread. Slack then cleared the status itself, and an
    adopted placeholder became the answer; neither needs a call.
    """
    adopted = posted_in_thread and isinstance(job, AnswerJob) and job.placeholder_adopt
    placeholder = None if adopted else job.placeholder_ts
    status = job.status and not posted_in_thread
    if job.reaction or status or placeholder:
        cleanup = CleanupJob(
            team_id=job.team_id,
            channel_id=job.channel_id,
            message_ts=job.message_ts,
            thread_ts=job.thread_ts,
            reaction=job.reaction,
            status=status,
            placeholder_ts=placeholder,
        )
        clear_or_defer(cleanup)
