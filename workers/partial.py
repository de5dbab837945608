"""What an attempt that died (its worker killed) left behind, and removing it before the retry or the notice.

An answer's state (`answer:{channel_id}:{ts}` in Redis) says how far an attempt got, each fact written before
the step it guards ("state before send"):
- `part:{ts}` for every message it posted in the thread, recorded before the next one is posted: all of them
  are deleted, so a retry posts the answer once, whole;
- `delivering` just before a private answer (ephemeral, or a `/glean ask` reply) is sent: those cannot be
  deleted, so a retry takes it as sent rather than send it twice;
- `asked_chat` (and `new_chat` when the question started one) before the question goes to Glean: when Glean
  saved its answer there, the retry shows that saved answer instead of asking again, so the question is in
  the conversation once; when it did not, a chat the attempt started is deleted and the retry asks in a
  fresh one. Only a question that continued an existing chat, and whose answer Glean did not save, is
  asked in it a second time.
"""

from __future__ import annotations

import contextlib
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.contract import AnswerJob
from core.logs import log_event
from core.store import Store
from glean_chat import Glean, models
from glean_chat.errors import GleanError

__all__ = ["delivered_before", "discard_parts", "drop_abandoned_chat", "saved_answer"]

log = logging.getLogger("gleanbot.answer")


def discard_parts(client: WebClient, store: Store, job: AnswerJob, state: dict[str, str]) -> None:
    """Delete every message an earlier attempt posted (its half answer), except the listener's placeholder
    when the answer is written into it (the retry writes over it again)."""
    if state.get("status") != "streaming":
        return
    parts = store.answer_parts(state)
    for ts in parts:
        if job.placeholder_adopt and ts == job.placeholder_ts:
            continue
        with contextlib.suppress(SlackApiError):  # already gone (deleted by hand, or by an earlier retry)
            client.chat_delete(channel=job.channel_id, ts=ts)
    store.forget_answer_parts(job.team_id, job.channel_id, job.message_ts, parts)


def delivered_before(state: dict[str, str]) -> bool:
    """An earlier attempt was sending a private answer when it died: the asker may have it already."""
    return state.get("status") == "delivering"


def drop_abandoned_chat(glean: Glean, store: Store, job: AnswerJob, state: dict[str, str]) -> None:
    """An earlier attempt asked Glean in a chat it started itself: delete that chat (it holds this question,
    perhaps half answered) and the thread's mapping to it, so this attempt asks in a fresh chat."""
    new_chat = state.get("new_chat")
    if not new_chat:
        return
    if store.chat_id(job.team_id, job.channel_id, job.thread_ts, job.chat_user) == new_chat:
        store.forget_chat(job.team_id, job.channel_id, job.thread_ts, job.chat_user)
    try:
        glean.client.chat.delete(ids=[new_chat], x_scio_actas=job.act_as)
    except GleanError as exc:
        # Gone already (404), or Glean refuses now: the retry still answers; the old chat ends on its own.
        log_event(
            log, "chat_cleanup_failed", logging.WARNING, status=exc.status_code, message_ts=job.message_ts
        )


def saved_answer(glean: Glean, job: AnswerJob, state: dict[str, str]) -> models.ChatResponse | None:
    """The answer Glean saved for this question when an earlier attempt asked and then died, as a reply to
    show; None when no attempt asked, or Glean has no answer to it saved."""
    chat_id = state.get("new_chat") or state.get("asked_chat")
    if state.get("asked") != "1" or not chat_id:
        return None
    try:
        got = glean.client.chat.get(id=chat_id, x_scio_actas=job.act_as)
    except GleanError:
        return None
    chat = got.chat_result.chat if got.chat_result else None
    messages = list((chat.messages if chat else None) or [])
    asked = [i for i, m in enumerate(messages) if m.author == "USER"]
    if not asked:
        return None
    question = "".join(f.text or "" for f in messages[asked[-1]].fragments or [])
    if not question.strip().endswith(job.question.strip()):
        return None  # the chat's last question is another one: this attempt's never got in
    answer = [m for m in messages[asked[-1] + 1 :] if m.message_type in (None, "CONTENT") and m.fragments]
    if not answer:
        return None
    log_event(log, "answer_replayed", message_ts=job.message_ts, chat=True)
    return models.ChatResponse(messages=answer, chat_id=chat_id)
