"""A click on a follow-up button: its prompt asked in the same thread, as the clicker, through the one intake."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.clicks import read_click
from bot.intake import Incoming, Intake
from core.answer_extras import FOLLOW_UP_ACTION_ID, parse_follow_up
from core.logs import log_event
from core.message_marks import post_mark
from core.mrkdwn import escape_mrkdwn

__all__ = ["FOLLOW_UP_ACTIONS", "handle_follow_up"]

log = logging.getLogger("gleanbot.actions")

FOLLOW_UP_ACTIONS = re.compile(rf"^{FOLLOW_UP_ACTION_ID}_\d$")
NOTICE_FOLLOW_UP_EXPIRED = "This suggestion is too old. Ask your question in the thread instead."


def handle_follow_up(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, intake: Intake
) -> None:
    """Acked at once. The prompt comes from the answer's record in Redis, never from the click, and only for
    the channel the record names; the question is posted in the thread for everyone ("@them asked: …"),
    then that message goes through the intake like any mention (policy, Slack Connect, act-as, dedupe)."""
    ack()
    click = read_click(body)
    user_id, team_id, channel_id = click.user_id, click.team_id, click.channel_id
    named = parse_follow_up(click.value)
    record = intake.store.follow_ups(team_id, named[0]) if named else None
    if named is None or record is None or record.get("channel_id") != channel_id:
        reason = "expired" if named and record is None else "other_channel" if named else "malformed"
        if reason == "expired":
            respond(text=NOTICE_FOLLOW_UP_EXPIRED, replace_original=False)
        log_event(log, "follow_up_refused", team_id=team_id, user_id=user_id, reason=reason)
        return
    ref, index = named
    prompts = record.get("prompts") or []
    if index >= len(prompts):
        log_event(log, "follow_up_refused", team_id=team_id, user_id=user_id, reason="malformed")
        return
    # One question per person per suggestion: a double click (or a replayed one) asks once.
    claim = f"follow_up-{ref}-{index}-{user_id}"
    if not intake.store.claim_event(team_id, claim):
        return
    prompt = str(prompts[index])
    thread_ts = str(record["thread_ts"])
    posted = client.chat_postMessage(
        channel=channel_id,
        thread_ts=thread_ts,
        text=f"<@{user_id}> asked: {escape_mrkdwn(prompt)}",
        metadata=post_mark("follow_up"),
    )
    is_dm = channel_id.startswith("D")
    question = Incoming(
        kind="message"
        if is_dm
        else "app_mention",  # addressed: the clicker asked the bot, in words of Glean's
        team_id=team_id,
        enterprise_id=click.enterprise_id,
        event_id=f"{claim}-asked",
        channel_id=channel_id,
        channel_type="im" if is_dm else "channel",
        user_id=user_id,
        bot_id=None,
        subtype=None,
        text=prompt,
        ts=str(posted["ts"]),
        thread_ts=thread_ts,
        user_team=click.user_team,
    )
    intake.handle(question, client, None)
    log_event(log, "follow_up_asked", team_id=team_id, channel_id=channel_id, user_id=user_id)
