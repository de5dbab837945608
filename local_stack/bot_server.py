"""The bot in this process: `build_app`, served over HTTP on loopback by the same functions `gleanbot http` uses."""

from __future__ import annotations

import threading
from typing import Any

from bot.http import EVENTS_PATH, make_server, stop_server
from bot.serve import wsgi_app
from core.settings import Settings

__all__ = ["BotServer"]

STOP_TIMEOUT_S = 10.0


class BotServer:
    """`BotServer(settings).start()`, then `events_url`; `stop()` ends the server and its thread."""

    def __init__(self, settings: Settings, *, host: str = "127.0.0.1") -> None:
        self.settings = settings
        self.host = host
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> BotServer:
        self._server = make_server(wsgi_app(self.settings), host=self.host, port=0)
        self._thread = threading.Thread(target=self._server.run, name="gleanbot-http", daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}{EVENTS_PATH}"

    def stop(self) -> None:
        if self._server is not None:
            stop_server(self._server)
            self._server = None
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_S)
            self._thread = None
