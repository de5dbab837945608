"""`/glean` and its buttons on the listener side: parse, ack within Slack's 3 s, check, enqueue the work.

Every reply is ephemeral (only the person who typed or clicked sees it). Work that calls Glean runs in a job
that answers through the request's response_url; the immediate ack says it is on its way.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from typing import Any

import redis
from rq import Queue
from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.command_parse import USAGE, ParsedCommand, parse_command
from core.blocks import StartOver
from core.contract import AnswerJob, CommandJob, enqueue_answer, enqueue_command
from core.logs import log_event
from core.notices import NOTICE_EXTERNAL, NOTICE_NO_EMAIL, NOTICE_OFF, NOTICE_QUEUE_DOWN
from core.ownership import start_over_refusal
from core.settings import Settings
from core.slack_ops import asker_email, is_external, shared_outside
from core.store import Store
from core.timezones import user_time

__all__ = ["CLEAR_ALL_CANCEL_ACTION_ID", "CLEAR_ALL_CONFIRM_ACTION_ID", "Commands", "clear_all_words"]

log = logging.getLogger("gleanbot.commands")

NOTICE_NOT_MEMBER = (
    "I'm not in this conversation, so I can't check whether people outside the company are in it. "
    "Invite me here, or ask me in a DM."
)
CLEAR_ALL_CONFIRM_ACTION_ID = "gleanbot_clear_all_confirm"
CLEAR_ALL_CANCEL_ACTION_ID = "gleanbot_clear_all_cancel"
WORKING = {
    "ask": "Asking Glean… only you will see the answer.",
    "history": "Looking up your saved conversations…",
    "history_one": "Fetching that conversation…",
    "clear": "Deleting your conversations in this channel…",
    "files": "Looking up the files you shared with me here…",
    "files_forget": "Deleting the files you shared with me here…",
    "app": "Looking up this channel's Glean assistant…",
}


class Commands:
    """The `/glean` listener and the buttons it (and answers) carry. Thread-safe: no state of its own."""

    def __init__(self, settings: Settings, store: Store, queue: Queue) -> None:
        self.settings = settings
        self.store = store
        self.queue = queue

    # -- /glean ----------------------------------------------------------------------------------------
    def on_command(self, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        parsed = parse_command(str(body.get("text") or ""))
        team_id = str(body.get("team_id") or "")
        user_id = str(body.get("user_id") or "")
        channel_id = str(body.get("channel_id") or "")
        fields = {"team_id": team_id, "channel_id": channel_id, "user_id": user_id, "command": parsed.name}
        if parsed.name == "help":
            ack(text=USAGE)
            log_event(log, "command", reason="answered", **fields)
            return
        if parsed.name == "unknown":
            ack(text=f"{parsed.problem}\n\n{USAGE}")
            log_event(log, "command", reason="usage", **fields)
            return
        if parsed.name == "clear_all":
            try:
                self._confirm_clear_all(ack, team_id, user_id)
            except redis.RedisError as exc:
                log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)
                ack(text=f":warning: {NOTICE_QUEUE_DOWN}")
                log_event(log, "command", reason="queue_down", **fields)
                return
            log_event(log, "command", reason="confirmation_asked", **fields)
            return
        ack(text=WORKING[parsed.name])
        try:
            if parsed.name == "ask":
                outcome = self._ask(parsed, body, client)
            else:
                enqueue_command(
                    self.queue,
                    CommandJob(
                        kind=parsed.name,
                        team_id=team_id,
                        channel_id=channel_id,
                        user_id=user_id,
                        response_url=str(body.get("response_url") or ""),
                        number=parsed.number,
                    ),
                )
                outcome = "enqueued"
        except redis.RedisError as exc:
            log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)
            respond(text=f":warning: {NOTICE_QUEUE_DOWN}", replace_original=True)
            outcome = "queue_down"
        if outcome.startswith("refused:"):
            respond(text=f":warning: {outcome.partition(':')[2]}", replace_original=True)
            outcome = "refused"
        log_event(log, "command", reason=outcome, **fields)

    def _ask(self, parsed: ParsedCommand, body: dict[str, Any], client: WebClient) -> str:
        team_id = str(body.get("team_id") or "")
        user_id = str(body.get("user_id") or "")
        channel_id = str(body.get("channel_id") or "")
        is_dm = body.get("channel_name") == "directmessage" or channel_id.startswith("D")
        rule = self.settings.policy.for_channel(channel_id)
        if rule.mode == "off" and not is_dm:
            return f"refused:{NOTICE_OFF}"
        if not is_dm and not rule.allow_external:
            if not self._can_see(client, team_id, channel_id):
                return f"refused:{NOTICE_NOT_MEMBER}"
            if is_external(client, self.store, team_id=team_id, channel_id=channel_id):
                return f"refused:{NOTICE_EXTERNAL}"
        act_as: str | None = None
        if self.settings.acts_as_asker:
            act_as = asker_email(client, self.store, team_id=team_id, user_id=user_id)
            if act_as is None:
                return f"refused:{NOTICE_NO_EMAIL}"
        # Each `/glean ask` is a conversation of its own, keyed like a thread so clear/history/Start over
        # treat it the same way.
        ask_id = f"ask-{uuid.uuid4().hex[:16]}"
        job = AnswerJob(
            team_id=team_id,
            enterprise_id=body.get("enterprise_id") or None,
            channel_id=channel_id,
            user_id=user_id,
            message_ts=ask_id,
            thread_ts=ask_id,
            question=parsed.question,
            visibility="private",
            act_as=act_as,
            application_id=rule.application_id,
            agent=rule.agent,
            timezone_offset_min=user_time(client, user_id).glean_offset_min,
            is_dm=is_dm,
            response_url=str(body.get("response_url") or ""),
        )
        enqueue_answer(self.queue, job, self.settings)
        return "enqueued"

    def _can_see(self, client: WebClient, team_id: str, channel_id: str) -> bool:
        """Whether Slack tells the bot about this conversation (a command works where the bot isn't)."""
        if self.store.cached_external(team_id, channel_id) is not None:
            return True
        try:
            channel = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as exc:
            # Unknown means possibly shared with another organization: refuse, but say why truthfully.
            log_event(log, "conversations_info_failed", logging.WARNING, error=exc.response.get("error"))
            return False
        # Cached as `is_external` would, so its check right after needs no second call.
        self.store.cache_external(team_id, channel_id, shared_outside(channel))
        return True

    def _confirm_clear_all(self, ack: Ack, team_id: str, user_id: str) -> None:
        nonce = secrets.token_urlsafe(16)
        self.store.save_confirmation(team_id, nonce, user_id)
        what = clear_all_words(acts_as_asker=self.settings.acts_as_asker)
        ack(
            text="Delete all your saved conversations?",
            blocks=[
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": f"*Delete all your saved conversations?*\n{what}"},
                },
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": CLEAR_ALL_CONFIRM_ACTION_ID,
                            "text": {"type": "plain_text", "text": "Delete them all"},
                            "style": "danger",
                            "value": nonce,
                        },
                        {
                            "type": "button",
                            "action_id": CLEAR_ALL_CANCEL_ACTION_ID,
                            "text": {"type": "plain_text", "text": "Cancel"},
                            "value": "cancel",
                        },
                    ],
                },
            ],
        )

    # -- buttons ---------------------------------------------------------------------------------------
    def on_clear_all_confirm(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _when_redis_is_up(respond, lambda: self._clear_all_confirmed(body, respond))

    def _clear_all_confirmed(self, body: dict[str, Any], respond: Respond) -> None:
        team_id, user_id, channel_id = _ids(body)
        nonce = str(body["actions"][0].get("value") or "")
        if not self.store.take_confirmation(team_id, nonce, user_id):
            respond(
                text="This confirmation has expired, was used already, or isn't yours. Run `/glean clear all` again.",
                replace_original=False,
            )
            log_event(log, "command", team_id=team_id, user_id=user_id, command="clear_all", reason="refused")
            return
        respond(text="Deleting all your saved conversations…", replace_original=True)
        enqueue_command(
            self.queue,
            CommandJob(
                kind="clear_all",
                team_id=team_id,
                channel_id=channel_id,
                user_id=user_id,
                response_url=str(body.get("response_url") or ""),
            ),
        )
        log_event(log, "command", team_id=team_id, user_id=user_id, command="clear_all", reason="enqueued")

    def on_clear_all_cancel(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, user_id, _ = _ids(body)
        respond(text="Cancelled: nothing was deleted.", replace_original=True)
        log_event(log, "command", team_id=team_id, user_id=user_id, command="clear_all", reason="cancelled")

    def on_start_over(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _when_redis_is_up(respond, lambda: self._start_over(body, respond))

    def _start_over(self, body: dict[str, Any], respond: Respond) -> None:
        team_id, user_id, channel_id = _ids(body)
        start = StartOver.parse(str(body["actions"][0].get("value") or ""))
        fields = {"team_id": team_id, "channel_id": channel_id, "user_id": user_id, "command": "start_over"}
        if start is None:
            respond(text="I couldn't tell which conversation this button belongs to.", replace_original=False)
            log_event(log, "command", reason="malformed", **fields)
            return
        refusal = start_over_refusal(
            self.store,
            team_id,
            channel_id,
            user_id,
            start,
            per_person=self.settings.acts_as_asker,
            ttl_days=self.settings.thread_ttl_s // 86_400,
        )
        if refusal:
            respond(text=refusal, replace_original=False)
            log_event(log, "command", reason="refused", **fields)
            return
        enqueue_command(
            self.queue,
            CommandJob(
                kind="start_over",
                team_id=team_id,
                channel_id=channel_id,
                user_id=user_id,
                response_url=str(body.get("response_url") or ""),
                thread_ts=start.thread_ts,
                replace_original=False,
            ),
        )
        log_event(log, "command", reason="enqueued", **fields)


def clear_all_words(*, acts_as_asker: bool) -> str:
    """What `clear all` deletes, as its confirmation says it (in `/glean clear all` and the Home tab)."""
    if acts_as_asker:
        return "This deletes *all* your saved Glean chats (also those made outside Slack), and I forget every thread's conversation with you."
    return (
        "This deletes every conversation with me that is yours alone, in every channel. Threads where "
        "others asked too are left as they are."
    )


def _when_redis_is_up(respond: Respond, work: Callable[[], None]) -> None:
    """Run a button's work; when Redis (state and queue) is down, say so instead of failing silently."""
    try:
        work()
    except redis.RedisError as exc:
        log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)
        respond(text=f":warning: {NOTICE_QUEUE_DOWN}", replace_original=False)


def _ids(body: dict[str, Any]) -> tuple[str, str, str]:
    user = body.get("user") or {}
    team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
    channel_id = str(
        (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    )
    return team_id, str(user.get("id") or ""), channel_id
