"""`gleanbot http`: one listening socket, served by one process or by N forked ones under a supervisor.

Python decides one event at a time per process (the GIL), so a burst beyond one core's worth of deciding
(about 250 events/s here) needs more processes. The supervisor binds the port, then forks
`GLEANBOT_HTTP_PROCESSES` listeners that accept on the same socket; the kernel hands each connection to one of
them. Each builds its own Bolt app, Redis and HTTP clients after the fork (nothing is shared but the socket),
dies with the supervisor (PDEATHSIG), and is started again if it exits on its own. Every listener spends the
same Redis-held budget and claims, so an event reaches Slack's answer once whichever process takes it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from types import FrameType
from typing import TYPE_CHECKING

from bot.app import build_app
from bot.http import make_wsgi_app, redis_health, serve_socket
from core.lifetime import STOP_SIGNALS, fork_child
from core.logs import log_event
from core.settings import Settings
from core.store import open_redis

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

__all__ = ["LISTEN_BACKLOG", "RESPAWN_DELAY_S", "run_http", "wsgi_app"]

log = logging.getLogger("gleanbot.http")

LISTEN_BACKLOG = 1024
"""Connections the kernel holds while every listener is busy: a burst waits here, not in a refusal."""
RESPAWN_DELAY_S = 1.0


def run_http(settings: Settings, *, host: str = "0.0.0.0") -> int:
    """Serve Slack's requests until stopped; return the exit status."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, settings.port))
    listener.listen(LISTEN_BACKLOG)
    log_event(log, "listening", port=listener.getsockname()[1], processes=settings.http_processes)
    if settings.http_processes <= 1:
        _serve(settings, listener)
        return 0
    return _Supervisor(settings, listener).run()


def wsgi_app(settings: Settings) -> WSGIApplication:
    """The whole HTTP app of one listener: Bolt behind the signature check, and the Redis health check."""
    health = redis_health(open_redis(settings.redis_url))
    return make_wsgi_app(build_app(settings), health, settings.slack_signing_secret or "")


def _serve(settings: Settings, listener: socket.socket) -> None:
    serve_socket(wsgi_app(settings), listener)


class _Supervisor:
    def __init__(self, settings: Settings, listener: socket.socket) -> None:
        self.settings = settings
        self.listener = listener
        self.children: set[int] = set()
        self.stopping = False

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            for _ in range(self.settings.http_processes):
                if not self.stopping:
                    self._spawn()
            while self.children:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                if pid in self.children:
                    self.children.discard(pid)
                    if not self.stopping:
                        code = os.waitstatus_to_exitcode(status)
                        log_event(log, "listener_restarted", logging.WARNING, status=code)
                        time.sleep(RESPAWN_DELAY_S)
                        self._spawn()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _spawn(self) -> None:
        fork_child(
            lambda: _serve(self.settings, self.listener), record=self.children.add, log=log, what="listener"
        )

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.children.discard(pid)
