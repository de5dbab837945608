"""`Sandbox`: the one fake of Slack. Starts the loopback server, acts as users, and shows what the bot did."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .api_base import ApiContext
from .config import SandboxConfig
from .delivery import Deliverer, Delivery
from .directory import add_channel, add_user, seed
from .events import EventSource
from .files import FileStore
from .interactive import Interactions
from .people import People
from .ratelimit import RateLimiter
from .responses import ResponseUrls
from .server import SandboxServer
from .socket_mode import SocketMode
from .state import Workspace
from .ui_api import UiApi
from .ui_view import UiParts
from .webapi import Call, WebApi

JsonDict = dict[str, Any]
T = TypeVar("T")


class Sandbox:
    """A Slack workspace on loopback. See `notes/slack_sandbox_contract.md` for the contract."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.ws = Workspace(self.config)
        self._files = FileStore(self.config)
        self._limiter = RateLimiter(self.config.rate_limits)
        self._deliverer = Deliverer(self.config)
        self._events = EventSource(self.config, self.ws, self._deliverer)
        self._responses = ResponseUrls(self.config, self.ws, self._events.bot_change)
        self._ctx = ApiContext(self.config, self.ws, self._files, web_url="", emit=self._events.bot_change)
        self._api = WebApi(self._ctx, self._limiter)
        self.holds = self._responses.holds = self._api.holds  # replies held once applied: holds.py
        self._interactions = Interactions(self.config, self.ws, self._deliverer, self._responses)
        self._server: SandboxServer | None = None
        self.socket_mode = SocketMode(self.config, self._deliverer, self._api)  # Socket Mode: socket_mode.py
        self.people = People(
            self.config,
            self.ws,
            self._files,
            self._events,
            self._interactions,
            started=lambda: self._server is not None,
        )
        self._ui = UiApi(
            UiParts(self.config, self.ws, self._files, self.people, self._limiter, self._deliverer)
        )
        seed(self.config, self.ws)

    # ---- lifecycle and addresses ------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is None:
            self._server = SandboxServer(
                self.config.host, self._api, self._files, self._responses, self._ui, self.config.port
            )
            base = self._server.base_url
            self._ctx.web_url = base
            self._files.base_url = f"{base}files/"
            self._files.web_url = base
            self._responses.base_url = f"{base}response/"
            self._server.start()
            self.socket_mode.start()
            self._deliverer.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._api.holds.release_all()
            self._ui.close()
            self.socket_mode.stop()
            self._deliverer.close()
            self._server.stop()
            self._server = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("Sandbox.start() first: the port is chosen when the server binds")
        return self._server.base_url

    @property
    def api_url(self) -> str:
        """For `WebClient(base_url=sb.api_url)`."""
        return f"{self.base_url}api/"

    @property
    def files_url(self) -> str:
        return f"{self.base_url}files/"

    @property
    def bot_url(self) -> str | None:
        return self._deliverer.bot_url

    def set_bot_url(self, url: str | None) -> None:
        """Where events, commands and actions are POSTed (the app's Request URL)."""
        self._deliverer.bot_url = url

    # ---- workspace setup --------------------------------------------------------------------------------
    def add_user(self, user_id: str, **fields: Any) -> JsonDict:
        """Add a person (see `directory.add_user` for the fields)."""
        return add_user(self.config, self.ws, user_id, **fields)

    def add_channel(self, channel_id: str, **fields: Any) -> JsonDict:
        """Add a conversation (see `directory.add_channel` for the fields)."""
        return add_channel(self.config, self.ws, channel_id, **fields)

    # ---- users acting -----------------------------------------------------------------------------------
    def post_message(
        self,
        user: str,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        files: Iterable[str | JsonDict] | None = None,
        *,
        blocks: list[JsonDict] | None = None,
    ) -> JsonDict:
        """A user posts; delivers `message` (and `app_mention` for `<@BOT>`) and returns the message."""
        return self.people.post_message(user, channel, text, thread_ts, files, blocks=blocks)

    def create_file(
        self, user: str, name: str, content: bytes, mimetype: str | None = None, title: str | None = None
    ) -> JsonDict:
        return self.people.create_file(user, name, content, mimetype, title)

    def upload_file(
        self,
        user: str,
        channel: str,
        name: str,
        content: bytes,
        mimetype: str | None = None,
        text: str = "",
        thread_ts: str | None = None,
        title: str | None = None,
    ) -> JsonDict:
        """A user shares a file: a `file_share` message event with `files[]`. Returns the message."""
        return self.people.upload_file(user, channel, name, content, mimetype, text, thread_ts, title)

    def edit_message(self, user: str, channel: str, ts: str, text: str) -> JsonDict:
        return self.people.edit_message(user, channel, ts, text)

    def slash_command(self, user: str, channel: str, command: str, text: str = "") -> Delivery:
        return self.people.slash_command(user, channel, command, text)

    def click(
        self, user: str, channel: str, message_ts: str, action_id: str, value: str | None = None
    ) -> Delivery:
        return self.people.click(user, channel, message_ts, action_id, value)

    def response_url(self, channel: str, user: str, thread_ts: str | None = None) -> str:
        """A fresh response_url for `user` in `channel`, for hand-made payloads (see `deliver_action`)."""
        return self._interactions.response_url(self.ws.require_channel(channel), user, thread_ts)

    def deliver_action(self, payload: JsonDict) -> Delivery:
        """Sign and POST a raw interactivity payload as-is, e.g. a forged click Slack would never send."""
        return self._interactions.deliver_action(payload)

    # ---- raw events ---------------------------------------------------------------------------------------

    def deliver(
        self, event_payload: JsonDict, retry_num: int | None = None, retry_reason: str | None = None
    ) -> Delivery:
        """Sign and POST an envelope as-is (a bare `event` dict gets a fresh envelope)."""
        return self._events.deliver_raw(event_payload, retry_num, retry_reason)

    def redeliver_last(self, reason: str = "http_timeout", *, event_type: str | None = None) -> Delivery:
        """Slack's retry of the last event envelope sent (optionally the last of one event type)."""
        return self._events.redeliver_last(reason, event_type)

    def redeliver(self, event_id: str, reason: str = "http_timeout") -> Delivery:
        return self._events.redeliver(event_id, reason)

    def verify_url(self) -> bool:
        """Slack's `url_verification` handshake against `bot_url`: True if the challenge came back."""
        return self._events.verify_url()

    # ---- reading what happened --------------------------------------------------------------------------

    def messages(
        self, channel: str, thread_ts: str | None = None, *, include_replies: bool = False
    ) -> list[JsonDict]:
        """Visible messages, oldest first: the thread (parent first) if `thread_ts`, else the channel level."""
        channel_id = self.ws.require_channel(channel)
        found = (
            self.ws.thread(channel_id, thread_ts)
            if thread_ts
            else self.ws.history(channel_id, include_replies)
        )
        return [m.public() for m in found]

    def message(self, channel: str, ts: str) -> JsonDict | None:
        found = self.ws.get(self.ws.require_channel(channel), ts)
        return found.public() if found else None

    def stream_state(self, channel: str, ts: str) -> str | None:
        """ "streaming" or "stopped" for a streamed message, None otherwise."""
        found = self.ws.get(self.ws.require_channel(channel), ts)
        return found.stream_state if found else None

    def stream_chunks(self, channel: str, ts: str) -> list[JsonDict]:
        """Task/plan chunks of a streamed message (latest state of each task id), for UIs and tests."""
        found = self.ws.get(self.ws.require_channel(channel), ts)
        with self.ws.lock:
            return copy.deepcopy(found.chunks) if found else []

    def ephemerals(self, channel: str, user: str) -> list[JsonDict]:
        return [m.public() for m in self.ws.ephemerals(self.ws.require_channel(channel), user)]

    def thread_status(self, channel: str, thread_ts: str) -> JsonDict | None:
        """The assistant status shown under a thread ("is thinking..."), or None once cleared."""
        with self.ws.lock:
            found = self.ws.statuses.get((self.ws.require_channel(channel), thread_ts))
            return copy.deepcopy(found) if found else None

    def file(self, file_id: str) -> JsonDict | None:
        return self._files.get(file_id)

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes of an uploaded file (what `url_private` serves to the bot)."""
        return self._files.content(file_id)

    def calls(self, method: str | None = None) -> list[Call]:
        return self._api.calls(method)

    def clear_calls(self) -> None:
        self._api.clear_calls()

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Every request sent to the bot ("event", "command", "action", "url_verification"), oldest first."""
        return self._deliverer.records(kind)

    def events(self, event_type: str | None = None) -> list[JsonDict]:
        """Event envelopes sent (first attempt only; redeliveries are in `deliveries()`)."""
        first = [d for d in self._deliverer.records("event") if not d.retry_num]
        return [copy.deepcopy(d.payload) for d in first if event_type is None or d.event_type == event_type]

    @property
    def server_errors(
        self,
    ) -> list[str]:  # crashes inside the sandbox (HTTP 500): tests assert it stays empty
        return list(self._api.server_errors)

    def wait_for(self, predicate: Callable[[], T], timeout_s: float = 10.0, interval_s: float = 0.02) -> T:
        """Poll until `predicate()` is truthy and return its value; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout_s
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {timeout_s} s")
            time.sleep(interval_s)

    def wait_for_deliveries(self, timeout_s: float = 5.0) -> bool:
        """Wait for background deliveries (the bot's own messages echoed back) to finish."""
        return self._deliverer.wait_idle(timeout_s)

    # ---- rate limits and failures (and held replies: `holds`) ------------------------------------------
    @property
    def rate_limits(self) -> bool:
        return self._limiter.enabled

    @rate_limits.setter
    def rate_limits(self, enabled: bool) -> None:
        self._limiter.enabled = enabled

    def set_rate_limit(self, method: str, per_minute: float | None, burst: int | None = None) -> None:
        """Limit one method (applies even with `rate_limits` off); `None` removes the override."""
        self._limiter.set_limit(method, per_minute, burst)

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        count: int = 1,
        retry_after_s: int = 1,
        status: int | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` with `error` (429 + Retry-After for "ratelimited")."""
        http_status = status if status is not None else (429 if error == "ratelimited" else 200)
        self._limiter.fail_next(method, error, count, retry_after_s, http_status)
