"""Slack's side of Socket Mode: `apps.connections.open` tickets, the WebSocket link, hello, envelopes and acks.

An app calls `apps.connections.open` with its app-level (`xapp-`) token and gets a single-use
`ws://HOST:PORT/link/?ticket=...` URL on this server's own port. On connect Slack sends `hello`; afterwards every
event, slash command and interactivity payload arrives as an envelope
`{"envelope_id", "type": "events_api"|"slash_commands"|"interactive", "payload", "accepts_response_payload"}`
(events add `retry_attempt` and `retry_reason`) on the newest open connection, and the app acks with
`{"envelope_id"[, "payload"]}`. An event not acked within `delivery_timeout_s` is sent again with
`retry_attempt + 1` and `retry_reason: "timeout"`, up to 3 times. A command's ack payload is shown as Slack shows an
HTTP ack body. `disconnect()` sends Slack's `{"type": "disconnect", "reason": ...}` (a well-behaved client opens a
new connection and drops the old one).
"""

from __future__ import annotations

import copy
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .api_base import Params
from .config import SandboxConfig
from .delivery import MAX_SLACK_RETRIES, Deliverer, Delivery
from .socket_envelopes import ENVELOPE_TYPES, Pending, envelope_delivery, make_envelope
from .socket_link import Connection, ConnectionInfo
from .webapi import WebApi
from .websocket import CLOSE_GOING_AWAY, HandshakeError

JsonDict = dict[str, Any]
log = logging.getLogger(__name__)

LINK_PATH = "/link/"
TICKET_TTL_S = 60.0
"""How long an `apps.connections.open` URL stays usable (Slack's are short-lived and single-use)."""
APPROXIMATE_CONNECTION_TIME_S = 3600
APPS_CONNECTIONS_OPEN = "apps.connections.open"
_ACCEPT_POLL_S = 0.05


