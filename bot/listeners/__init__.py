"""Bolt listener wiring: thin functions that hand events and actions to the intake and action handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, Respond
from slack_sdk import WebClient

from bot.actions import handle_feedback, handle_share
from bot.commands import CLEAR_ALL_CANCEL_ACTION_ID, CLEAR_ALL_CONFIRM_ACTION_ID, Commands
from bot.intake import Incoming, Intake
from core.blocks import FEEDBACK_ACTION_ID, SHARE_ACTION_ID, START_OVER_ACTION_ID
from core.store import Store

__all__ = ["Deps", "register_listeners"]


@dataclass(frozen=True)
class Deps:
    intake: Intake
    store: Store
    commands: Commands


def _retry_num(request: BoltRequest) -> str | None:
    values = request.headers.get("x-slack-retry-num") or []
    # Bolt turns Socket Mode's `retry_attempt: 0` into the header "0": a first delivery, as over HTTP.
    return values[0] if values and values[0] != "0" else None


def register_listeners(app: App, deps: Deps) -> None:
    """Events are acked by Bolt before these run (process_before_response=False); actions ack first."""

    def on_event(kind: str) -> Callable[..., None]:
        # A mention arrives as both `app_mention` and `message`; intake answers it once, whichever is first.
        def listener(
            body: dict[str, Any],
            event: dict[str, Any],
            context: BoltContext,
            client: WebClient,
            request: BoltRequest,
        ) -> None:
            incoming = Incoming.from_event(kind, body, event, _retry_num(request))
            deps.intake.handle(incoming, client, context.bot_user_id)

        return listener

    for kind in ("message", "app_mention"):
        app.event(kind)(on_event(kind))

    @app.action(SHARE_ACTION_ID)
    def on_share(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        handle_share(ack, body, client, respond, deps.store)

    @app.action(FEEDBACK_ACTION_ID)
    def on_feedback(ack: Ack, body: dict[str, Any]) -> None:
        handle_feedback(ack, body, deps.store)

    @app.command("/glean")
    def on_command(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        deps.commands.on_command(ack, body, client, respond)

    @app.action(START_OVER_ACTION_ID)
    def on_start_over(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        deps.commands.on_start_over(ack, body, respond)

    @app.action(CLEAR_ALL_CONFIRM_ACTION_ID)
    def on_clear_all_confirm(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        deps.commands.on_clear_all_confirm(ack, body, respond)

    @app.action(CLEAR_ALL_CANCEL_ACTION_ID)
    def on_clear_all_cancel(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        deps.commands.on_clear_all_cancel(ack, body, respond)
