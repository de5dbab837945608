"""RQ job payloads (pydantic, JSON on the wire) and the one way to enqueue an answer job."""

from __future__ import annotations

import re
from typing import Literal

import redis
from pydantic import BaseModel, ConfigDict
from rq import Callback, Queue, Retry
from rq.exceptions import DuplicateJobError
from rq.job import Dependency
from rq.serializers import JSONSerializer

from bot.settings import Settings

__all__ = ["ANSWER_JOB", "AnswerJob", "enqueue_answer", "job_id_for", "make_queue", "open_rq_redis"]

ANSWER_JOB = "workers.answer.answer_question"
ANSWER_FAILURE_CALLBACK = "workers.notify.on_answer_failure"
RESULT_TTL_S = 600
"""A finished job's RQ records (hash and result stream, about 7 KB) are kept 10 minutes, not RQ's default.
A late duplicate is still refused for a day: by the listener's message claim (`msg:` key) before enqueueing,
and by the answer's progress hash (`answer:` key) if it runs anyway. See bench/footprint.py."""
FAILURE_TTL_S = 7 * 86_400
QUEUED_TTL_S = 3_600
"""An answer still queued after an hour is stale: the asker has moved on."""


class AnswerJob(BaseModel):
    """Everything the worker needs to answer one Slack message. No tokens: the worker has its own settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    team_id: str
    enterprise_id: str | None = None
    channel_id: str
    user_id: str
    message_ts: str
    """The message that asked (its reactions and the claim key)."""
    thread_ts: str
    """The thread the answer goes in (the asked message's root); one Glean chat per thread (or per person)."""
    question: str
    event_id: str | None = None
    visibility: Literal["public", "private"] = "public"
    act_as: str | None = None
    """Email Glean acts as (GLEAN_ACT_AS=asker); None means the token's own identity."""
    application_id: str | None = None
    agent: str | None = None
    timezone_offset_min: int | None = None
    is_dm: bool = False
    reaction: bool = False
    """Whether the listener put a working reaction on the question (the job removes it)."""
    response_url: str | None = None
    """`/glean ask`: the answer goes to this response_url (privately), not into a thread."""


def open_rq_redis(url: str) -> redis.Redis:
    """RQ's own connection: RQ needs bytes replies (no decode_responses)."""
    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def make_queue(settings: Settings, connection: redis.Redis) -> Queue:
    return Queue(settings.queue_name, connection=connection, serializer=JSONSerializer)


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def job_id_for(kind: str, *parts: str) -> str:
    """RQ ids allow only letters, digits, '_' and '-' (a Slack ts has a dot)."""
    return "-".join([kind, *(_UNSAFE.sub("_", p) for p in parts)])


def enqueue_answer(
    queue: Queue, job: AnswerJob, settings: Settings, *, after: str | None = None
) -> str | None:
    """Enqueue the answer job once per Slack message; return its id, or None if it already exists.

    `after`: the id of a job (forwarding the message's files) that must end first, however it ends. RQ
    cannot combine that with `unique`; the listener's message claim (Redis SET NX) keeps it once instead.
    """
    job_id = job_id_for("answer", job.team_id, job.channel_id, job.message_ts)
    retries = settings.job_retries
    try:
        queue.enqueue(
            ANSWER_JOB,
            job.model_dump(mode="json"),
            job_id=job_id,
            unique=after is None,
            depends_on=Dependency(jobs=[after], allow_failure=True, enqueue_at_front=True) if after else None,
            # RQ logs the description; it must not carry the question text.
            description=f"answer {job.team_id}/{job.channel_id}/{job.message_ts}",
            job_timeout=settings.job_timeout_s,
            ttl=QUEUED_TTL_S,
            result_ttl=RESULT_TTL_S,
            failure_ttl=FAILURE_TTL_S,
            retry=Retry(max=retries, interval=list(settings.job_retry_delays_s)) if retries else None,
            on_failure=Callback(ANSWER_FAILURE_CALLBACK),
        )
    except DuplicateJobError:
        return None
    return job_id
