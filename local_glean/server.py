"""The HTTP server (stdlib, HTTP/1.1 keep-alive, chunked streaming) and `LocalGlean`, its start/stop handle.

Why the stdlib server: no dependency, one thread per connection is plenty for a developer laptop or a
test suite, and writing a chunk and flushing it per NDJSON line is direct, so streaming is real.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .app import API_PREFIX, dispatch
from .config import LocalGleanConfig
from .faults import GARBAGE_LINE
from .service import Service
from .wire import TEXT_TYPE, ApiError, Request, Response

log = logging.getLogger("local_glean")

IDLE_CONNECTION_TIMEOUT_S = 120  # a keep-alive connection with no request for this long is closed
_CHUNK_LINE_MAX = 1024
SHUTDOWN_POLL_S = 0.05


class _BodyTooLarge(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "local_glean"
    timeout = IDLE_CONNECTION_TIMEOUT_S
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (~40 ms per response on keep-alive connections). Streamed lines must not wait.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        # The stdlib logs the request line, which holds no token or body; route it to logging.
        log.debug("%s " + format, self.address_string(), *args)

    def _limit(self, path: str) -> int:
        config = self.server.service.config
        if path == API_PREFIX + "uploadchatfiles":
            return config.max_upload_request_bytes
        return config.max_json_bytes

    def _read_body(self, limit: int) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = bytearray()
            while True:
                size_line = self.rfile.readline(_CHUNK_LINE_MAX)
                try:
                    size = int(size_line.split(b";")[0].strip(), 16)
                except ValueError as exc:
                    raise ApiError(400, "Malformed chunked request body.") from exc
                if size == 0:
                    while self.rfile.readline(_CHUNK_LINE_MAX) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return bytes(body)
                if len(body) + size > limit:
                    raise _BodyTooLarge
                body += self.rfile.read(size)
                self.rfile.readline(_CHUNK_LINE_MAX)
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
        except ValueError as exc:
            raise ApiError(400, "Invalid Content-Length.") from exc
        if length < 0:
            raise ApiError(400, "Invalid Content-Length.")
        if length > limit:
            raise _BodyTooLarge
        return self.rfile.read(length)

    def _serve(self) -> None:
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=b"",
        )
        try:
            limit = self._limit(url.path)
            try:
                request.body = self._read_body(limit)
            except _BodyTooLarge:
                self.close_connection = True  # the unread body makes the connection unusable
                raise ApiError(413, f"Request body too large (limit {limit} bytes).") from None
            response = dispatch(self.server.service, request)
        except ApiError as exc:
            if exc.status >= 400 and exc.status != 408:
                log.info(
                    "%s %s -> %d %s", request.method, request.path, exc.status, exc.reason.splitlines()[0]
                )
            if exc.status == 400 and exc.reason.startswith(("Malformed chunked", "Invalid Content-Length")):
                self.close_connection = True
            response = exc.response()
        except Exception:
            log.exception("internal error on %s %s", request.method, request.path)
            response = Response(500, b"Internal error in local_glean (see its log).\n", TEXT_TYPE)
        try:
            self._write(response, request)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away mid-answer; nothing left to do

    def _write(self, response: Response, request: Request) -> None:
        streamed = response.stream is not None
        chunked = streamed and self.request_version != "HTTP/1.0"  # 1.0 clients read until close
        if streamed and not chunked:
            self.close_connection = True
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        if response.stream is None:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
            return
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        observer = self.server.service.config.on_stream_line
        try:
            for number, chunk in enumerate(response.stream):
                if request.truncate_after_lines is not None and number >= request.truncate_after_lines:
                    # Injected fault: drop the connection mid-stream, without the final empty chunk.
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if number == request.garbage_after_lines:
                    # Injected fault: a line a proxy or a broken server might send, then the stream goes on.
                    chunk = GARBAGE_LINE + chunk
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                self.wfile.flush()
                if observer is not None:
                    observer(request.path, chunk)
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception:
            # Headers are out, so no status can change: end the connection and the stream with it.
            log.exception("internal error while streaming %s %s", request.method, request.path)
            self.close_connection = True
            return
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() closes the connections itself instead of waiting for idle clients
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: Service) -> None:
        self.service = service
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class LocalGlean:
    """A running local_glean: `server = LocalGlean(config).start()`, then `server.url`, `server.stop()`.

    Also a context manager: `with LocalGlean(config) as server: ...`.
    """

    def __init__(self, config: LocalGleanConfig) -> None:
        self.config = config
        self.service: Service | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:54321 (API under /rest/api/v1/)."""
        if self.service is None:
            raise RuntimeError("local_glean is not started")
        return self.service.base_url

    base_url = url

    def bind(self) -> str:
        """Open the data folder, index the docs and bind the port; returns the base URL."""
        self.service = Service(self.config)
        try:
            self._server = _Server((self.config.host, self.config.port), self.service)
        except BaseException:
            self.service.close()
            raise
        host, port = self._server.server_address[:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else str(host)
        self.service.set_base_url(f"http://{shown}:{port}")
        return self.service.base_url

    def start(self) -> LocalGlean:
        """Bind and serve in a background thread; returns self (read `.url`)."""
        self.bind()
        assert self._server is not None
        # A short poll interval makes stop() quick (shutdown() waits for the serving loop to notice).
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(SHUTDOWN_POLL_S,), name="local_glean", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Bind (if needed) and serve in this thread until interrupted."""
        if self._server is None:
            self.bind()
        assert self._server is not None
        try:
            self._server.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            if self._thread is not None:
                server.shutdown()
                self._thread.join(timeout=5)
                self._thread = None
            server.close_connections()
            server.server_close()
        if self.service is not None:
            self.service.close()

    def __enter__(self) -> LocalGlean:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
