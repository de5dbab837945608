"""Shared test helpers for slack_sandbox tests: the configured secrets and a signed-request receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

from slack_sandbox import Sandbox

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-sandbox-test"
MakeSandbox = Callable[..., Sandbox]
"""The `make_sandbox` fixture: start a sandbox with config overrides."""


@dataclass
class Received:
    """One request the sandbox made to the bot, and whether its Slack signature verified."""

    path: str
    headers: dict[str, str]
    body: str
    verified: bool

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body))

    def action_payload(self) -> Any:
        return json.loads(self.form()["payload"])


Reply = Callable[[Received], tuple[int, str, bytes]]


class Receiver:
    """A tiny loopback 'bot' that checks signatures with slack_sdk's SignatureVerifier and records requests."""

    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.requests: list[Received] = []
        self.reply: Reply = lambda _req: (200, "text/plain", b"")
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = outer.verifier.is_valid(
                    body=body,
                    timestamp=headers.get("x-slack-request-timestamp", ""),
                    signature=headers.get("x-slack-signature", ""),
                )
                received = Received(self.path, headers, body, verified)
                with outer._lock:
                    outer.requests.append(received)
                status, content_type, payload = outer.reply(received)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01})
        self._thread.daemon = True
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/slack/events"

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.requests)

    def events(self) -> list[Any]:
        return [r.json() for r in self.received() if r.headers.get("content-type") == "application/json"]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
