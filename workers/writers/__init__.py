"""How an answer reaches Slack: one writer per destination, and the one rule choosing between them."""

from __future__ import annotations

from slack_sdk import WebClient

from core.blocks import StartOver
from core.contract import AnswerJob
from core.slack_budget import SlackBudget
from core.store import Store
from workers.respond import ResponseWriter
from workers.writers.base import AnswerWriter
from workers.writers.private import PrivateWriter
from workers.writers.public import PublicWriter

__all__ = ["AnswerWriter", "PrivateWriter", "PublicWriter", "ResponseWriter", "choose_writer"]


def choose_writer(
    job: AnswerJob,
    client: WebClient,
    store: Store,
    *,
    slack_api_url: str,
    streaming: bool,
    share_id: str,
    budget: SlackBudget | None = None,
) -> AnswerWriter:
    """`/glean ask` replies to its response_url; a private channel answers ephemerally; else in the thread."""
    start_over = StartOver(job.thread_ts, job.user_id)
    with_their_access = job.act_as is not None
    if job.response_url:
        return ResponseWriter(
            job.response_url,
            slack_api_url=slack_api_url,
            share_id=share_id,
            start_over=start_over,
            with_their_access=with_their_access,
        )
    if job.visibility == "private":
        return PrivateWriter(
            client,
            channel_id=job.channel_id,
            thread_ts=job.thread_ts,
            user_id=job.user_id,
            share_id=share_id,
            start_over=start_over,
            with_their_access=with_their_access,
        )
    return PublicWriter(
        client,
        channel_id=job.channel_id,
        thread_ts=job.thread_ts,
        team_id=job.enterprise_id or job.team_id,
        user_id=job.user_id,
        streaming=streaming,
        on_message=lambda ts: store.add_answer_part(job.team_id, job.channel_id, job.message_ts, ts),
        on_opening=lambda: store.note_opening(job.team_id, job.channel_id, job.message_ts),
        question_ts=job.message_ts,
        start_over=start_over,
        budget=budget,
        placeholder_ts=job.placeholder_ts if job.placeholder_adopt else None,
    )
