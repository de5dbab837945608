"""HTTP mode: `POST /slack/events` (events, commands, interactivity) and `GET /healthz`, served by waitress."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import redis
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "EVENTS_PATH",
    "HEALTH_PATH",
    "make_server",
    "make_wsgi_app",
    "redis_health",
    "serve_socket",
    "stop_server",
]

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
WSGI_THREADS = 8
log = logging.getLogger("gleanbot.http")


def make_wsgi_app(app: App, health: Callable[[], dict[str, bool]]) -> WSGIApplication:
    """Route Slack's POSTs to Bolt (which verifies each signature) and answer health checks."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            checks = health()
            ok = all(checks.values())
            body = json.dumps({"ok": ok, **checks}).encode()
            start_response(
                "200 OK" if ok else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return wsgi


def redis_health(client: redis.Redis) -> Callable[[], dict[str, bool]]:
    """A health check that reports whether Redis (the queue and all state) answers."""

    def check() -> dict[str, bool]:
        try:
            return {"redis": bool(client.ping())}
        except redis.RedisError:
            return {"redis": False}

    return check


def make_server(wsgi: WSGIApplication, *, host: str, port: int) -> Any:
    """A waitress server bound now (port 0 picks a free port: see `.effective_port`); call `.run()`."""
    return create_server(wsgi, host=host, port=port, threads=WSGI_THREADS, ident="gleanbot")


def serve_socket(wsgi: WSGIApplication, listener: socket.socket) -> None:
    """Serve on an already-listening socket (shared by every `gleanbot http` process) until killed."""
    create_server(wsgi, sockets=[listener], threads=WSGI_THREADS, ident="gleanbot").run()


def stop_server(server: Any) -> None:
    """Stop a waitress server running in another thread: its sockets are closed inside its own loop
    (closing them from outside races the loop's select), which then ends; queued requests finish first."""

    def close_all() -> None:
        for channel in list(server._map.values()):  # the listening socket, connections and the trigger
            channel.close()

    server.trigger.pull_trigger(close_all)
    server.task_dispatcher.shutdown()
