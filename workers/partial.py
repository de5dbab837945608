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
  asked in it a second time;
- `opening` while a call that creates a message is out (cleared with the `part:` record of its ts): a kill
  (or a Redis error) right after Slack created it leaves a message nobody recorded. The retry reads the
  thread and deletes it: a message marked as this question's answer (`core.message_marks`), or an unmarked
  one of the bot (a stream, which Slack opens without metadata) that no other answer recorded as its part.
"""

from __future__ import annotations

import contextlib
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.contract import AnswerJob
from core.logs import log_event
from core.message_marks import answer_question_ts, is_marked
from core.store import Store
from glean_chat import Glean, models
from glean_chat.errors import GleanError

__all__ = ["delivered_before", "discard_parts", "drop_abandoned_chat", "saved_answer"]

log = logging.getLogger("gleanbot.answer")

CLOCK_SKEW_S = 5.0
"""Slack's clock (a message's ts) may run behind this host's (the `opening` stamp) by this much."""
OPENING_WINDOW_S = 120.0
"""A message the dead attempt was creating has a ts at most this long after its `opening` stamp (the call's
timeout, with its connection retries)."""


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
    if state.get("opening"):
        _discard_unrecorded(client, store, job, float(state["opening"]))
        store.forget_opening(job.team_id, job.channel_id, job.message_ts)


def _discard_unrecorded(client: WebClient, store: Store, job: AnswerJob, opening: float) -> None:
    """Delete the message an attempt was creating when it died: it is in the thread, its ts never recorded."""
    try:
        bot_id = client.auth_test().get("bot_id")
        replies = client.conversations_replies(
            channel=job.channel_id,
            ts=job.thread_ts,
            oldest=f"{opening - CLOCK_SKEW_S:.6f}",
            include_all_metadata=True,
            limit=200,
        )
    except SlackApiError as exc:
        # Without the thread the leftover cannot be found: the retry still answers (perhaps once more).
        log_event(log, "orphan_unchecked", logging.WARNING, error=exc.response.get("error"))
        return
    for message in replies.get("messages") or []:
        ts = str(message.get("ts", ""))
        if ts in (job.thread_ts, job.placeholder_ts) or message.get("bot_id") != bot_id:
            continue
        if float(ts) > opening + OPENING_WINDOW_S:
            continue
        owner = answer_question_ts(message)
        if owner is None and (is_marked(message) or store.part_owner(job.team_id, job.channel_id, ts)):
            continue  # another of the bot's messages, or a stream another answer is writing
        if owner not in (None, job.message_ts):
            continue
        with contextlib.suppress(SlackApiError):
            client.chat_delete(channel=job.channel_id, ts=ts)
        log_event(log, "orphan_deleted", message_ts=job.message_ts)


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
