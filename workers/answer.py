"""The answer job: continue the thread's Glean chat with the question and stream the cited answer into Slack."""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any

from rq import get_current_job
from rq.timeouts import BaseTimeoutException
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.answer_extras import answer_extras
from core.blocks import Source, votes_name
from core.contract import AnswerJob
from core.failures import describe
from core.logs import log_event
from core.settings import Settings
from core.slack_budget import SlackBudget
from core.store import Store
from glean_chat import Glean, models
from glean_chat.answer import Answer, AnswerBuilder
from glean_chat.errors import GleanError
from workers.cleanup import clear_working_later
from workers.follow_ups import extras_for, suggest_in_container
from workers.notify import notify_failure
from workers.partial import delivered_before, discard_parts, drop_abandoned_chat, saved_answer
from workers.runtime import current
from workers.thread_context import with_thread_context
from workers.work_steps import WorkSteps
from workers.writers import choose_writer

__all__ = ["answer_question"]

log = logging.getLogger("gleanbot.answer")


class _StaleChat(Exception):
    """The stored chatId is unknown to Glean (deleted or expired): start a new chat instead."""


def answer_question(payload: dict[str, Any]) -> str:
    """Answer one Slack message (an RQ job). Idempotent: a retry after success does nothing, and a retry
    never repeats text already shown (failures after the first visible text end the message instead)."""
    job = AnswerJob.model_validate(payload)
    runtime = current()
    settings, store, client = runtime.settings, runtime.store, runtime.slack
    rq_job = get_current_job()
    job_id = rq_job.id if rq_job is not None else None
    fields = {
        "job_id": job_id,
        "team_id": job.team_id,
        "channel_id": job.channel_id,
        "message_ts": job.message_ts,
    }
    state = store.answer_state(job.team_id, job.channel_id, job.message_ts)
    if state.get("status") in ("done", "failed"):
        log_event(log, "answer_skipped", reason=f"already_{state['status']}", **fields)
        return "already_" + state["status"]
    if delivered_before(state):
        # A private answer cannot be deleted or checked: sending it again could show it twice.
        store.set_answer_state(job.team_id, job.channel_id, job.message_ts, status="done")
        clear_working_later(job, posted_in_thread=False)
        log_event(log, "answer_skipped", logging.WARNING, reason="already_delivering", **fields)
        return "already_delivering"
    discard_parts(client, store, job, state)
    started = time.monotonic()
    with runtime.glean() as glean:
        replay = saved_answer(glean, job, state)  # an earlier attempt's question, answered and saved
        if replay is None:
            drop_abandoned_chat(glean, store, job, state)
        try:
            try:
                answer = _run(glean, client, store, job, settings, replay=replay)
            except _StaleChat:
                log_event(log, "chat_reset", reason="stored chat unknown to Glean", **fields)
                answer = _run(glean, client, store, job, settings, fresh=True)
        except _Interrupted as stop:
            store.set_answer_state(job.team_id, job.channel_id, job.message_ts, status="failed")
            # What was shown, and the notice that ended it, are in the thread (in the placeholder, if adopted).
            clear_working_later(job, posted_in_thread=job.answers_in_thread)
            log_event(log, "answer_interrupted", logging.ERROR, reason=stop.failure_kind, **fields)
            return "interrupted"
        except Exception as exc:
            last_attempt = rq_job is None or not rq_job.retries_left
            failure = describe(exc, act_as=job.act_as is not None, ref=job_id)
            if failure.retryable and not last_attempt:
                log_event(log, "answer_retry", logging.WARNING, reason=failure.kind, **fields)
                raise
            if isinstance(exc, GleanError) or failure.retryable:
                # Known failure: tell the asker here and end the job; no retry left or none would help.
                store.set_answer_state(job.team_id, job.channel_id, job.message_ts, status="failed")
                notify_failure(client, store, job, failure, job_id=job_id)
                return "failed:" + failure.kind
            raise  # unexpected: the failure callback tells the asker once the job has failed
    store.set_answer_state(job.team_id, job.channel_id, job.message_ts, status="done")
    if not job.whole_thread:  # a private summary is not the bot joining the thread: replies aren't followed
        store.mark_thread_answered(job.team_id, job.channel_id, job.thread_ts)
    clear_working_later(job, posted_in_thread=job.answers_in_thread)
    log_event(
        log,
        "answered",
        visibility=job.visibility,
        chat=answer.chat_id is not None,
        elapsed_ms=int((time.monotonic() - started) * 1000),
        **fields,
    )
    return "answered"


def _ask(
    glean: Glean, client: WebClient, job: AnswerJob, chat_id: str | None, file_ids: list[str]
) -> Iterator[models.ChatResponse]:
    """Ask Glean, streamed, continuing `chat_id` (or starting a chat) with the thread's files."""
    # The first question of this chat in a thread of people's discussion carries that discussion.
    fresh = chat_id is None or job.whole_thread  # a summary reads the thread again, whatever the chat holds
    text = with_thread_context(client, job) if job.thread_context and fresh else job.question
    return glean.client.chat.start_stream(
        messages=[
            {
                "author": "USER",
                "fragments": [{"text": text}],
                # Every file forwarded into this thread, on every question (Glean's uploadedFileIds).
                "uploaded_file_ids": file_ids or None,
            }
        ],
        save_chat=True,
        chat_id=chat_id,
        agent_config={"agent": job.agent} if job.agent else None,
        application_id=job.application_id,
        x_scio_actas=job.act_as,
        timezone_offset=job.timezone_offset_min,
    )


