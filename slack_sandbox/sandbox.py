"""`Sandbox`: the one fake of Slack. Starts the loopback server, acts as users, and shows what the bot did."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from . import shapes
from .api_base import ApiContext
from .config import SandboxConfig
from .delivery import Deliverer, Delivery
from .events import EventSource
from .files import FileStore
from .interactive import Interactions
from .ratelimit import RateLimiter
from .responses import ResponseUrls
from .server import SandboxServer
from .socket_mode import SocketMode
from .state import Workspace
from .ui_api import UiApi
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
        self._interactions = Interactions(self.config, self.ws, self._deliverer, self._responses)
        self._server: SandboxServer | None = None
        self.socket_mode = SocketMode(self.config, self._deliverer, self._api)  # Socket Mode: socket_mode.py
        self._ui = UiApi(self)
        self._seed()

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

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "America/Los_Angeles",
        tz_label: str = "Pacific Daylight Time",
        tz_offset: int = -25200,
        is_bot: bool = False,
        team_id: str | None = None,
    ) -> JsonDict:
        short = name or user_id.removeprefix("U_").lower()
        user = shapes.user_object(
            self.config,
            user_id=user_id,
            name=short,
            real_name=real_name or short.title(),
            email=email,
            tz=tz,
            tz_label=tz_label,
            tz_offset=tz_offset,
            is_bot=is_bot,
            team_id=team_id,
        )
        self.ws.add_user(user)
        return copy.deepcopy(user)

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_private: bool = False,
        is_im: bool = False,
        is_mpim: bool = False,
        is_ext_shared: bool = False,
        members: Iterable[str] | None = None,
        bot_is_member: bool = True,
        user: str | None = None,
    ) -> JsonDict:
        """Add a conversation. `members` are users (default: every human for a public channel); for an IM,
        `user` is the human on the other side."""
        if is_im and not user:
            raise ValueError("an IM needs `user`")
        people = set(members) if members is not None else set()
        if members is None and not (is_private or is_im or is_mpim):
            people = {
                u
                for u, data in self.ws.users.items()
                if not data["is_bot"] and data["team_id"] == self.config.team_id
            }
        if is_im and user:
            people.add(user)
        if bot_is_member:
            people.add(self.config.bot_user_id)
        channel = shapes.conversation_object(
            channel_id=channel_id,
            name=None if is_im else (name or channel_id.split("_", 1)[-1].lower()),
            is_private=is_private,
            is_im=is_im,
            is_mpim=is_mpim,
            is_ext_shared=is_ext_shared,
            im_user=user,
            creator=user or "U_ALICE",
        )
        self.ws.add_channel(channel, people)
        return copy.deepcopy(channel)

    def _seed(self) -> None:
        self.add_user(self.config.bot_user_id, name=self.config.bot_name, real_name="Glean Bot", is_bot=True)
        self.add_user("U_ALICE", email="alice@example.com")
        self.add_user(
            "U_BOB",
            email="bob@example.com",
            tz="America/New_York",
            tz_label="Eastern Daylight Time",
            tz_offset=-14400,
        )
        self.add_user(
            "U_EXT",
            name="carol",
            email="carol@partner.example",
            tz="Europe/London",
            tz_label="British Summer Time",
            tz_offset=3600,
            team_id="T0PARTNER",
        )
        self.add_channel("C_GENERAL", name="general", members=["U_ALICE", "U_BOB"])
        self.add_channel("G_PRIVATE", name="private", is_private=True, members=["U_ALICE"])
        self.add_channel("C_SHARED", name="shared", is_ext_shared=True, members=["U_ALICE", "U_EXT"])
        self.add_channel("D_ALICE", is_im=True, user="U_ALICE")

    # ---- users acting -----------------------------------------------------------------------------------

    def _channel_for(self, user: str, channel: str) -> str:
        if user not in self.ws.users:
            raise ValueError(f"unknown user {user}")
        channel_id = self.ws.resolve_channel(channel)
        if channel_id is None:
            raise ValueError(f"unknown channel {channel}")
        if not self.ws.is_member(channel_id, user):
            if self.ws.channels[channel_id].get("is_private"):
                raise ValueError(f"{user} is not in {channel_id}")
            with self.ws.lock:
                self.ws.members[channel_id].add(user)  # joining a public channel is free
        return channel_id

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
        channel_id = self._channel_for(user, channel)
        kind = self.ws.channel_type(channel_id)
        with self.ws.lock:
            data = shapes.user_message(
                self.config,
                user=user,
                text=text,
                ts=self.ws.clock.next(),
                team=self.ws.users[user]["team_id"],
            )
            if blocks is not None:
                data["blocks"] = blocks
            if thread_ts:
                data["thread_ts"] = thread_ts
            shared = [self._files.share(_file_id(f), channel_id, kind) for f in files or ()]
            if shared:
                data.update(
                    {"subtype": "file_share", "files": shared, "upload": False, "display_as_bot": False}
                )
            message = self.ws.add_message(channel_id, data)
        self._events.user_message(message)
        return message.public()

    def create_file(
        self, user: str, name: str, content: bytes, mimetype: str | None = None, title: str | None = None
    ) -> JsonDict:
        """Store a file on the file host (not shared anywhere yet) and return its Slack file object."""
        if self._server is None:
            raise RuntimeError("Sandbox.start() first: file URLs need the server's port")
        return self._files.add(
            file_id=self.ws.new_id("F"), user=user, name=name, content=content, mimetype=mimetype, title=title
        )

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
        file = self.create_file(user, name, content, mimetype, title)
        return self.post_message(user, channel, text, thread_ts=thread_ts, files=[file["id"]])

    def edit_message(self, user: str, channel: str, ts: str, text: str) -> JsonDict:
        """A user edits their message: Slack sends a `message_changed` event."""
        channel_id = self._channel_for(user, channel)
        message = self.ws.get(channel_id, ts)
        if message is None or message.data.get("user") != user:
            raise ValueError(f"{user} has no message {ts} in {channel_id}")
        with self.ws.lock:
            previous = copy.deepcopy(message.data)
            edited_ts = self.ws.clock.next()
            message.data.update({"text": text, "blocks": shapes.rich_text_blocks(text)})
            message.data["edited"] = {"user": user, "ts": edited_ts}
        self._events.user_edit(message, previous, edited_ts)
        return message.public()

    def slash_command(self, user: str, channel: str, command: str, text: str = "") -> Delivery:
        """Run `/command text`: a signed form POST; an immediate answer body is shown like Slack shows it."""
        return self._interactions.slash_command(user, self._channel_for(user, channel), command, text)

    def click(
        self, user: str, channel: str, message_ts: str, action_id: str, value: str | None = None
    ) -> Delivery:
        """Click an interactive element of a message the user can see: a signed `block_actions` POST.

        Raises ValueError if the user cannot see that message or it has no element with `action_id`.
        """
        return self._interactions.click(user, self._channel_for(user, channel), message_ts, action_id, value)

    def response_url(self, channel: str, user: str, thread_ts: str | None = None) -> str:
        """A fresh response_url for `user` in `channel`, for hand-made payloads (see `deliver_action`)."""
        return self._interactions.response_url(self._resolve(channel), user, thread_ts)

    def deliver_action(self, payload: JsonDict) -> Delivery:
        """Sign and POST a raw interactivity payload as-is, e.g. a forged click Slack would never send."""
        return self._interactions.deliver_action(payload)

    # ---- raw events ---------------------------------------------------------------------------------------

    def deliver(
        self, event_payload: JsonDict, retry_num: int | None = None, retry_reason: str | None = None
    ) -> Delivery:
        """Sign and POST an envelope as-is (a bare `event` dict gets a fresh envelope)."""
        is_envelope = event_payload.get("type") in ("event_callback", "url_verification")
        envelope = event_payload if is_envelope else self._events.wrap_bare(event_payload)
        return self._events.send(envelope, retry_num=retry_num, retry_reason=retry_reason)

    def redeliver_last(self, reason: str = "http_timeout", *, event_type: str | None = None) -> Delivery:
        """Slack's retry of the last event envelope sent (optionally the last of one event type)."""
        for delivery in reversed(self._deliverer.records("event")):
            if delivery.event_id and (event_type is None or delivery.event_type == event_type):
                return self._events.redeliver(delivery.event_id, reason)
        raise LookupError("no event has been delivered yet")

    def redeliver(self, event_id: str, reason: str = "http_timeout") -> Delivery:
        return self._events.redeliver(event_id, reason)

    def verify_url(self) -> bool:
        """Slack's `url_verification` handshake against `bot_url`: True if the challenge came back."""
        challenge = shapes.trigger_id()
        delivery = self.deliver(
            {"token": self.config.verification_token, "challenge": challenge, "type": "url_verification"}
        )
        return delivery.ok and challenge in delivery.response_body

    # ---- reading what happened --------------------------------------------------------------------------

    def _resolve(self, channel: str) -> str:
        channel_id = self.ws.resolve_channel(channel)
        if channel_id is None:
            raise ValueError(f"unknown channel {channel}")
        return channel_id

    def messages(
        self, channel: str, thread_ts: str | None = None, *, include_replies: bool = False
    ) -> list[JsonDict]:
        """Visible messages, oldest first: the thread (parent first) if `thread_ts`, else the channel level."""
        channel_id = self._resolve(channel)
        found = (
            self.ws.thread(channel_id, thread_ts)
            if thread_ts
            else self.ws.history(channel_id, include_replies)
        )
        return [m.public() for m in found]

    def message(self, channel: str, ts: str) -> JsonDict | None:
        found = self.ws.get(self._resolve(channel), ts)
        return found.public() if found else None

    def stream_state(self, channel: str, ts: str) -> str | None:
        """ "streaming" or "stopped" for a streamed message, None otherwise."""
        found = self.ws.get(self._resolve(channel), ts)
        return found.stream_state if found else None

    def stream_chunks(self, channel: str, ts: str) -> list[JsonDict]:
        """Task/plan chunks of a streamed message (latest state of each task id), for UIs and tests."""
        found = self.ws.get(self._resolve(channel), ts)
        with self.ws.lock:
            return copy.deepcopy(found.chunks) if found else []

    def ephemerals(self, channel: str, user: str) -> list[JsonDict]:
        return [m.public() for m in self.ws.ephemerals(self._resolve(channel), user)]

    def thread_status(self, channel: str, thread_ts: str) -> JsonDict | None:
        """The assistant status shown under a thread ("is thinking..."), or None once cleared."""
        with self.ws.lock:
            found = self.ws.statuses.get((self._resolve(channel), thread_ts))
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
    def server_errors(self) -> list[str]:
        """Crashes inside the sandbox (answered as HTTP 500); a test can assert this stays empty."""
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

    # ---- rate limits and failures -----------------------------------------------------------------------

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


def _file_id(file: str | JsonDict) -> str:
    return file if isinstance(file, str) else str(file["id"])
