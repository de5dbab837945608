"""After an answer: Glean's follow-ups (buttons under a thread answer, the container's suggested prompts) and a
hybrid channel's "Find more with my access" record."""

from __future__ import annotations

import logging
import secrets

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.answer_extras import AnswerExtras, usable_follow_ups
from core.contract import AnswerJob
from core.logs import log_event
from core.store import Store

__all__ = ["PROMPTS_TITLE", "extras_for", "suggest_in_container"]

log = logging.getLogger("gleanbot.answer")

PROMPTS_TITLE = "Related questions"


def extras_for(
    store: Store, job: AnswerJob, disclaimer: str, prompts: list[str]
) -> tuple[AnswerExtras, bool]:
    """The answer's extras, and whether its follow-ups go to the container's suggested prompts instead.

    Buttons only under an answer everyone in the thread sees: a click asks in the thread, as the clicker. The
    prompts are kept in Redis (`follow_ups:{ref}`); a button names the record and an index, never the text.
    """
    own = _own_access_ref(store, job)
    offered = usable_follow_ups(prompts)
    container = job.is_dm and offered and store.agent_thread(job.team_id, job.channel_id, job.thread_ts)
    if container or not offered or not job.answers_in_thread:
        return AnswerExtras(disclaimer=disclaimer, own_access_ref=own), bool(container)
    ref = secrets.token_hex(8)
    record = {"channel_id": job.channel_id, "thread_ts": job.thread_ts, "prompts": list(offered)}
    store.save_follow_ups(job.team_id, ref, record)
    return AnswerExtras(
        disclaimer=disclaimer, follow_ups=offered, follow_up_ref=ref, own_access_ref=own
    ), False


def _own_access_ref(store: Store, job: AnswerJob) -> str:
    """A hybrid channel's public answer keeps its question (`own_access:{ref}`) for a click to ask again as
    the clicker; the button names the record, never the text. '' for every other answer."""
    if not (job.offer_own_access and job.answers_in_thread and not job.is_dm):
        return ""
    ref = secrets.token_hex(8)
    record = {
        "channel_id": job.channel_id,
        "thread_ts": job.thread_ts,
        "question": job.question,
        "application_id": job.application_id,
        "agent": job.agent,
    }
    store.save_own_access(job.team_id, ref, record)
    return ref


def suggest_in_container(client: WebClient, job: AnswerJob, prompts: list[str]) -> None:
    """The container's chips become Glean's follow-ups. Slack's docs: with `agent_view` a call naming a
    `thread_ts` is silently dropped, and one without it sets the prompts for the conversation's latest
    message, which is this answer; so none is named (as bot.listeners.agent does for an opened DM)."""
    chips = [{"title": p, "message": p} for p in usable_follow_ups(prompts)]
    try:
        client.assistant_threads_setSuggestedPrompts(
            channel_id=job.channel_id, prompts=chips, title=PROMPTS_TITLE
        )
    except SlackApiError as exc:
        log_event(
            log,
            "prompts_not_set",
            logging.WARNING,
            channel_id=job.channel_id,
            error=exc.response.get("error"),
        )
