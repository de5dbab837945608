"""The file job: download each file shared with a question from Slack, upload it to Glean, map it to the thread.

One file at a time, through a temporary file (never a whole file in memory), as the identity the thread's
answers use. Every file ends in exactly one visible outcome: added to the conversation, or a reason why not.
A retried job skips the files already handled (their outcome is kept in Redis), so nothing is uploaded twice.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any

import httpx
from rq.job import Job
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.contract import FilesJob
from core.failures import glean_failure_text, upload_problem
from core.logs import log_event
from core.message_marks import post_mark
from core.mrkdwn import escape_mrkdwn
from core.settings import Settings
from core.slack_files import SlackFile, complete_file
from core.store import Store
from glean_chat import Glean, models
from glean_chat.errors import GleanError
from workers.callbacks import failed_payload
from workers.cleanup import clear_working_later
from workers.download import DownloadRefused, download_slack_file, make_download_client
from workers.runtime import current

__all__ = ["FileOutcome", "forward_files", "on_files_failure"]

log = logging.getLogger("gleanbot.files")

PROCESSING_WAIT_S = 30.0
"""How long the job waits for Glean to finish processing an upload before the answer goes ahead anyway."""
_USABLE = ("PROCESSED", "PARTIALLY_PROCESSED", "PROCESSING")


@dataclass(frozen=True)
class FileOutcome:
    name: str
    ok: bool
    kind: str
    """added | processing | unsupported | too_large | wrong_host | bad_url | login_page | slack_refused | network |
    glean_failed | glean_error: a stable label for logs."""
    text: str
    """What the person is told (mrkdwn)."""
    file_id: str | None = None


def _megabytes(size: int) -> str:
    """A size as people read it: '25 MB', '1.5 MB', '12 KB', '900 bytes'."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _refusal(name: str, exc: DownloadRefused, limit: int) -> FileOutcome:
    label = f"*{escape_mrkdwn(name)}*"
    texts = {
        "wrong_host": f"I didn't fetch {label}: its download link is not on Slack's own file servers, and I "
        "only send my Slack credentials to Slack.",
        "bad_url": f"I couldn't add {label}: Slack gave me a download link that is not a valid URL. "
        "Please share the file again.",
        "too_large": f"I couldn't add {label}: it is larger than my {_megabytes(limit)} limit.",
        "login_page": f"I couldn't add {label}: Slack showed a sign-in page instead of the file, so I'm missing "
        "the `files:read` permission. An admin needs to add it to the app and reinstall it.",
        "slack_refused": f"I couldn't add {label}: Slack refused the download ({escape_mrkdwn(exc.detail)}).",
        "network": f"I couldn't add {label}: the download from Slack failed. Please share it again.",
    }
    return FileOutcome(name, False, exc.kind, texts.get(exc.kind, texts["slack_refused"]))


def forward_files(payload: dict[str, Any]) -> str:
    """Forward one message's files to Glean (an RQ job); post what happened; return a summary for RQ."""
    job = FilesJob.model_validate(payload)
    runtime = current()
    settings, store, client = runtime.settings, runtime.store, runtime.slack
    # A shared file is in everyone's context (in the thread's file set); under act-as it is the sharer's own.
    owner = job.user_id if job.act_as else None
    store.note_participant(
        job.team_id, job.channel_id, job.thread_ts, job.user_id, chat_user=owner, files_user=owner
    )
    done = store.forwarded(job.team_id, job.channel_id, job.message_ts)
    outcomes: list[FileOutcome] = []
    with runtime.glean() as glean, make_download_client() as http:
        for file in job.files:
            if file.id in done:
                outcomes.append(FileOutcome(**json.loads(done[file.id])))
                continue
            outcome = _forward_one(job, file, settings, store, client, glean, http)
            store.set_forwarded(
                job.team_id, job.channel_id, job.message_ts, file.id, json.dumps(asdict(outcome))
            )
            log_event(
                log,
                "file_forwarded" if outcome.ok else "file_refused",
                logging.ERROR if outcome.kind == "login_page" else logging.INFO,
                team_id=job.team_id,
                channel_id=job.channel_id,
                user_id=job.user_id,
                message_ts=job.message_ts,
                reason=outcome.kind,
            )
            outcomes.append(outcome)
    if store.claim_notice(job.team_id, f"files:{job.channel_id}:{job.message_ts}"):
        post_note(client, job, "\n".join(o.text for o in outcomes))
    clear_working_later(job, posted_in_thread=False)
    added = sum(1 for o in outcomes if o.ok)
    return f"added {added} of {len(outcomes)}"


