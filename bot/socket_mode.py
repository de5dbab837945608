"""`gleanbot socket`: the Bolt app over Slack's Socket Mode (an outbound WebSocket; no public URL needed)."""

from __future__ import annotations

import logging
import sys
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.app import build_app
from core.logs import log_event
from core.settings import Settings

__all__ = ["SocketModeRefused", "connect_socket_mode", "run_socket_mode"]

log = logging.getLogger("gleanbot.socket")


class SocketModeRefused(Exception):
    """Slack's `apps.connections.open` refused the app-level token (`error` is Slack's code)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def connect_socket_mode(settings: Settings) -> SocketModeHandler:
    """Build the app and open its Socket Mode connection. Lost connections are reopened by the handler."""
    handler = SocketModeHandler(build_app(settings, socket_mode=True), app_token=settings.slack_app_token)
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
