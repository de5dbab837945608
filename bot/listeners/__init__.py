"""Bolt listener wiring: thin functions that hand events and actions to the intake and action handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, Respond
from slack_sdk import WebClient

from bot.actions import handle_share
from bot.commands import CLEAR_ALL_CANCEL_ACTION_ID, CLEAR_ALL_CONFIRM_ACTION_ID, Commands
from bot.feedback import REASON_CALLBACK_ID, FeedbackHandler
from bot.follow_ups import FOLLOW_UP_ACTIONS, handle_follow_up
from bot.home import HomeTab
from bot.intake import Incoming, Intake
from bot.intake.incoming import InvalidEvent
from bot.listeners.agent import build_assistant, dm_opened
from bot.own_access import handle_own_access
from bot.shortcuts import ASK_CALLBACK_ID, ASK_VIEW_CALLBACK_ID, SUMMARIZE_CALLBACK_ID, Shortcuts
from core.answer_extras import OWN_ACCESS_ACTION_ID
from core.blocks import FEEDBACK_ACTION_ID, SHARE_ACTION_ID, START_OVER_ACTION_ID
from core.home_view import (
    CLEAR_ALL_VIEW_CALLBACK_ID,
    HOME_CLEAR_ACTION_ID,
    HOME_CLEAR_ALL_ACTION_ID,
    HOME_FORGET_ACTION_ID,
)
from core.logs import log_event
from core.members import home_of, stranger_refusal
from core.store import Store

__all__ = ["Deps", "register_listeners"]

log = logging.getLogger("gleanbot.intake")


@dataclass(frozen=True)
class Deps:
    intake: Intake
    store: Store
    commands: Commands
    feedback: FeedbackHandler
    shortcuts: Shortcuts
    home: HomeTab


def _retry_num(request: BoltRequest) -> str | None:
    values = request.headers.get("x-slack-retry-num") or []
    # Bolt turns Socket Mode's `retry_attempt: 0` into the header "0": a first delivery, as over HTTP.
    return values[0] if values and values[0] != "0" else None


def register_listeners(app: App, deps: Deps) -> None:
    """Events are acked by Bolt before these run (process_before_response=False); actions ack first."""

    def take(
        kind: str,
        body: dict[str, Any],
        event: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        request: BoltRequest,
        *,
        agent: bool = False,
        beside: str | None = None,
    ) -> tuple[Incoming, str] | None:
        """Every message, mention and agent-container question enters the intake here; None: not from Slack."""
        try:
            incoming = Incoming.from_event(kind, body, event, _retry_num(request))
        except InvalidEvent as exc:
            # Signed, yet not what Slack sends: skipped before anything is claimed or shown.
            event_id = body.get("event_id")
            log_event(
                log,
                "message_skipped",
                logging.WARNING,
                reason="invalid_event",
                error=",".join(exc.fields),
                event_id=event_id if isinstance(event_id, str) and event_id.isalnum() else None,
            )
            return None
        outcome = deps.intake.handle(
            incoming, client, context.bot_user_id, home_of(context, body), agent=agent, beside=beside
        )
        return incoming, outcome

    def on_event(kind: str) -> Callable[..., None]:
        # A mention arrives as both `app_mention` and `message`; intake answers it once, whichever is first.
        def listener(
            body: dict[str, Any],
            event: dict[str, Any],
            context: BoltContext,
            client: WebClient,
            request: BoltRequest,
        ) -> None:
            take(kind, body, event, context, client, request)

        return listener

    # Bolt's Assistant middleware takes the container's events and every DM thread reply before the
    # listeners below; its questions come back through `take`.
    app.assistant(build_assistant(deps.intake, take))
    messages_tab = dm_opened(deps.intake)

    def home_opened(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        # One listener per event type runs in Bolt: the Home tab and the Messages tab share this one.
        if event.get("tab") == "home":
            deps.home.on_opened(event, body, client, context)
        else:
            messages_tab(event, context)

    app.event("app_home_opened")(home_opened)
    for kind in ("message", "app_mention"):
        app.event(kind)(on_event(kind))

    def members_only(action: Callable[..., None]) -> Callable[..., None]:
        # Every button and `/glean` is for people of the installing organization only (core.members).
        def listener(
            ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
        ) -> None:
            user = body.get("user") or {}
            user_id = str(body.get("user_id") or user.get("id") or "")
            refusal = stranger_refusal(
                client, deps.store, home_of(context, body), user_id=user_id, user_team=user.get("team_id")
            )
            if refusal is None:
                action(ack, body, client, respond)
            elif "command" in body:
                ack(text=f":no_entry: {refusal}")
            else:
                ack()
                respond(text=f":no_entry: {refusal}", replace_original=False)

        return listener

    def share(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        handle_share(ack, body, client, respond, deps.store, deps.intake.settings.policy)

    app.action(SHARE_ACTION_ID)(members_only(share))
    app.action(FOLLOW_UP_ACTIONS)(members_only(lambda a, b, c, r: handle_follow_up(a, b, c, r, deps.intake)))
    app.action(OWN_ACCESS_ACTION_ID)(
        members_only(lambda a, b, c, r: handle_own_access(a, b, c, r, deps.intake))
    )
    app.action(FEEDBACK_ACTION_ID)(members_only(lambda ack, body, c, _r: deps.feedback.on_vote(ack, body, c)))
    app.view(REASON_CALLBACK_ID)(deps.feedback.on_reason)
    app.command("/glean")(members_only(deps.commands.on_command))
    app.action(START_OVER_ACTION_ID)(
        members_only(lambda ack, body, _c, respond: deps.commands.on_start_over(ack, body, respond))
    )
    app.action(CLEAR_ALL_CONFIRM_ACTION_ID)(
        members_only(lambda ack, body, _c, respond: deps.commands.on_clear_all_confirm(ack, body, respond))
    )
    app.action(CLEAR_ALL_CANCEL_ACTION_ID)(
        members_only(lambda ack, body, _c, respond: deps.commands.on_clear_all_cancel(ack, body, respond))
    )

    # Message shortcuts (a message's ⋯ menu) and the ask modal (bot.shortcuts); the Home tab (bot.home).
    app.shortcut(ASK_CALLBACK_ID)(members_only(deps.shortcuts.on_ask))
    app.shortcut(SUMMARIZE_CALLBACK_ID)(members_only(deps.shortcuts.on_summarize))
    app.view(ASK_VIEW_CALLBACK_ID)(deps.shortcuts.on_ask_submit)
    app.action(HOME_FORGET_ACTION_ID)(deps.home.on_forget)
    app.action(HOME_CLEAR_ACTION_ID)(deps.home.on_clear)
    app.action(HOME_CLEAR_ALL_ACTION_ID)(deps.home.on_clear_all)
    app.view(CLEAR_ALL_VIEW_CALLBACK_ID)(deps.home.on_clear_all_confirmed)
