"""A click on "Find more with my access" (hybrid channels): the public answer's question asked again as the
clicker, in their own chat of the thread, answered to them alone with the Share button."""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.clicks import read_click
from bot.intake import Intake
from core.answer_extras import parse_own_access
from core.contract import AnswerJob, enqueue_answer
from core.logs import log_event
from core.notices import NOTICE_EXTERNAL, NOTICE_NO_EMAIL, NOTICE_QUEUE_DOWN
from core.slack_ops import asker_email, is_external

__all__ = [
    "NOTICE_OWN_ACCESS_EXPIRED",
    "NOTICE_OWN_ACCESS_OFF",
    "NOTICE_OWN_ACCESS_TWICE",
    "handle_own_access",
]

log = logging.getLogger("gleanbot.actions")

NOTICE_OWN_ACCESS_EXPIRED = "This answer is too old to look again. Ask your question in the thread instead."
NOTICE_OWN_ACCESS_OFF = "This channel no longer offers answers with your own access."
NOTE_OWN_ACCESS_WORKING = (
    ":hourglass_flowing_sand: Looking this up with your access… only you will see the answer."
)
"""The clicker's sign of work: the private answer takes seconds, and nothing else shows meanwhile."""
NOTICE_OWN_ACCESS_TWICE = "You already asked this with your access: your answer is shown only to you, here."


def handle_own_access(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, intake: Intake
) -> None:
    """Acked at once. The question comes from the answer's record in Redis, never from the click, and only
    for the channel the record names; the job acts as the clicker (their email) and its answer is private
    (ephemeral in the thread), so its chat is the clicker's own (`AnswerJob.chat_user`), never the thread's."""
    ack()
    store, settings = intake.store, intake.settings
    click = read_click(body)
    user_id, team_id, channel_id = click.user_id, click.team_id, click.channel_id
    ref = parse_own_access(click.value)
    record = store.own_access(team_id, ref) if ref else None
    fields = {"team_id": team_id, "channel_id": channel_id, "user_id": user_id}

    def refuse(reason: str, text: str | None) -> None:
        if text:
            respond(text=f":no_entry: {text}", replace_original=False)
        log_event(log, "own_access_refused", reason=reason, **fields)

    if ref is None or record is None or record.get("channel_id") != channel_id:
        if ref and record is None:
            return refuse("expired", NOTICE_OWN_ACCESS_EXPIRED)
        return refuse("other_channel" if ref else "malformed", None)
    rule = settings.policy.for_channel(channel_id)
    if rule.visibility != "hybrid" or rule.mode == "off" or not settings.acts_as_asker:
        return refuse("not_hybrid", NOTICE_OWN_ACCESS_OFF)
    if not rule.allow_external and is_external(client, store, team_id=team_id, channel_id=channel_id):
        return refuse("external_channel", NOTICE_EXTERNAL)
    email = asker_email(client, store, team_id=team_id, user_id=user_id)
    if email is None:
        return refuse("no_email", NOTICE_NO_EMAIL)
    # One private answer per person per public answer: a double click (or a replayed one) asks once.
    try:
        if not store.claim_event(team_id, f"own_access-{ref}-{user_id}"):
            return refuse("twice", NOTICE_OWN_ACCESS_TWICE)
        job = AnswerJob(
            team_id=team_id,
            enterprise_id=click.enterprise_id,
            channel_id=channel_id,
            user_id=user_id,
            # The click's own time in ts form: the job's key (and its progress hash), unique per click.
            message_ts=click.action_ts or _now_ts(),
            thread_ts=str(record["thread_ts"]),
            question=str(record["question"]),
            visibility="private",
            act_as=email,
            application_id=record.get("application_id"),
            agent=record.get("agent"),
        )
        # Before the job is queued: a worker may answer sooner than this listener would say it works on it.
        respond(text=NOTE_OWN_ACCESS_WORKING, replace_original=False)  # ephemeral, to the clicker alone
        enqueue_answer(intake.queue, job, settings)
    except redis.RedisError as exc:
        log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)
        return refuse("redis_down", NOTICE_QUEUE_DOWN)
    log_event(log, "own_access_asked", **fields)
    return None


def _now_ts() -> str:
    return f"{time.time():.6f}"
