"""RQ payloads and enqueueing for the jobs besides answers: forwarding files to Glean, and `/glean` commands."""

from __future__ import annotations

import contextlib
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rq import Callback, Queue
from rq.exceptions import DuplicateJobError

from bot.jobs import FAILURE_TTL_S, QUEUED_TTL_S, RESULT_TTL_S, job_id_for
from bot.settings import Settings
from bot.slack_files import SlackFile

__all__ = ["COMMAND_JOB", "FILES_JOB", "CommandJob", "FilesJob", "enqueue_command", "enqueue_files"]

FILES_JOB = "workers.files.forward_files"
FILES_FAILURE_CALLBACK = "workers.files.on_files_failure"
COMMAND_JOB = "workers.commands.run_command"
COMMAND_FAILURE_CALLBACK = "workers.commands.on_command_failure"
COMMAND_QUEUED_TTL_S = 10 * 60
"""A command reply is posted to a response_url, which Slack keeps for 30 minutes: a later run is useless."""
COMMAND_TIMEOUT_S = 120

CommandKind = Literal[
    "history", "history_one", "clear", "clear_all", "files", "files_forget", "app", "start_over"
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
