"""The agent container (Slack's split view), through Bolt's own `Assistant`: greeting, prompts, title, questions.

A question in a container thread is a DM thread message and takes the same intake as every DM (`take`); only
the sign of work (the status line first) and the thread's title differ.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import redis
from slack_bolt import Assistant, BoltContext, BoltRequest, Say, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.intake import Intake
from bot.intake.incoming import Incoming
from core.agent_view import greeting_text, thread_title
from core.inbound import slack_to_plain
from core.logs import log_event
from core.members import home_of, stranger_refusal
from core.slack_ops import is_external

__all__ = ["Take", "build_assistant", "dm_opened"]

log = logging.getLogger("gleanbot.agent")

Take = Callable[..., tuple[Incoming, str] | None]
"""The listeners' one way into the intake: (kind, body, event, context, client, request, agent=...)."""

_ID = re.compile(r"^[A-Za-z0-9_]{1,40}$")
_TS = re.compile(r"^[0-9]{1,12}\.[0-9]{1,9}$")


def _thread(payload: dict[str, Any]) -> tuple[str, str, str, str | None] | None:
    """(channel_id, thread_ts, user_id, channel beside) of an `assistant_thread` as Slack spells them."""
    thread = payload.get("assistant_thread")
    if not isinstance(thread, dict):
        return None
    channel_id, thread_ts, user_id = thread.get("channel_id"), thread.get("thread_ts"), thread.get("user_id")
    context = thread.get("context")
    beside = context.get("channel_id") if isinstance(context, dict) else None
    beside = beside if isinstance(beside, str) else None
    if not all(isinstance(v, str) for v in (channel_id, thread_ts, user_id)):
        return None
    if not (_ID.match(str(channel_id)) and _TS.match(str(thread_ts)) and _ID.match(str(user_id))):
        return None
    return str(channel_id), str(thread_ts), str(user_id), beside if beside and _ID.match(beside) else None


def dm_opened(intake: Intake) -> Callable[..., None]:
    """`app_home_opened` on the Messages tab: with `agent_view`, Slack's sign that someone opened the DM.

    There the prompts belong to the conversation, not to a thread: Bolt's `set_suggested_prompts` for this
    event sends no `thread_ts` (Slack drops a call for an agent app that has one). No greeting: the event
    comes every time the DM is opened.
    """
    prompts = intake.settings.agent.prompts

    def listener(event: dict[str, Any], context: BoltContext) -> None:
        set_prompts = context.get("set_suggested_prompts")
        if event.get("tab") != "messages" or not prompts or set_prompts is None:
            return
        try:
            set_prompts(prompts=list(prompts))
        except SlackApiError as exc:
            log_event(log, "agent_prompts_failed", logging.WARNING, error=exc.response.get("error"))

    return listener


def build_assistant(intake: Intake, take: Take) -> Assistant:
    """Bolt's `Assistant` with gleanbot's listeners; `app.assistant(...)` registers it (bot.listeners)."""
    settings, store = intake.settings, intake.store
    assistant = Assistant()  # its own logger: a library one, which core.logs trims

    def usable_context(client: WebClient, team_id: str, beside: str | None) -> tuple[str, bool]:
        """The channel beside the container as the bot may use it ('' for none), and whether it was refused."""
        if not beside or beside.startswith("D"):
            return "", False
        if settings.policy.for_channel(beside).allow_external:
            return beside, False
        # As in the channel itself (gates.external): a Slack Connect channel could show internal documents.
        if is_external(client, store, team_id=team_id, channel_id=beside):
            return "", True
        return beside, False

    def first_time(body: dict[str, Any], team_id: str) -> bool:
        event_id = body.get("event_id")
        return not isinstance(event_id, str) or store.claim_event(team_id, event_id)

    @assistant.thread_started
    def started(
        body: dict[str, Any],
        payload: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        say: Say,
        set_suggested_prompts: SetSuggestedPrompts,
    ) -> None:
        thread = _thread(payload)
        if thread is None:
            log_event(log, "agent_skipped", logging.WARNING, reason="invalid_event")
            return
        channel_id, thread_ts, user_id, beside = thread
        home = home_of(context, body)
        try:
            if not first_time(body, home.team_id):
                log_event(log, "agent_skipped", reason="duplicate_delivery", channel_id=channel_id)
                return
            refusal = stranger_refusal(client, store, home, user_id=user_id)
            if refusal is not None:
                say(text=f":no_entry: {refusal}")
                return
            usable, refused = usable_context(client, home.team_id, beside)
            store.save_agent_thread(home.team_id, channel_id, thread_ts, usable)
        except redis.RedisError as exc:
            log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)
            usable, refused = "", beside is not None  # unchecked: never use it
        say(text=greeting_text(settings.agent, beside=usable or beside, refused=refused))
        if settings.agent.prompts:
            set_suggested_prompts(prompts=list(settings.agent.prompts))
        log_event(log, "agent_thread_started", channel_id=channel_id, thread_ts=thread_ts, user_id=user_id)

    @assistant.thread_context_changed
    def context_changed(
        body: dict[str, Any], payload: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        thread = _thread(payload)
        if thread is None:
            return
        channel_id, thread_ts, _user, beside = thread
        home = home_of(context, body)
        try:
            if first_time(body, home.team_id):
                usable, _refused = usable_context(client, home.team_id, beside)
                store.save_agent_thread(home.team_id, channel_id, thread_ts, usable)
        except redis.RedisError as exc:
            log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)

    @assistant.user_message
    def user_message(
        body: dict[str, Any],
        event: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        request: BoltRequest,
        set_title: SetTitle,
    ) -> None:
        # Bolt sends every DM thread reply here, container or not: the record says which threads are containers.
        channel_id, thread_ts = event.get("channel"), event.get("thread_ts")
        team_id = home_of(context, body).team_id
        record = None
        if isinstance(channel_id, str) and isinstance(thread_ts, str):
            try:
                record = store.agent_thread(team_id, channel_id, thread_ts)
            except redis.RedisError:
                record = None  # the intake reports Redis being down
        beside = (record or {}).get("context") or None
        taken = take(
            "message", body, event, context, client, request, agent=record is not None, beside=beside
        )
        if taken is None or record is None:
            return
        msg, outcome = taken
        question = slack_to_plain(msg.text, context.bot_user_id)
        if not outcome.startswith("enqueued") or not question:
            return
        try:
            if store.claim_agent_title(msg.team_id, msg.channel_id, msg.root_ts):
                set_title(thread_title(question))
        except (redis.RedisError, SlackApiError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log_event(log, "agent_title_failed", logging.WARNING, channel_id=msg.channel_id, error=error)

    return assistant
