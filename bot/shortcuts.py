"""Message shortcuts (a message's ⋯ menu): "Ask Glean about this message" with its modal, "Summarize this thread".

Both are acked at once and answered by the same answer job as a question (workers.answer): the message's
thread gets the answer, publicly or privately by the channel's policy; a summary is private first, with Share.
A shortcut's question has no Slack message of its own, so its job is keyed by the request's time in Slack's
`ts` form: unique per request, and later than every message of the thread it reads.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import redis
from rq import Queue
from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.shortcut_parts import ASK_VIEW_CALLBACK_ID, QUESTION_MAX_CHARS, ask_modal, message_context
from core.contract import AnswerJob, FilesJob, enqueue_answer, enqueue_files
from core.file_hosts import slack_host_refusal
from core.logs import log_event
from core.notices import NOTICE_EXTERNAL, NOTICE_NO_EMAIL, NOTICE_OFF, NOTICE_QUEUE_DOWN
from core.settings import Settings
from core.slack_files import fetch_message, files_from
from core.slack_ops import asker_email, is_external, shared_outside
from core.store import Store
from core.timezones import user_time

__all__ = ["ASK_CALLBACK_ID", "ASK_VIEW_CALLBACK_ID", "SUMMARIZE_CALLBACK_ID", "Shortcuts"]

log = logging.getLogger("gleanbot.shortcuts")

ASK_CALLBACK_ID = "gleanbot_ask_message"
SUMMARIZE_CALLBACK_ID = "gleanbot_summarize_thread"
DEFAULT_QUESTION = "What is this message about? Explain it, with what our documents say about it."
SUMMARY_QUESTION = "Summarize this Slack thread for me: what was asked, what was answered or decided, and what is still open."
NOTICE_UNREADABLE = (
    "I can't read that message: invite me to this channel (`/invite @Glean`), or ask me in a DM."
)


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _request_ts() -> str:
    return f"{time.time():.6f}"


class Shortcuts:
    """The listeners of both message shortcuts and of the ask modal's submission. No state of its own."""

    def __init__(self, settings: Settings, store: Store, queue: Queue) -> None:
        self.settings = settings
        self.store = store
        self.queue = queue

    def _refusal(self, client: WebClient, team_id: str, channel_id: str) -> str | None:
        """Why the bot won't answer about this channel's messages (the same rules as everywhere else)."""
        if channel_id.startswith("D"):
            return None
        rule = self.settings.policy.for_channel(channel_id)
        if rule.mode == "off":
            return NOTICE_OFF
        if rule.allow_external:
            return None  # whether the bot can read the message is found when it is fetched
        if self.store.cached_external(team_id, channel_id) is None:
            try:
                channel = client.conversations_info(channel=channel_id)["channel"]
            except SlackApiError:
                # Slack hides a private conversation the bot is not in: say that, not "shared outside".
                return NOTICE_UNREADABLE
            self.store.cache_external(team_id, channel_id, shared_outside(channel))
        if is_external(client, self.store, team_id=team_id, channel_id=channel_id):
            return NOTICE_EXTERNAL
        return None

    def _private(self, channel_id: str) -> bool:
        if channel_id.startswith("D"):
            return False  # a DM is already private
        rule = self.settings.policy.for_channel(channel_id)
        return rule.visibility == "private" if rule.visibility else self.settings.acts_as_asker

    # -- "Ask Glean about this message" ---------------------------------------------------------------
    def on_ask(self, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """The shortcut: the modal asking for an optional question, opened with the shortcut's trigger_id."""
        ack()
        team_id, user_id, channel_id = _ids(body)
        fields = {"team_id": team_id, "channel_id": channel_id, "user_id": user_id, "command": "ask_message"}
        refusal = self._refusal(client, team_id, channel_id)
        if refusal is not None:
            respond(text=f":no_entry: {refusal}", replace_original=False)
            log_event(log, "shortcut", reason="refused", **fields)
            return
        message_ts = str(body.get("message_ts") or _dig(body, "message", "ts") or "")
        root = str(_dig(body, "message", "thread_ts") or message_ts)
        metadata = json.dumps({"c": channel_id, "m": message_ts, "t": root, "r": body.get("response_url")})
        try:
            client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=ask_modal(metadata))
        except SlackApiError as exc:
            respond(
                text=":warning: I couldn't open the question box. Please try again.", replace_original=False
            )
            log_event(
                log,
                "shortcut",
                logging.WARNING,
                reason="modal_failed",
                error=exc.response.get("error"),
                **fields,
            )
            return
        log_event(log, "shortcut", reason="modal_opened", **fields)

    def on_ask_submit(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The modal's Ask: the message (and its files) with the question go to the answer job."""
        typed = _dig(body, "view", "state", "values", "question", "question", "value")
        question = typed.strip() if isinstance(typed, str) else ""
        if len(question) > QUESTION_MAX_CHARS:
            ack(response_action="errors", errors={"question": f"At most {QUESTION_MAX_CHARS} characters."})
            return
        ack()  # closes the modal; the answer arrives in the message's thread
        try:
            metadata = json.loads(str(_dig(body, "view", "private_metadata") or ""))
        except json.JSONDecodeError:
            metadata = None
        team_id, user_id, _ = _ids(body)
        if not isinstance(metadata, dict) or not all(isinstance(metadata.get(k), str) for k in "cmt"):
            log_event(log, "shortcut", logging.WARNING, reason="malformed", team_id=team_id, user_id=user_id)
            return
        channel_id, message_ts, root = metadata["c"], metadata["m"], metadata["t"]
        fields = {"team_id": team_id, "channel_id": channel_id, "user_id": user_id, "command": "ask_message"}
        reply_url = metadata.get("r") if isinstance(metadata.get("r"), str) else None
        # Checked again: the modal may have stayed open while the channel was shared or switched off.
        refusal = self._refusal(client, team_id, channel_id)
        message = (
            None if refusal else fetch_message(client, channel_id=channel_id, ts=message_ts, thread_ts=root)
        )
        if refusal is None and message is None:
            refusal = NOTICE_UNREADABLE
        context = message_context(client, message) if message is not None else ""
        outcome = refusal or self._enqueue(
            client,
            body,
            channel_id=channel_id,
            root=root,
            question=f"{context}\n\n{question or DEFAULT_QUESTION}",
            files=message.get("files") if message is not None else None,
            private=self._private(channel_id),
        )
        self._finish(outcome, reply_url, fields)

    # -- "Summarize this thread" ----------------------------------------------------------------------
    def on_summarize(self, ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """The whole thread (conversations.replies) goes to Glean; the summary is private, with Share."""
        ack()
        team_id, user_id, channel_id = _ids(body)
        fields = {"team_id": team_id, "channel_id": channel_id, "user_id": user_id, "command": "summarize"}
        message_ts = str(body.get("message_ts") or _dig(body, "message", "ts") or "")
        root = str(_dig(body, "message", "thread_ts") or message_ts)
        refusal = self._refusal(client, team_id, channel_id)
        # The thread must be readable to the bot (a conversation it is not in is not): say so now, not later.
        if refusal is None and fetch_message(client, channel_id=channel_id, ts=root, thread_ts=None) is None:
            refusal = NOTICE_UNREADABLE
        outcome = refusal or self._enqueue(
            client,
            body,
            channel_id=channel_id,
            root=root,
            question=SUMMARY_QUESTION,
            private=True,
            summary=True,
        )
        self._finish(outcome, str(body.get("response_url") or ""), fields, respond)

    # -- shared -----------------------------------------------------------------------------------------
    def _enqueue(
        self,
        client: WebClient,
        body: dict[str, Any],
        *,
        channel_id: str,
        root: str,
        question: str,
        private: bool,
        files: Any = None,
        summary: bool = False,
    ) -> str | None:
        """Queue the answer (after the files, if any); None when queued, else what to tell the person."""
        team_id, user_id, _ = _ids(body)
        rule = self.settings.policy.for_channel(channel_id)
        # A hybrid channel's public answer goes as the public identity; the asker's access is its button.
        hybrid = not private and rule.visibility == "hybrid" and not channel_id.startswith("D")
        act_as = None
        if self.settings.acts_as_asker and not hybrid:
            act_as = asker_email(client, self.store, team_id=team_id, user_id=user_id)
            if act_as is None:
                return NOTICE_NO_EMAIL
        job = AnswerJob(
            team_id=team_id,
            enterprise_id=_dig(body, "enterprise", "id") or None,
            channel_id=channel_id,
            user_id=user_id,
            message_ts=_request_ts(),
            thread_ts=root,
            question=question,
            visibility="private" if private else "public",
            act_as=act_as,
            offer_own_access=hybrid,
            application_id=rule.application_id,
            agent=rule.agent,
            timezone_offset_min=user_time(client, user_id).glean_offset_min,
            is_dm=channel_id.startswith("D"),
            thread_context=summary,
            whole_thread=summary,
        )
        shared = files_from(files)
        try:
            after = None
            if shared:
                after = enqueue_files(
                    self.queue,
                    FilesJob(
                        team_id=team_id,
                        channel_id=channel_id,
                        user_id=user_id,
                        message_ts=job.message_ts,
                        thread_ts=root,
                        files=list(shared),
                        act_as=act_as,
                        visibility=job.visibility,
                        is_dm=job.is_dm,
                    ),
                    self.settings,
                )
            enqueue_answer(self.queue, job, self.settings, after=after)
            if not summary:  # a private summary is not the bot joining the thread: replies are not followed
                self.store.mark_thread_answered(team_id, channel_id, root)
        except redis.RedisError as exc:
            log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)
            return NOTICE_QUEUE_DOWN
        return None

    def _finish(
        self,
        refusal: str | None,
        reply_url: str | None,
        fields: dict[str, str],
        respond: Respond | None = None,
    ) -> None:
        if refusal is None:
            log_event(log, "shortcut", reason="enqueued", **fields)
            return
        log_event(log, "shortcut", reason="refused", **fields)
        text = f":no_entry: {refusal}"
        if respond is not None:
            respond(text=text, replace_original=False)
        elif reply_url and slack_host_refusal(reply_url, self.settings.slack_api_url) is None:
            # The shortcut's own response_url, carried through the modal: the one way to reach the person.
            Respond(response_url=reply_url)(text=text, replace_original=False)


def _ids(body: dict[str, Any]) -> tuple[str, str, str]:
    user = body.get("user") or {}
    team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
    return team_id, str(user.get("id") or ""), str((body.get("channel") or {}).get("id") or "")
