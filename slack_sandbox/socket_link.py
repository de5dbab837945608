"""One Socket Mode WebSocket connection: handshake, a reader thread (pings, close, text), and locked sends."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .websocket import (
    CLOSE_INVALID_PAYLOAD,
    CLOSE_NO_STATUS,
    CLOSE_NORMAL,
    CLOSE_UNSUPPORTED_DATA,
    OP_BINARY,
    OP_CLOSE,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    ConnectionClosed,
    HandshakeError,
    MessageAssembler,
    ProtocolError,
    check_upgrade,
    close_payload,
    encode_frame,
    error_response,
    parse_close,
    read_frame,
    read_request,
    upgrade_response,
)

log = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT_S = 5.0
CLOSE_TIMEOUT_S = 2.0
"""After sending a close frame, how long to wait for the client's before dropping the TCP connection."""


@dataclass(frozen=True)
class ConnectionInfo:
    """One WebSocket connection as the sandbox saw it (for tests and UIs)."""

    connection_id: str
    opened_at: float
    open: bool
    close_code: int | None


class Connection:
    """Serves one client on its own thread; callbacks fire on that thread."""

    def __init__(
        self,
        sock: socket.socket,
        *,
        check_target: Callable[[str], None],
        on_open: Callable[[Connection], None],
        on_message: Callable[[Connection, str], None],
        on_closed: Callable[[Connection], None],
    ) -> None:
        self.connection_id = uuid.uuid4().hex[:12]
        self._sock = sock
        self._check_target = check_target
        self._on_open = on_open
        self._on_message = on_message
        self._on_closed = on_closed
        self._send_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._open = False
        self._close_sent = False
        self.close_code: int | None = None
        self.opened_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="slack-sandbox-socket-conn", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def is_open(self) -> bool:
        """Handshake done, hello sent, and no close frame sent or received yet."""
        with self._state_lock:
            return self._open and not self._close_sent and self.close_code is None

    def info(self) -> ConnectionInfo:
        return ConnectionInfo(self.connection_id, self.opened_at, self.is_open, self.close_code)

    # ---- sending -------------------------------------------------------------------------------------------

    def _send(self, frame: bytes) -> bool:
        try:
            with self._send_lock:
                self._sock.sendall(frame)
            return True
        except OSError:
            return False

    def send_json_text(self, text: str) -> bool:
        """Send one text message; False if the connection is closing or broken."""
        if not self.is_open:
            return False
        return self._send(encode_frame(OP_TEXT, text.encode()))

    def send_json(self, message: dict[str, Any]) -> bool:
        return self.send_json_text(json.dumps(message))

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Start the closing handshake; the TCP connection is dropped when the client answers, or after
        CLOSE_TIMEOUT_S."""
        with self._state_lock:
            if self._close_sent:
                return
            self._close_sent = True
        self._send(encode_frame(OP_CLOSE, close_payload(code, reason)))
        timer = threading.Timer(CLOSE_TIMEOUT_S, self.abort)
        timer.daemon = True
        timer.start()

    def abort(self) -> None:
        """Drop the TCP connection now (wakes the reader thread)."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    # ---- the connection's thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        stream = self._sock.makefile("rb")
        try:
            if self._handshake(stream):
                self._read_loop(stream)
        except (ConnectionClosed, OSError):
            pass
        except ProtocolError as exc:
            log.info("slack_sandbox: closing a Socket Mode connection: %s", exc.reason)
            self._finish_close(exc.code, exc.reason)
        finally:
            with self._state_lock:
                was_open = self._open
                if self.close_code is None:
                    self.close_code = 1006  # closed without a close frame
            stream.close()
            self._sock.close()
            if was_open:
                self._on_closed(self)

    def _handshake(self, stream: Any) -> bool:
        self._sock.settimeout(HANDSHAKE_TIMEOUT_S)
        try:
            request = read_request(stream)
            key = check_upgrade(request)
            self._check_target(request.target)
        except HandshakeError as exc:
            self._send(error_response(exc))
            return False
        self._sock.settimeout(None)
        if not self._send(upgrade_response(key)):
            return False
        with self._state_lock:
            self._open = True
        self.opened_at = time.monotonic()
        self._on_open(self)
        return True

    def _read_loop(self, stream: Any) -> None:
        assembler = MessageAssembler()
        while True:
            complete = assembler.feed(read_frame(stream))
            if complete is None:
                continue
            opcode, payload = complete
            if opcode == OP_PING:
                self._send(encode_frame(OP_PONG, payload))
            elif opcode == OP_PONG:
                continue
            elif opcode == OP_CLOSE:
                code, reason = parse_close(payload)
                self._finish_close(CLOSE_NORMAL if code == CLOSE_NO_STATUS else code, reason, received=code)
                return
            elif opcode == OP_BINARY:
                raise ProtocolError(CLOSE_UNSUPPORTED_DATA, "Socket Mode speaks JSON text frames only")
            elif opcode == OP_TEXT:
                try:
                    text = payload.decode("utf-8")
                except UnicodeDecodeError:
                    raise ProtocolError(CLOSE_INVALID_PAYLOAD, "text frame is not UTF-8") from None
                self._on_message(self, text)

    def _finish_close(self, code: int, reason: str, *, received: int | None = None) -> None:
        """Answer (or send) the close frame, then let `_run` drop the socket."""
        with self._state_lock:
            already_sent = self._close_sent
            self._close_sent = True
            self.close_code = received if received is not None else code
        if not already_sent:
            self._send(encode_frame(OP_CLOSE, close_payload(code, reason)))