class _Interrupted(Exception):
    def __init__(self, failure_kind: str) -> None:
        super().__init__(failure_kind)
        self.failure_kind = failure_kind


def _run(
    glean: Glean,
    client: WebClient,
    store: Store,
    job: AnswerJob,
    settings: Settings,
    *,
    fresh: bool = False,
    replay: models.ChatResponse | None = None,
) -> Answer:
    chat_user = job.chat_user  # acting as people, or answering privately: one chat per person per thread
    chat_id = None if fresh else store.chat_id(job.team_id, job.channel_id, job.thread_ts, chat_user)
    if replay is None:
        # Before Glean sees the question: a retry after a crash knows which chat holds it (workers.partial).
        fields = {"asked": "1", "asked_chat": chat_id or "", "new_chat": ""}
        store.set_answer_state(job.team_id, job.channel_id, job.message_ts, **fields)
    # Recorded before Glean sees the question: whoever asked owns a part of the thread's chat from now on.
    # ... and the thread's keys live on from this question (the TTL slides with the conversation).
    store.note_participant(
        job.team_id,
        job.channel_id,
        job.thread_ts,
        job.user_id,
        chat_user=chat_user,
        files_user=job.files_user,
    )
    file_ids = store.thread_files(job.team_id, job.channel_id, job.thread_ts, job.files_user)
    share_id = uuid.uuid4().hex
    budget = SlackBudget(store, job.team_id)
    writer = choose_writer(
        job,
        client,
        store,
        slack_api_url=settings.slack_api_url,
        streaming=settings.streaming,
        share_id=share_id,
        budget=budget,
    )
    steps = WorkSteps(client, budget, job, writer)
    builder = AnswerBuilder()
    saved_chat = chat_id
    shown = False
    try:
        for response in [replay] if replay is not None else _ask(glean, client, job, chat_id, file_ids):
            delta = builder.add(response)
            if builder.chat_id and builder.chat_id != saved_chat:
                # Stored at once, so a follow-up continues this chat even if this answer breaks off later.
                saved_chat = builder.chat_id
                if chat_id is None:  # this question started it: a retry deletes it and starts afresh
                    store.set_answer_state(job.team_id, job.channel_id, job.message_ts, new_chat=saved_chat)
                store.set_chat_id(job.team_id, job.channel_id, job.thread_ts, saved_chat, chat_user)
            steps.follow(builder.updates)  # "Searching: …" as a task of the stream, or as the status
            if delta:
                writer.append(delta)
                if not shown and writer.visible:
                    shown = True
                    _log_visible(job)
    except (GleanError, BaseTimeoutException, SlackApiError) as exc:
        if chat_id and isinstance(exc, GleanError) and exc.status_code == 404 and not writer.visible:
            raise _StaleChat() from exc
        if not writer.visible:
            steps.failed()
            raise
        # Text is already in the thread: a retry would repeat it. End the message with the reason.
        failure = describe(exc, act_as=job.act_as is not None)
        with contextlib.suppress(SlackApiError):
            writer.abort(failure.message)
        raise _Interrupted(failure.kind) from exc
    answer = builder.result()
    markdown = answer.text or ("\n".join(answer.notices) if answer.notices else "")
    sources = [Source(c.number, c.title, c.url) for c in answer.citations]
    vote_ref = _save_vote_target(store, job, answer.tracking_token)
    if not job.answers_in_thread:
        # Saved before it is shown, so a quick click on "Share to thread" finds it.
        store.save_share(
            job.team_id,
            share_id,
            {
                "user_id": job.user_id,
                "channel_id": job.channel_id,
                # `/glean ask` answers have no thread: sharing posts them in the channel.
                "thread_ts": None if job.response_url else job.thread_ts,
                "with_their_access": job.act_as is not None,
                "markdown": markdown,
                "sources": [{"number": s.number, "title": s.title, "url": s.url} for s in sources],
                "tracking_token": answer.tracking_token,  # the shared copy's votes name the same answer
                "disclaimer": settings.ai_disclaimer,  # the shared copy says it is AI-generated too
            },
        )
    if not job.answers_in_thread:
        # State before send: an ephemeral or `/glean ask` reply cannot be taken back, so a retry after a
        # crash from here on takes it as sent (workers.partial).
        store.set_answer_state(job.team_id, job.channel_id, job.message_ts, status="delivering")
    extras, in_container = extras_for(store, job, settings.ai_disclaimer, answer.follow_up_prompts)
    with votes_name(vote_ref), answer_extras(extras):
        writer.finish(markdown, sources)
    if in_container:
        suggest_in_container(client, job, answer.follow_up_prompts)
    if not shown:
        _log_visible(job)
    return answer


def _save_vote_target(store: Store, job: AnswerJob, tracking_token: str | None) -> str | None:
    """What the answer's 👍/👎 buttons will name (None when Glean gave no token: votes are only counted)."""
    if not tracking_token:
        return None
    ref = secrets.token_hex(8)
    store.save_vote_target(
        job.team_id,
        ref,
        {
            "tracking_token": tracking_token,
            "channel_id": job.channel_id,
            "user_id": job.user_id,
            # Only the asker sees an ephemeral or `/glean ask` answer: anyone else's click on it is forged.
            "private": not job.answers_in_thread,
        },
    )
    return ref


def _log_visible(job: AnswerJob) -> None:
    """The asker can read the answer's first words now (benchmarks measure this)."""
    log_event(log, "answer_visible", channel_id=job.channel_id, message_ts=job.message_ts)
