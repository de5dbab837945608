"""What an attempt that died (its worker killed) left behind, and removing it before the retry or the notice.

An answer's state (`answer:{channel_id}:{ts}` in Redis) says how far an attempt got, each fact written before
the step it guards ("state before send"):
- `part:{ts}` for every message it posted in the thread, recorded before the next one is posted: all of them
  are deleted, so a retry posts the answer once, whole;
- `delivering` just before a private answer (ephemeral, or a `/glean ask` reply) is sent: those cannot be
  deleted, so a retry takes it as sent rather than send it twice;
- `new_chat` when the attempt's question started a new Glean chat: the retry deletes that chat and asks in
  a fresh one, so the question is not in the saved conversation twice.
"""

from __future__ import annotations

import contextlib
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.contract import AnswerJob
from core.logs import log_event
from core.store import Store
from glean_chat import Glean
from glean_chat.errors import GleanError

__all__ = ["delivered_before", "discard_parts", "drop_abandoned_chat"]

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
    store.set_answer_state(job.team_id, job.channel_id, job.message_ts, new_chat="")