class SocketMode:
    """The Socket Mode server of one sandbox. Constructing it wires `apps.connections.open` into the Web API and
    makes the `Deliverer` route envelopes here (see `takes`)."""

    def __init__(self, config: SandboxConfig, deliverer: Deliverer, api: WebApi) -> None:
        self._config = config
        self._lock = threading.Condition()
        self._tickets: dict[str, float] = {}  # ticket -> expiry (monotonic)
        self._connections: list[Connection] = []
        self._pending: dict[str, Pending] = {}
        self._received: list[JsonDict] = []
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        api.app_methods[APPS_CONNECTIONS_OPEN] = self._connections_open
        deliverer.socket = self

    # ---- lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._listener is not None:
            return
        self._stopping.clear()
        family = socket.AF_INET6 if ":" in self._config.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.bind((self._config.host, 0))
        listener.listen(16)
        listener.settimeout(_ACCEPT_POLL_S)
        self._listener = listener
        self._accept_thread = threading.Thread(target=self._accept, name="slack-sandbox-socket", daemon=True)
        self._accept_thread.start()

    def stop(self) -> None:
        """Close every connection (1001 "going away", as a Slack restart does) and the listening socket."""
        if self._listener is None:
            return
        self._stopping.set()
        self.close_connections(CLOSE_GOING_AWAY, "server stopping", wait=False)
        with self._lock:
            connections = list(self._connections)
            for pending in self._pending.values():
                pending.event.set()
        for conn in connections:
            conn.abort()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=5)
        for conn in connections:
            conn.join(timeout=5)
        self._listener.close()
        self._listener = None

    @property
    def url(self) -> str:
        """The link address without a ticket, e.g. "ws://127.0.0.1:PORT/link/"."""
        if self._listener is None:
            raise RuntimeError("Sandbox.start() first: the port is chosen when the server binds")
        host, port = self._listener.getsockname()[:2]
        host_text = f"[{host}]" if ":" in str(host) else str(host)
        return f"ws://{host_text}:{port}{LINK_PATH}"

    # ---- what tests look at and do ---------------------------------------------------------------------------

    def connections(self) -> list[ConnectionInfo]:
        """Every connection accepted so far, oldest first."""
        with self._lock:
            return [c.info() for c in self._connections]

    @property
    def is_connected(self) -> bool:
        return self._newest_open() is not None

    def wait_connected(self, count: int = 1, timeout_s: float = 5.0) -> bool:
        """Wait until at least `count` connections are open (hello sent); False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while sum(1 for c in self._connections if c.is_open) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
        return True

    def received(self) -> list[JsonDict]:
        """Every JSON message apps sent (acks), oldest first."""
        with self._lock:
            return copy.deepcopy(self._received)

    def disconnect(self, reason: str = "refresh_requested") -> int:
        """Send Slack's `disconnect` message ("warning", "refresh_requested", "link_disabled") to every open
        connection; returns how many were told. The connections stay open until the app drops them."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-sandbox"}}
        told = 0
        for conn in self._open_connections():
            if conn.send_json(message):
                told += 1
        return told

    def close_connections(self, code: int = CLOSE_GOING_AWAY, reason: str = "", *, wait: bool = True) -> int:
        """Start the closing handshake on every open connection; returns how many. With `wait`, until closed."""
        connections = self._open_connections()
        for conn in connections:
            conn.close(code, reason)
        if wait:
            for conn in connections:
                conn.join(timeout=5)
        return len(connections)

    # ---- apps.connections.open ------------------------------------------------------------------------------

    def _connections_open(self, _params: Params) -> JsonDict:
        ticket = secrets.token_urlsafe(18)
        now = time.monotonic()
        with self._lock:
            self._tickets = {t: exp for t, exp in self._tickets.items() if exp > now}
            self._tickets[ticket] = now + TICKET_TTL_S
        return {"ok": True, "url": f"{self.url}?ticket={ticket}&app_id={self._config.api_app_id}"}

    def _check_target(self, target: str) -> None:
        parts = urlsplit(target)
        if parts.path.rstrip("/") != LINK_PATH.rstrip("/"):
            raise HandshakeError(404, "not found")
        ticket = (parse_qs(parts.query).get("ticket") or [""])[0]
        with self._lock:
            expiry = self._tickets.pop(ticket, None)
        if expiry is None or expiry < time.monotonic():
            raise HandshakeError(401, "invalid_ticket: call apps.connections.open for a fresh URL")

    # ---- connections ----------------------------------------------------------------------------------------

    def _accept(self) -> None:
        listener = self._listener
        while listener is not None and not self._stopping.is_set():
            try:
                sock, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn = Connection(
                sock,
                check_target=self._check_target,
                on_open=self._opened,
                on_message=self._message,
                on_closed=self._closed,
            )
            conn.start()

    def _opened(self, conn: Connection) -> None:
        with self._lock:
            self._connections.append(conn)
            live = sum(1 for c in self._connections if c.is_open)
            self._lock.notify_all()
        conn.send_json(
            {
                "type": "hello",
                "num_connections": live,
                "debug_info": {
                    "host": "applink-sandbox",
                    "build_number": 1,
                    "approximate_connection_time": APPROXIMATE_CONNECTION_TIME_S,
                },
                "connection_info": {"app_id": self._config.api_app_id},
            }
        )

    def _closed(self, _conn: Connection) -> None:
        with self._lock:
            self._lock.notify_all()

    def _message(self, _conn: Connection, text: str) -> None:
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            log.warning("slack_sandbox: a Socket Mode client sent a message that is not JSON")
            return
        if not isinstance(message, dict):
            return
        with self._lock:
            self._received.append(message)
            pending = self._pending.get(str(message.get("envelope_id")))
            if pending is not None:
                payload = message.get("payload")
                pending.payload = payload if isinstance(payload, dict) else None
                pending.acked = True
                pending.event.set()

    def _open_connections(self) -> list[Connection]:
        with self._lock:
            return [c for c in self._connections if c.is_open]

    def _newest_open(self) -> Connection | None:
        found = self._open_connections()
        return found[-1] if found else None

    def _wait_open(self, timeout_s: float) -> Connection | None:
        if self._stopping.is_set():
            return None
        if timeout_s > 0:
            self.wait_connected(1, timeout_s)
        return self._newest_open()

    # ---- delivery (called by Deliverer) ---------------------------------------------------------------------

    def takes(self, kind: str, bot_url: str | None) -> bool:
        """Whether a request of `kind` goes over Socket Mode rather than HTTP (see `SandboxConfig.delivery`)."""
        if kind not in ENVELOPE_TYPES or self._config.delivery == "http":
            return False
        return self._config.delivery == "socket" or (bot_url is None and self.is_connected)

    def deliver(
        self,
        kind: str,
        payload: JsonDict,
        retry_num: int | None,
        retry_reason: str | None,
        record: Callable[[Delivery], None],
    ) -> Delivery:
        """Send an envelope and wait for its ack; events are re-sent Slack-style while unacked."""
        attempt = retry_num or 0
        reason = retry_reason or ("timeout" if attempt else "")
        while True:
            delivery = self._send_once(kind, payload, attempt, reason)
            record(delivery)
            retryable = delivery.error in ("timeout", "connection_failed")
            if kind != "event" or not retryable or attempt >= MAX_SLACK_RETRIES or self._stopping.is_set():
                return delivery
            attempt += 1
            reason = delivery.error or "timeout"

    def _send_once(self, kind: str, payload: JsonDict, attempt: int, reason: str) -> Delivery:
        envelope_id, body = make_envelope(kind, payload, attempt, reason)
        started = time.monotonic()
        wait_s = self._config.delivery_timeout_s if self._config.delivery == "socket" else 0.0
        conn = self._wait_open(wait_s)
        pending = Pending()
        error: str | None = None
        if conn is None:
            error = "no_socket_connection"
        else:
            with self._lock:
                self._pending[envelope_id] = pending
            try:
                if not conn.send_json_text(body):
                    error = "connection_failed"
                elif not pending.event.wait(self._config.delivery_timeout_s) or not pending.acked:
                    error = "timeout"
            finally:
                with self._lock:
                    self._pending.pop(envelope_id, None)
        if error and error != "no_socket_connection":
            log.warning("slack_sandbox: %s envelope over Socket Mode failed: %s", kind, error)
        return envelope_delivery(kind, payload, body, envelope_id, pending, error, started, attempt)
