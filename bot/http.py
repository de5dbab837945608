"""HTTP mode: `POST /slack/events` (events, commands, interactivity) and `GET /healthz`, served by waitress.

Everything before the signature is bounded: waitress refuses a body over `MAX_BODY_BYTES` with 413 from its
headers (or, chunked, as soon as the count passes it) without buffering it, at most `CONNECTION_LIMIT`
connections are open at once, and the signature is checked here, before Bolt parses (or logs) the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import redis
from slack_bolt import App, BoltRequest, BoltResponse
from waitress.server import create_server

from bot.shape import unroutable_field
from core.logs import log_event

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "CONNECTION_LIMIT",
    "EVENTS_PATH",
    "HEALTH_PATH",
    "MAX_BODY_BYTES",
    "make_server",
    "make_wsgi_app",
    "redis_health",
    "serve_socket",
    "stop_server",
]

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
WSGI_THREADS = 8
MAX_BODY_BYTES = 1024 * 1024
"""Larger request bodies are refused with 413 unread. Slack's largest payloads (a 40,000-character message
with its blocks, a button on a long answer) stay well below."""
MAX_HEADER_BYTES = 32 * 1024
CONNECTION_LIMIT = 100
"""Open connections at most; more wait in the listen backlog. With `MAX_BODY_BYTES` this bounds what
unauthenticated clients can make the bot hold (waitress spools a body over 512 KiB to a temporary file)."""
IDLE_CONNECTION_S = 30
"""A connection silent this long is closed (waitress's default is 120 s): slow clients do not pile up."""
SIGNATURE_MAX_AGE_S = 5 * 60
"""Slack's own rule: a request signed longer ago than this is a replay."""
log = logging.getLogger("gleanbot.http")


def _response(start_response: StartResponse, status: str, body: bytes, kind: str) -> list[bytes]:
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


def _read_body(environ: WSGIEnvironment) -> bytes | None:
    """The request body, or None when it is over the limit (waitress refuses those first; this is for others)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > MAX_BODY_BYTES:
        return None
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    return body


def signature_ok(secret: str, body: bytes, timestamp: str, signature: str, now: float) -> bool:
    """Slack's v0 signature over `body`, made within `SIGNATURE_MAX_AGE_S` of `now`."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > SIGNATURE_MAX_AGE_S:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _is_ssl_check(body: bytes) -> bool:
    # Slack's certificate check for slash commands (Bolt answers it with an empty 200 too).
    return b"ssl_check=" in body[:64] and dict(parse_qsl(body.decode("latin-1"))).get("ssl_check") == "1"


def make_wsgi_app(app: App, health: Callable[[], dict[str, bool]], signing_secret: str) -> WSGIApplication:
    """Route Slack's POSTs to Bolt once their signature holds, and answer health checks."""

    def events(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = _read_body(environ)
        if body is None:
            log_event(log, "request_refused", logging.INFO, reason="too_large")
            return _response(start_response, "413 Payload Too Large", b"too large", "text/plain")
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""))
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE", ""))
        if not signature_ok(signing_secret, body, timestamp, signature, time.time()):
            if _is_ssl_check(body):
                return _response(start_response, "200 OK", b"", "text/plain")
            # Nothing of the body is logged: before the signature holds it is anybody's text.
            log_event(log, "request_refused", logging.INFO, reason="signature")
            return _response(
                start_response, "401 Unauthorized", b'{"error":"invalid request"}', "application/json"
            )
        try:
            request = BoltRequest(
                body=body.decode("utf-8"),
                query=str(environ.get("QUERY_STRING", "")),
                headers=_headers(environ),
            )
            if not isinstance(request.body, dict):
                raise TypeError("not an object")
            field = unroutable_field(request.body)  # Bolt's routing would crash on it
        except (ValueError, TypeError, AttributeError, KeyError):  # not UTF-8, not JSON or form, wrong shape
            field = "body"
        if field is not None:
            log_event(log, "request_refused", logging.WARNING, reason="malformed", error=field)
            return _response(start_response, "400 Bad Request", b"malformed", "text/plain")
        try:
            response = app.dispatch(request)
        except Exception:  # logged here, where the formatter keeps exception messages (request text) out
            log.exception("request_failed", extra={"event": "request_failed"})
            return _response(start_response, "500 Internal Server Error", b"error", "text/plain")
        return _bolt_response(response, start_response)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            checks = health()
            ok = all(checks.values())
            body = json.dumps({"ok": ok, **checks}).encode()
            return _response(
                start_response, "200 OK" if ok else "503 Service Unavailable", body, "application/json"
            )
        if path == EVENTS_PATH and method == "POST":
            return events(environ, start_response)
        return _response(start_response, "404 Not Found", b"Not Found", "text/plain;charset=utf-8")

    return wsgi


def _headers(environ: WSGIEnvironment) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {
        k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers


def _bolt_response(response: BoltResponse, start_response: StartResponse) -> list[bytes]:
    body = (response.body or "").encode("utf-8")
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    headers = [(n, v) for n, v in headers if n.lower() != "content-length"] + [
        ("Content-Length", str(len(body)))
    ]
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Status"
    start_response(f"{response.status} {reason}", headers)
    return [body]


def redis_health(client: redis.Redis) -> Callable[[], dict[str, bool]]:
    """A health check that reports whether Redis (the queue and all state) answers."""

    def check() -> dict[str, bool]:
        try:
            return {"redis": bool(client.ping())}
        except redis.RedisError:
            return {"redis": False}

    return check


# The same guards for a server that binds and for one on a socket the supervisor bound.
_LIMITS: dict[str, Any] = {
    "threads": WSGI_THREADS,
    "ident": "gleanbot",
    # waitress refuses a body of max_request_body_size bytes or more: one more than the limit allows it.
    "max_request_body_size": MAX_BODY_BYTES + 1,
    "max_request_header_size": MAX_HEADER_BYTES,
    "connection_limit": CONNECTION_LIMIT,
    "channel_timeout": IDLE_CONNECTION_S,
}


def make_server(wsgi: WSGIApplication, *, host: str, port: int) -> Any:
    """A waitress server bound now (port 0 picks a free port: see `.effective_port`); call `.run()`."""
    return create_server(wsgi, host=host, port=port, **_LIMITS)


def serve_socket(wsgi: WSGIApplication, listener: socket.socket) -> None:
    """Serve on an already-listening socket (shared by every `gleanbot http` process) until killed."""
    create_server(wsgi, sockets=[listener], **_LIMITS).run()


def stop_server(server: Any) -> None:
    """Stop a waitress server running in another thread: its sockets are closed inside its own loop
    (closing them from outside races the loop's select), which then ends; queued requests finish first."""

    def close_all() -> None:
        for channel in list(server._map.values()):  # the listening socket, connections and the trigger
            channel.close()

    server.trigger.pull_trigger(close_all)
    server.task_dispatcher.shutdown()