def _forward_one(
    job: FilesJob,
    file: SlackFile,
    settings: Settings,
    store: Store,
    client: WebClient,
    glean: Glean,
    http: httpx.Client,
) -> FileOutcome:
    file = complete_file(client, file)
    name = file.display_name
    label = f"*{escape_mrkdwn(name)}*"
    why_not = file.unsupported
    if why_not:
        return FileOutcome(name, False, "unsupported", f"I couldn't add {label}: {why_not}.")
    limit = settings.max_file_bytes
    if file.size is not None and file.size > limit:
        text = f"I couldn't add {label}: it is {_megabytes(file.size)}, over my {_megabytes(limit)} limit."
        return FileOutcome(name, False, "too_large", text)
    with tempfile.TemporaryFile(prefix="gleanbot-") as spool:  # removed when closed, even on a crash
        try:
            download_slack_file(
                http,
                file.download_url,
                spool,
                token=settings.slack_bot_token or "",
                slack_api_url=settings.slack_api_url,
                max_bytes=limit,
                declared_html=file.mimetype == "text/html" or file.filetype == "html",
                declared_size=file.size,
            )
        except DownloadRefused as exc:
            return _refusal(name, exc, limit)
        spool.seek(0)
        try:
            reply = glean.client.chat.upload_files(
                files=[models.File(name, spool, file.mimetype or None)], x_scio_actas=job.act_as
            )
        except GleanError as exc:
            return _glean_error(name, exc)
    uploaded = reply.files[0] if reply.files else None
    if uploaded is None or not uploaded.id:
        return FileOutcome(
            name, False, "glean_error", f"Glean didn't accept {label} (its reply named no file)."
        )
    status, reason = _status(uploaded)
    if status == "PROCESSING":
        status, reason = _wait_processed(glean, uploaded.id, job.act_as)
    chat_user = job.user_id if job.act_as else None  # act-as: the file is the person's, like their chat
    store.add_my_file(
        job.team_id,
        job.user_id,
        uploaded.id,
        {
            "name": name,
            "channel_id": job.channel_id,
            "thread_ts": job.thread_ts,
            "slack_file_id": file.id,
            "act_as": job.act_as,
            "chat_user": chat_user,
            "at": int(time.time()),
        },
    )
    if status not in _USABLE:
        text = f"Glean couldn't use {label}: {glean_failure_text(reason)}."
        return FileOutcome(name, False, "glean_failed", text, uploaded.id)
    store.add_thread_file(job.team_id, job.channel_id, job.thread_ts, uploaded.id, chat_user)
    if status == "PROCESSING":
        text = f":paperclip: Added {label} to this conversation; Glean is still processing it, so answers may not use it yet."
        return FileOutcome(name, True, "processing", text, uploaded.id)
    text = f":paperclip: Added {label} to this conversation: questions in this thread can use it."
    return FileOutcome(name, True, "added", text, uploaded.id)


def _status(chat_file: models.ChatFile) -> tuple[str, str | None]:
    metadata = chat_file.metadata
    if metadata is None:
        return "PROCESSED", None  # Glean's reply named the file without details: treat as accepted
    return (metadata.status or "PROCESSED").upper(), metadata.failure_reason


def _wait_processed(glean: Glean, file_id: str, act_as: str | None) -> tuple[str, str | None]:
    deadline = time.monotonic() + PROCESSING_WAIT_S
    delay = 0.5
    status: tuple[str, str | None] = ("PROCESSING", None)
    while time.monotonic() < deadline:
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 5.0)
        try:
            found = (glean.client.chat.get_files(file_ids=[file_id], x_scio_actas=act_as).files or {}).get(
                file_id
            )
        except GleanError:
            continue  # a hiccup while polling: the upload itself worked
        if found is not None:
            status = _status(found)
            if status[0] != "PROCESSING":
                return status
    return status


def _glean_error(name: str, exc: GleanError) -> FileOutcome:
    log_event(log, "file_upload_failed", logging.ERROR, status=exc.status_code, error=type(exc).__name__)
    return FileOutcome(name, False, "glean_error", upload_problem(f"*{escape_mrkdwn(name)}*", exc))


def post_note(client: WebClient, job: FilesJob, text: str) -> None:
    """Tell the person how forwarding went: privately when their answers are private, else in the thread."""
    try:
        if job.visibility == "private" and not job.is_dm:
            client.chat_postEphemeral(
                channel=job.channel_id, user=job.user_id, thread_ts=job.thread_ts, text=text
            )
        else:
            client.chat_postMessage(
                channel=job.channel_id, thread_ts=job.thread_ts, text=text, metadata=post_mark("notice")
            )
    except SlackApiError as exc:
        log_event(
            log, "notice_failed", logging.ERROR, channel_id=job.channel_id, error=exc.response.get("error")
        )


def on_files_failure(
    job: Job,
    connection: Any,
    exc_type: type[BaseException],
    exc: BaseException,
    traceback: TracebackType | None,
) -> None:
    """RQ failure callback: a crash (not a refused file) still ends in a visible message."""
    files_job = failed_payload(job, FilesJob)
    if files_job is None:
        return
    runtime = current()
    store = runtime.store
    log_event(log, "files_failed", logging.ERROR, job_id=job.id, reason=exc_type.__name__)
    if not store.claim_notice(files_job.team_id, f"files:{files_job.channel_id}:{files_job.message_ts}"):
        return
    client = runtime.slack
    post_note(
        client,
        files_job,
        f":warning: Something went wrong while adding your file to the conversation. An admin has been "
        f"alerted (reference {job.id}).",
    )
    clear_working_later(files_job, posted_in_thread=False)
