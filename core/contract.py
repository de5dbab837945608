"""The contract between the listener and the workers: every RQ job payload, job path and callback path, and enqueueing.

The dotted paths are strings RQ resolves in the worker; `JOB_PATHS` lists them all so a test can resolve each.
Keep a path's string when moving its function (a queued job carries it), or keep an alias at the old path.
"""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta
from typing import Literal

import redis
from pydantic import BaseModel, ConfigDict
from rq import Callback, Queue, Retry
from rq.exceptions import DuplicateJobError
from rq.job import Dependency, Job
from rq.serializers import JSONSerializer

from core.settings import Settings
from core.slack_files import SlackFile

__all__ = [
    "ANSWER_JOB",
    "CLEANUP_JOB",
    "COMMAND_JOB",
    "FILES_JOB",
    "JOB_CALLBACKS",
    "JOB_FUNCTIONS",
    "JOB_PATHS",
    "AnswerJob",
    "CleanupJob",
    "CommandJob",
    "FilesJob",
    "enqueue_answer",
    "enqueue_cleanup",
    "enqueue_command",
    "enqueue_files",
    "job_id_for",
    "make_queue",
    "open_rq_redis",
]

ANSWER_JOB = "workers.answer.answer_question"
ANSWER_FAILURE_CALLBACK = "workers.notify.on_answer_failure"
RESULT_TTL_S = 600
"""A finished job's RQ records (hash and result stream, about 7 KB) are kept 10 minutes, not RQ's default.
A late duplicate is still refused for a day: by the listener's message claim (`msg:` key) before enqueueing,
and by the answer's progress hash (`answer:` key) if it runs anyway. See bench/footprint.py."""
FAILURE_TTL_S = 3_600
"""A failed job (its payload holds the question and, with act-as, an email) is kept an hour for an operator
to read; nothing re-runs it: the asker was already told, and a requeue would be refused by its `answer:` state."""
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
    offer_own_access: bool = False
    """A hybrid channel's public answer: it carries "Find more with my access" (bot.own_access)."""
    application_id: str | None = None
    agent: str | None = None
    timezone_offset_min: int | None = None
    is_dm: bool = False
    reaction: bool = False
    """Whether the listener put a working reaction on the question (the job removes it)."""
    status: bool = False
    """Whether the listener set a status under the thread instead (the job clears it)."""
    placeholder_ts: str | None = None
    """A placeholder reply the listener posted instead; removed when the answer is done, or (adopt)"""
    placeholder_adopt: bool = False
    """... written over with the answer (its chat.update token was taken with it)."""
    response_url: str | None = None
    """`/glean ask`: the answer goes to this response_url (privately), not into a thread."""
    thread_context: bool = False
    """Asked mid-thread in a thread the bot had not answered: Glean gets the thread's earlier messages too."""
    whole_thread: bool = False
    """"Summarize this thread": the thread so far goes with the question even when the asker's chat already
    has turns (the thread may have grown since)."""

    @property
    def chat_user(self) -> str | None:
        """Whose chat in the thread this question continues: the asker's own when Glean acts as them or when
        the answer is private (so no one's private answer is written with another's questions in context);
        None for the thread's one shared chat. The rule and what follows from it: `core.ownership`."""
        return self.user_id if self.act_as is not None or self.visibility == "private" else None

    @property
    def files_user(self) -> str | None:
        """Whose set of Glean files the chat sends: the asker's under act-as (uploaded as them), else the
        thread's (uploaded with the token's identity, from files everyone in the channel can see)."""
        return self.user_id if self.act_as is not None else None

    @property
    def answers_in_thread(self) -> bool:
        """The answer is a message everyone in the thread sees (not ephemeral, not a `/glean ask` reply)."""
        return self.visibility == "public" and not self.response_url


def open_rq_redis(url: str) -> redis.Redis:
    """RQ's own connection: RQ needs bytes replies (no decode_responses)."""
    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def make_queue(
    settings: Settings,
    connection: redis.Redis,
    *,
    job_class: type[Job] = Job,
    queue_class: type[Queue] = Queue,
) -> Queue:
    """The answer queue; the worker passes its guarded `job_class` (RQ's registry upkeep uses the queue's)
    and its `queue_class` (a short maintenance lock)."""
    return queue_class(
        settings.queue_name, connection=connection, serializer=JSONSerializer, job_class=job_class
    )


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


