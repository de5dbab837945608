"""Signed HTTP delivery to the bot: Events API envelopes, slash commands and interactivity payloads.

Every request carries `X-Slack-Request-Timestamp` and `X-Slack-Signature` (`v0=` HMAC-SHA256 of
`v0:{timestamp}:{body}` under the signing secret), as Slack sends them. Redeliveries add `X-Slack-Retry-Num` and
`X-Slack-Retry-Reason` and keep the envelope (and its `event_id`) unchanged. Each attempt is recorded as a
`Delivery`, including the ones that could not be sent. When a `SocketTransport` takes a request (Socket Mode), it
goes over the WebSocket instead and is recorded the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .config import SandboxConfig

JsonDict = dict[str, Any]
log = logging.getLogger(__name__)

MAX_SLACK_RETRIES = 3
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
# Loopback only: ignore any HTTP(S)_PROXY in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(secret: str, timestamp: int, body: str) -> str:
    """Slack's request signature for `body` sent at `timestamp` (seconds)."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    """One HTTP request Slack made to the bot, and what the bot answered.

    `status` is None when nothing was answered: no `bot_url` set, connection refused, or timeout (`error` says
    which). `payload` is the parsed request: the envelope for events, the form fields for commands, the
    `payload` JSON for interactivity. Over Socket Mode (`transport == "socket"`), `body` is the Socket Mode
    envelope sent, `headers` is empty, status 200 means acked, and `response_body` is the ack's `payload` as
    JSON ("" when the ack had none).
    """

    kind: str  # "event", "command", "action" or "url_verification"
    payload: JsonDict
    body: str
    headers: dict[str, str]
    status: int | None
    response_body: str
    response_headers: dict[str, str]
    error: str | None
    at: float = field(default_factory=time.monotonic)
    elapsed_s: float = 0.0
    retry_num: int | None = None
    transport: str = "http"  # "http" or "socket"
    envelope_id: str | None = None  # Socket Mode only

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def event_id(self) -> str | None:
        value = self.payload.get("event_id")
        return str(value) if value else None

    @property
    def event_type(self) -> str | None:
        event = self.payload.get("event")
        return str(event.get("type")) if isinstance(event, dict) else None

    def json(self) -> Any:
        """The bot's answer parsed as JSON (raises ValueError if it is not JSON)."""
        return json.loads(self.response_body)


class SocketTransport(Protocol):
    """Socket Mode, as the Deliverer sees it (implemented in socket_mode.py)."""

    def takes(self, kind: str, bot_url: str | None) -> bool: ...

    def deliver(
        self,
        kind: str,
        payload: JsonDict,
        retry_num: int | None,
        retry_reason: str | None,
        record: Callable[[Delivery], None],
    ) -> Delivery: ...


class Deliverer:
    """Posts signed requests to `bot_url`, synchronously or on a background thread, and keeps the record."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self.bot_url = config.bot_url
        self.socket: SocketTransport | None = None
        self._lock = threading.Lock()
        self._records: list[Delivery] = []
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._worker: threading.Thread | None = None

    def start(self) -> None:
        """Start the background thread that sends queued (echo) deliveries."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="slack-sandbox-delivery", daemon=True)
            self._worker.start()

    # ---- sending -----------------------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        body: str,
        content_type: str,
        payload: JsonDict,
        *,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Delivery:
        """POST once (plus Slack's automatic retries for events when `redeliver_failed` is on); or hand the
        request to Socket Mode when it takes it."""
        if self.socket is not None and self.socket.takes(kind, self.bot_url):
            return self.socket.deliver(kind, payload, retry_num, retry_reason, self._record)
        delivery = self._post_once(kind, body, content_type, payload, retry_num, retry_reason)
        attempt = retry_num or 0
        while (
            kind == "event"
            and self._config.redeliver_failed
            and not delivery.ok
            and self.bot_url
            and attempt < MAX_SLACK_RETRIES
            and delivery.response_headers.get("x-slack-no-retry") != "1"
        ):
            attempt += 1
            delivery = self._post_once(kind, body, content_type, payload, attempt, _retry_reason(delivery))
        return delivery

    def send_later(self, kind: str, body: str, content_type: str, payload: JsonDict) -> None:
        """Queue a send on the delivery thread (used for the bot's own messages, which Slack echoes back)."""
        with self._idle:
            self._pending += 1
        self._queue.put(lambda: self._run_send(kind, body, content_type, payload))

    def _run_send(self, kind: str, body: str, content_type: str, payload: JsonDict) -> None:
        try:
            self.send(kind, body, content_type, payload)
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _post_once(
        self,
        kind: str,
        body: str,
        content_type: str,
        payload: JsonDict,
        retry_num: int | None,
        retry_reason: str | None,
    ) -> Delivery:
        timestamp = int(time.time())
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(self._config.signing_secret, timestamp, body),
        }
        if retry_num:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        started = time.monotonic()
        status: int | None = None
        response_body = ""
        response_headers: dict[str, str] = {}
        error: str | None = None
        url = self.bot_url
        if not url:
            error = "no_bot_url"
        else:
            request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
            try:
                with _OPENER.open(request, timeout=self._config.delivery_timeout_s) as response:
                    status = response.status
                    response_body = response.read().decode("utf-8", "replace")
                    response_headers = {k.lower(): v for k, v in response.headers.items()}
            except urllib.error.HTTPError as exc:
                status = exc.code
                response_body = exc.read().decode("utf-8", "replace")
                response_headers = {k.lower(): v for k, v in exc.headers.items()}
            except TimeoutError:
                error = "http_timeout"
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                error = "http_timeout" if isinstance(reason, TimeoutError) else "connection_failed"
        delivery = Delivery(
            kind=kind,
            payload=payload,
            body=body,
            headers=headers,
            status=status,
            response_body=response_body,
            response_headers=response_headers,
            error=error,
            at=started,
            elapsed_s=time.monotonic() - started,
            retry_num=retry_num,
        )
        self._record(delivery)
        if error and error != "no_bot_url":
            log.warning("slack_sandbox: %s delivery to the bot failed: %s", kind, error)
        return delivery

    # ---- records and lifecycle ---------------------------------------------------------------------------

    def _record(self, delivery: Delivery) -> None:
        with self._lock:
            self._records.append(delivery)

    def records(self, kind: str | None = None) -> list[Delivery]:
        with self._lock:
            return [d for d in self._records if kind is None or d.kind == kind]

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until queued background deliveries are done; False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def close(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join(timeout=5)
            self._worker = None

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # keep the thread alive: one bad send must not stop later deliveries
                log.exception("slack_sandbox: background delivery crashed")


def _retry_reason(delivery: Delivery) -> str:
    if delivery.error:
        return delivery.error
    if delivery.status == 429:
        return "too_many_requests"
    return "http_error"
