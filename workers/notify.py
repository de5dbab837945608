"""Visible failure messages: each failed answer tells its asker once, and logs a line for the admin."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from rq.job import Job
from slack_sdk import WebClient

from core.contract import AnswerJob
from core.failures import Failure, describe
from core.logs import log_event
from core.slack_ops import post_notice
from core.store import Store
from workers.callbacks import failed_payload
from workers.cleanup import clear_working_later
from workers.partial import delivered_before, discard_parts
from workers.respond import post_response
from workers.runtime import current

__all__ = ["notify_failure", "on_answer_failure"]

log = logging.getLogger("gleanbot.notify")


def notify_failure(
    client: WebClient, store: Store, job: AnswerJob, failure: Failure, *, job_id: str | None
) -> bool:
    """Post `failure.message` to the asker (in the thread, or privately) once per question; True if posted."""
    log_event(
        log,
        "answer_failed",
        logging.ERROR if failure.admin else logging.WARNING,
        job_id=job_id,
        team_id=job.team_id,
        channel_id=job.channel_id,
        message_ts=job.message_ts,
        reason=failure.kind,
    )
    if not store.claim_notice(job.team_id, f"answer:{job.channel_id}:{job.message_ts}"):
        return False
    if job.response_url:  # `/glean ask`: the reason goes where the answer would have gone
        return post_response(
            job.response_url,
            current().settings.slack_api_url,
            text=f":warning: {failure.message}",
            replace_original=True,
        )
    posted = post_notice(
        client,
        channel_id=job.channel_id,
        thread_ts=job.thread_ts,
        user_id=job.user_id,
        private=job.visibility == "private",
        text=failure.message,
    )
    clear_working_later(job, posted_in_thread=False)  # the notice is a reply of its own, not the placeholder
    return posted


def on_answer_failure(
    job: Job,
    connection: Any,
    exc_type: type[BaseException],
    exc: BaseException,
    traceback: TracebackType | None,
) -> None:
    """RQ failure callback: on the last failed attempt (or an abandoned job), tell the asker why.

    RQ calls it on every failed attempt, and may call it again when sweeping abandoned jobs, so it
    checks the retries left, and the once-key in Redis makes a second call a no-op.
    """
    if job.retries_left:
        return  # RQ will try again
    answer_job = failed_payload(job, AnswerJob)
    if answer_job is None:
        return
    runtime = current()
    store = runtime.store
    state = store.answer_state(answer_job.team_id, answer_job.channel_id, answer_job.message_ts)
    if state.get("status") == "done":
        return  # the answer was posted; RQ is only sweeping a job it lost track of
    client = runtime.slack
    if delivered_before(state):
        # It died sending a private answer, which cannot be taken back: a notice now could follow the answer.
        store.set_answer_state(
            answer_job.team_id, answer_job.channel_id, answer_job.message_ts, status="done"
        )
        clear_working_later(answer_job, posted_in_thread=False)
        return
    failure = describe(exc, act_as=answer_job.act_as is not None, ref=job.id)
    # The job died mid-answer (its worker was killed): its half-written messages would read as if the
    # answer were still coming. Remove them; the notice below says to ask again.
    discard_parts(client, store, answer_job, state)
    # State before send: once the asker can see the notice, Redis already says the answer ended.
    store.set_answer_state(answer_job.team_id, answer_job.channel_id, answer_job.message_ts, status="failed")
    notify_failure(client, store, answer_job, failure, job_id=job.id)
