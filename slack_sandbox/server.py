"""HTTP routing on loopback: `/api/<method>`, the `/files/` host and `/response/` URLs, on one threaded server."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .files import FileStore
from .responses import ResponseUrls
from .ui_api import UiApi
from .webapi import WebApi

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
FILES_PREFIX = "/files/"
RESPONSE_PREFIX = "/response/"
MAX_BODY_BYTES = 50 * 1024 * 1024


class SandboxServer:
    """A `ThreadingHTTPServer` on (host, free port) serving the sandbox in a daemon thread."""

    def __init__(
        self,
        host: str,
        api: WebApi,
        files: FileStore,
        responses: ResponseUrls,
        ui: UiApi | None = None,
        port: int = 0,
    ) -> None:
        handler = type(
            "SandboxHandler", (_Handler,), {"api": api, "files": files, "response_urls": responses, "ui": ui}
        )
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="slack-sandbox-http",
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        if ":" in host_text:
            host_text = f"[{host_text}]"
        return f"http://{host_text}:{port}/"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    api: WebApi
    files: FileStore
    response_urls: ResponseUrls
    ui: UiApi | None = None  # the browser UI at / and /_ui/ (see ui_api.py)
    server_version = "slack-sandbox"

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        body = self._read_body()
        if body is None:
            self._send(413, "application/json", b'{"ok":false,"error":"request_too_large"}')
            return
        content_type = self.headers.get("Content-Type", "")
        if path.startswith(API_PREFIX):
            method = path[len(API_PREFIX) :].strip("/")
            answer = self.api.handle(
                method, content_type, body, parts.query, self.headers.get("Authorization")
            )
            payload = json.dumps(answer.body).encode()
            self._send(answer.status, "application/json; charset=utf-8", payload, answer.headers)
        elif path.startswith(FILES_PREFIX) and self.command == "GET":
            file_answer = self.files.serve(path[len(FILES_PREFIX) :], self.headers.get("Authorization"))
            self._send(file_answer.status, file_answer.content_type, file_answer.body, file_answer.headers)
        elif path.startswith(RESPONSE_PREFIX) and self.command == "POST":
            status, reply = self.response_urls.post(path[len(RESPONSE_PREFIX) :], content_type, body)
            self._send(status, "application/json; charset=utf-8", json.dumps(reply).encode())
        elif self.ui is not None and self.ui.handles(path):
            headers = {k.lower(): v for k, v in self.headers.items()}
            ui_answer = self.ui.handle(self.command, path, parts.query, headers, body)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a tab closed mid long poll
                self._send(ui_answer.status, ui_answer.content_type, ui_answer.body, ui_answer.headers)
        elif path == "/":
            self._send(200, "text/plain; charset=utf-8", b"slack_sandbox: a local fake of Slack\n")
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _send(
        self, status: int, content_type: str, body: bytes, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        # Request lines can carry message text in query strings: keep them out of test output.
        log.debug("slack_sandbox http: " + format, *args)