# -- files and /glean commands ---------------------------------------------------------------------------
FILES_JOB = "workers.files.forward_files"
FILES_FAILURE_CALLBACK = "workers.files.on_files_failure"
COMMAND_JOB = "workers.commands.run_command"
COMMAND_FAILURE_CALLBACK = "workers.commands.on_command_failure"
CLEANUP_JOB = "workers.cleanup.clear_later"
JOB_FUNCTIONS = frozenset({ANSWER_JOB, FILES_JOB, COMMAND_JOB, CLEANUP_JOB})
"""The only functions a worker runs as a job: anyone who can write to Redis could name any other."""
JOB_CALLBACKS = frozenset({ANSWER_FAILURE_CALLBACK, FILES_FAILURE_CALLBACK, COMMAND_FAILURE_CALLBACK})
"""The only functions a worker runs as a job's callback (RQ also runs them for abandoned jobs)."""
JOB_PATHS = tuple(sorted(JOB_FUNCTIONS | JOB_CALLBACKS))
"""Every dotted path RQ resolves in the worker process."""
COMMAND_QUEUED_TTL_S = 10 * 60
"""A command reply is posted to a response_url, which Slack keeps for 30 minutes: a later run is useless."""
COMMAND_TIMEOUT_S = 120

CommandKind = Literal[
    "history", "history_one", "clear", "clear_all", "files", "files_forget", "app", "start_over", "home"
]


class FilesJob(BaseModel):
    """Forward the files of one Slack message to Glean, as the identity the thread's answers use."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    team_id: str
    channel_id: str
    user_id: str
    message_ts: str
    thread_ts: str
    files: list[SlackFile]
    act_as: str | None = None
    visibility: Literal["public", "private"] = "public"
    is_dm: bool = False
    reaction: bool = False
    """Remove the working reaction when done: no answer job follows to do it."""
    status: bool = False
    placeholder_ts: str | None = None


class CommandJob(BaseModel):
    """One `/glean` subcommand (or button) whose work touches Glean; the reply goes to `response_url`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: CommandKind
    team_id: str
    channel_id: str
    user_id: str
    response_url: str
    number: int | None = None
    thread_ts: str | None = None
    """`start_over`: the thread whose chat is deleted."""
    replace_original: bool = True
    """Replace the "working on it" reply (commands); False for buttons, whose message is an answer."""
    file_id: str | None = None
    """`files_forget` from the Home tab: only this one of the person's files (any channel)."""
    home: bool = False
    """From the Home tab: no response_url; the person's Home view is published again once the work is done."""


def enqueue_files(queue: Queue, job: FilesJob, settings: Settings) -> str:
    """Enqueue forwarding once per Slack message (RQ-unique id); return its id, also if it already existed."""
    job_id = job_id_for("files", job.team_id, job.channel_id, job.message_ts)
    # A redelivery that raced past the message claim finds the job already there: the first one forwards.
    with contextlib.suppress(DuplicateJobError):
        queue.enqueue(
            FILES_JOB,
            job.model_dump(mode="json"),
            job_id=job_id,
            unique=True,
            description=f"files {job.team_id}/{job.channel_id}/{job.message_ts}",  # no names: they are content
            job_timeout=settings.job_timeout_s,
            ttl=QUEUED_TTL_S,
            result_ttl=RESULT_TTL_S,
            failure_ttl=FAILURE_TTL_S,
            on_failure=Callback(FILES_FAILURE_CALLBACK),
        )
    return job_id


def enqueue_command(queue: Queue, job: CommandJob) -> str:
    job_rq = queue.enqueue(
        COMMAND_JOB,
        job.model_dump(mode="json"),
        description=f"command {job.kind} {job.team_id}/{job.channel_id}/{job.user_id}",
        job_timeout=COMMAND_TIMEOUT_S,
        ttl=COMMAND_QUEUED_TTL_S,
        result_ttl=RESULT_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        on_failure=Callback(COMMAND_FAILURE_CALLBACK),
    )
    return str(job_rq.id)


class CleanupJob(BaseModel):
    """A sign of work still to remove once Slack's budget allows (its answer is already delivered)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    team_id: str
    channel_id: str
    message_ts: str
    thread_ts: str
    reaction: bool = False
    status: bool = False
    placeholder_ts: str | None = None
    attempt: int = 1


def enqueue_cleanup(queue: Queue, job: CleanupJob, delay_s: float) -> None:
    """Run the cleanup after `delay_s` (RQ's scheduler, which every gleanbot worker runs)."""
    queue.enqueue_in(
        timedelta(seconds=delay_s),
        CLEANUP_JOB,
        job.model_dump(mode="json"),
        description=f"cleanup {job.team_id}/{job.channel_id}/{job.message_ts}",
        job_timeout=COMMAND_TIMEOUT_S,
        result_ttl=RESULT_TTL_S,
        failure_ttl=FAILURE_TTL_S,
    )
