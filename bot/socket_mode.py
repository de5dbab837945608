"""`gleanbot socket`: the Bolt app over Slack's Socket Mode (an outbound WebSocket; no public URL needed)."""

from __future__ import annotations

import logging
import sys
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin.client import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.app import build_app
from bot.shape import unroutable_field
from core.logs import log_event
from core.settings import Settings

__all__ = ["SocketModeRefused", "connect_socket_mode", "run_socket_mode"]

log = logging.getLogger("gleanbot.socket")


class SocketModeRefused(Exception):
    """Slack's `apps.connections.open` refused the app-level token (`error` is Slack's code)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class _CheckedHandler(SocketModeHandler):
    """Bolt's handler, with the shape check HTTP requests get (`bot.shape`) before Bolt reads the payload."""

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        field = unroutable_field(req.payload) if isinstance(req.payload, dict) else "payload"
        if field is None:
            super().handle(client, req)
            return
        log_event(log, "request_refused", logging.WARNING, reason="malformed", error=field)
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=req.envelope_id)
        )  # acked: never retried


def connect_socket_mode(settings: Settings) -> SocketModeHandler:
    """Build the app and open its Socket Mode connection. Lost connections are reopened by the handler."""
    handler = _CheckedHandler(build_app(settings, socket_mode=True), app_token=settings.slack_app_token)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        handler.close()  # type: ignore[no-untyped-call]
        raise SocketModeRefused(str(exc.response.get("error") or "unknown_error")) from None
    return handler


def run_socket_mode(settings: Settings) -> int:
    """Connect, then serve until the process is stopped. A refused app token is a configuration error (2)."""
    try:
        connect_socket_mode(settings)
    except SocketModeRefused as exc:
        print(
            f"gleanbot: configuration error: SLACK_APP_TOKEN: Slack refused it ({exc.error}); use the app-level "
            "token (xapp-...) with the connections:write scope",
            file=sys.stderr,
        )
        return 2
    log_event(log, "connected", mode="socket")
    threading.Event().wait()  # Bolt's handler threads do the work from here on
    return 0
