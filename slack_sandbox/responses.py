"""response_url endpoints for slash commands and interactivity, and how their posts show up in Slack.

A response_url takes up to 5 posts within 30 minutes. Each post is ephemeral to the invoking user unless
`response_type` is `in_channel`; `replace_original` / `delete_original` act on the message the interaction came
from (for a command: the last message this response_url produced). A command's immediate HTTP answer is
rendered the same way, which is how Slack shows `ack(text=...)`.
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from . import shapes
from .api_base import EmitHook
from .blocks import BlocksInvalid, validate_blocks
from .config import MAX_RESPONSE_URL_POSTS, MAX_TEXT_CHARS, RESPONSE_URL_TTL_S, SandboxConfig
from .holds import Holds
from .state import Message, Workspace

JsonDict = dict[str, Any]
ACK_WAIT_S = 5.0
"""How long a response_url post waits for its command's immediate answer (Slack's ack deadline is 3 s)."""


@dataclass
class Target:
    """Where an interaction happened and which message it came from (channel id, ts, is_ephemeral)."""

    channel: str
    user: str
    thread_ts: str | None = None
    original: tuple[str, str, bool] | None = None
    uses: int = 0
    created_at: float = 0.0
    acked: threading.Event | None = None
    """A command's target: set once its immediate HTTP answer is shown. Slack shows that answer before
    anything posted to the response_url, however quickly the app posts (the app has the URL before Slack
    has the answer)."""


class ResponseUrls:
    """Issues response_url ids and applies what the bot posts to them."""

    def __init__(self, config: SandboxConfig, ws: Workspace, emit: EmitHook) -> None:
        self._config = config
        self._ws = ws
        self._emit = emit
        self._lock = threading.Lock()
        self._targets: dict[str, Target] = {}
        self.base_url = ""
        self.holds = Holds()  # the sandbox's own, shared with the Web API; "response_url" names these posts

    def create(self, target: Target) -> str:
        """Register a target and return its URL."""
        token = secrets.token_urlsafe(18)
        target.created_at = time.monotonic()
        with self._lock:
            self._targets[token] = target
        return f"{self.base_url}{self._config.team_id}/{token}"

    def post(self, path: str, content_type: str, body: bytes) -> tuple[int, JsonDict]:
        """Handle POST /response/<team>/<token>; returns (HTTP status, JSON body)."""
        token = path.rsplit("/", 1)[-1]
        with self._lock:
            waiting = self._targets.get(token)
        if waiting is not None and waiting.acked is not None:
            waiting.acked.wait(ACK_WAIT_S)
        with self._lock:
            target = self._targets.get(token)
            if target is None:
                return 404, {"ok": False, "error": "invalid_url"}
            if time.monotonic() - target.created_at > RESPONSE_URL_TTL_S:
                return 404, {"ok": False, "error": "expired_url"}
            if target.uses >= MAX_RESPONSE_URL_POSTS:
                return 404, {"ok": False, "error": "used_url"}
            payload = _decode(content_type, body)
            if payload is None:
                return 400, {"ok": False, "error": "invalid_payload"}
            error = self.render(target, payload)
            if error:
                return 400, {"ok": False, "error": error}
            target.uses += 1
        hold = self.holds.take("response_url")
        if hold is not None:
            self.holds.keep(hold)  # shown; the app hears of it only once released
        return 200, {"ok": True}

    def render(self, target: Target, payload: JsonDict) -> str | None:
        """Apply one response payload; returns a Slack error code, or None when it was shown."""
        if _flag(payload.get("delete_original")):
            self._delete_original(target)
            return None
        text, blocks = payload.get("text"), payload.get("blocks")
        if (not isinstance(text, str) or not text) and not blocks:
            return "no_text"
        if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
            return "msg_too_long"
        if blocks is not None:
            try:
                validate_blocks(blocks)
            except BlocksInvalid as exc:
                return exc.error
            for block in blocks:
                block.setdefault("block_id", secrets.token_urlsafe(4))
        if _flag(payload.get("replace_original")) and self._replace_original(target, text, blocks):
            return None
        thread_ts = payload.get("thread_ts") or target.thread_ts
        with self._ws.lock:
            data = shapes.bot_message(self._config, self._ws.clock.next())
            data["text"] = text if isinstance(text, str) else ""
            if blocks:
                data["blocks"] = blocks
            if thread_ts:
                data["thread_ts"] = str(thread_ts)
            if payload.get("response_type") == "in_channel":
                message = self._ws.add_message(target.channel, data)
                target.original = (target.channel, message.ts, False)
                posted: Message | None = message
            else:
                data.pop("team", None)
                ephemeral = self._ws.add_ephemeral(target.channel, target.user, data)
                target.original = (target.channel, ephemeral.ts, True)
                posted = None
        if posted is not None:
            self._emit("posted", posted, None)
        return None

    def _original(self, target: Target) -> Message | None:
        if target.original is None:
            return None
        channel, ts, is_ephemeral = target.original
        return self._ws.get_ephemeral(channel, ts) if is_ephemeral else self._ws.get(channel, ts)

    def _replace_original(self, target: Target, text: Any, blocks: Any) -> bool:
        message = self._original(target)
        if message is None or (
            message.ephemeral_user is None and message.data.get("bot_id") != self._config.bot_id
        ):
            return False
        with self._ws.lock:
            previous = copy.deepcopy(message.data)
            message.data["text"] = text if isinstance(text, str) else ""
            if blocks:
                message.data["blocks"] = blocks
            else:
                message.data.pop("blocks", None)
        if message.ephemeral_user is None:
            self._emit("changed", message, previous)
        return True

    def _delete_original(self, target: Target) -> None:
        message = self._original(target)
        if message is None:
            return
        if message.ephemeral_user is not None:
            message.deleted = True
            return
        if message.data.get("bot_id") == self._config.bot_id:
            previous = copy.deepcopy(message.data)
            self._ws.delete(message)
            self._emit("deleted", message, previous)


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _decode(content_type: str, body: bytes) -> JsonDict | None:
    try:
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = dict(parse_qsl(body.decode()))
            decoded = json.loads(form.get("payload", "null"))
        else:
            decoded = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return decoded if isinstance(decoded, dict) else None
