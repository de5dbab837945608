"""Button handlers: "Share to thread" on private answers (the feedback buttons are `bot.feedback`)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.feedback import share_vote_target
from core.answer_extras import AnswerExtras, answer_extras
from core.blocks import Source, public_answer_messages, votes_name
from core.logs import log_event
from core.message_marks import post_mark
from core.policy import Policy
from core.slack_ops import is_external
from core.store import Store

__all__ = ["handle_share"]

log = logging.getLogger("gleanbot.actions")

NOTICE_SHARE_EXTERNAL = (
    "This channel is now shared with people outside the company, so I won't post an answer made from "
    "internal documents here."
)


def _ids(body: dict[str, Any]) -> tuple[str, str]:
    user = body.get("user") or {}
    team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
    return team_id, str(user.get("id") or "")


def handle_share(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, store: Store, policy: Policy
) -> None:
    """Post a stored private answer publicly in its thread, attributed to the asker, on the asker's click only.

    Idempotent: a second click (or a redelivered action) does not post again. The channel is checked again
    at the click: it may have been shared with another organization since the answer was written.
    """
    ack()
    team_id, user_id = _ids(body)
    share_id = str(body["actions"][0].get("value") or "")
    record = store.share(team_id, share_id)
    if record is None:
        respond(text="This answer is too old to share. Ask again to get a fresh one.", replace_original=False)
        log_event(log, "share_refused", team_id=team_id, user_id=user_id, reason="expired")
        return
    if record["user_id"] != user_id:
        respond(text="Only the person who asked can share this answer.", replace_original=False)
        log_event(log, "share_refused", team_id=team_id, user_id=user_id, reason="not_asker")
        return
    channel_id = str(record["channel_id"])
    # Asked of Slack now, not from the hour-long cache: the channel may have been connected since.
    if not policy.for_channel(channel_id).allow_external and is_external(
        client, store, team_id=team_id, channel_id=channel_id, fresh=True
    ):
        respond(text=f":no_entry: {NOTICE_SHARE_EXTERNAL}", replace_original=False)
        log_event(log, "share_refused", team_id=team_id, user_id=user_id, reason="external_channel")
        return
    if not store.claim_share(team_id, share_id):
        respond(text="You already shared this answer to the thread.", replace_original=False)
        return
    sources = [Source(s["number"], s["title"], s.get("url")) for s in record["sources"]]
    # The public copy's 👍/👎 name the same Glean answer, for everyone in the channel now.
    extras = AnswerExtras(disclaimer=str(record.get("disclaimer") or ""))
    with votes_name(share_vote_target(store, team_id, record)), answer_extras(extras):
        messages = public_answer_messages(
            record["markdown"], sources, header=_shared_header(user_id, record.get("with_their_access", True))
        )
    try:
        for message in messages:
            client.chat_postMessage(
                channel=record["channel_id"],
                thread_ts=record["thread_ts"],
                text=message.text,
                blocks=message.blocks,
                metadata=post_mark("shared_answer"),
                unfurl_links=False,
                unfurl_media=False,
            )
    except Exception:
        store.release_share(team_id, share_id)
        respond(text=":warning: I couldn't share the answer. Please try again.", replace_original=False)
        raise
    respond(text="You shared this answer to the thread.", replace_original=True)
    log_event(log, "shared", team_id=team_id, channel_id=record["channel_id"], user_id=user_id)


def _shared_header(user_id: str, with_their_access: bool) -> str:
    if with_their_access:
        return f"Shared by <@{user_id}> (answer generated with their access)"
    return f"Shared by <@{user_id}>"
