"""Shared parts of the Web API handlers: the error type, argument access, context, and common checks."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .blocks import BlocksInvalid, validate_blocks
from .config import MAX_MARKDOWN_TEXT_CHARS, MAX_TEXT_CHARS, SandboxConfig
from .files import FileStore
from .state import Message, Workspace

JsonDict = dict[str, Any]


class ApiError(Exception):
    """A Slack error answer: `{"ok": false, "error": <code>, ...extra}` with HTTP `status` (200 like Slack)."""

    def __init__(
        self, error: str, *, status: int = 200, messages: list[str] | None = None, **extra: Any
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra: JsonDict = dict(extra)
        if messages:
            self.extra["response_metadata"] = {"messages": messages}

    def body(self) -> JsonDict:
        return {"ok": False, "error": self.error, **self.extra}


class Params:
    """Method arguments merged from the query string, form fields or JSON body.

    Form-encoded calls carry structured values (blocks, chunks, metadata) as JSON strings and booleans as
    "1"/"true"; JSON calls carry them natively. The accessors accept both, like Slack.
    """

    def __init__(self, data: JsonDict) -> None:
        self.data = data

    def text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else str(value)

    def required(self, name: str, error: str | None = None) -> str:
        value = self.text(name)
        if value is None:
            if error:
                raise ApiError(error)
            raise ApiError("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])
        return value

    def flag(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true", "yes") if value is not None else False

    def number(self, name: str, default: int, *, minimum: int = 1, maximum: int = 1000) -> int:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        try:
            return max(minimum, min(maximum, int(value)))
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments", messages=[f"[ERROR] {name} must be an integer"]) from None

    def structured(self, name: str, error: str) -> Any:
        """A JSON-valued argument (list/dict), decoding it when it came as a form string."""
        value = self.data.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise ApiError(error, messages=[f"[ERROR] {name} is not valid JSON"]) from None
        return value

    def required_structured(self, name: str) -> Any:
        """A JSON-valued argument that must be there, refused as Slack refuses a missing field."""
        value = self.structured(name, "invalid_arguments")
        if value is None:
            raise ApiError("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])
        return value


EmitHook = Callable[[str, Message, JsonDict | None], None]
"""Tells the sandbox the bot changed a visible message: ("posted"|"changed"|"deleted", message, previous)."""


@dataclass
class ApiContext:
    config: SandboxConfig
    ws: Workspace
    files: FileStore
    web_url: str
    emit: EmitHook

    def has_scope(self, scope: str) -> bool:
        return scope in self.config.bot_scopes

    def require_scope(self, *any_of: str) -> None:
        if any_of and not any(self.has_scope(s) for s in any_of):
            raise ApiError(
                "missing_scope", needed=",".join(any_of), provided=",".join(sorted(self.config.bot_scopes))
            )

    def conversation(self, ref: str | None, *, posting: bool = False) -> str:
        """Resolve a `channel` argument as the bot sees it (private conversations it is not in don't exist)."""
        if not ref:
            raise ApiError("channel_not_found")
        channel_id = self.ws.resolve_channel(ref)
        if channel_id is None and posting and ref in self.ws.users:
            channel_id = self.ws.ensure_im(ref)
        if channel_id is None:
            raise ApiError("channel_not_found")
        channel = self.ws.channels[channel_id]
        if not self.ws.is_member(channel_id, self.config.bot_user_id):
            if channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"):
                raise ApiError("channel_not_found")
            if posting and not self.has_scope("chat:write.public"):
                raise ApiError("not_in_channel")
        return channel_id

    def require_kind_scope(self, channel_id: str, suffix: str) -> None:
        """`channels:read`, `groups:history`, ... : the scope family follows the conversation kind."""
        kind = self.ws.channel_type(channel_id)
        family = {"channel": "channels", "group": "groups", "im": "im", "mpim": "mpim"}[kind]
        self.require_scope(f"{family}:{suffix}")

    def own_message(self, channel_id: str, ts: str | None, not_owned_error: str) -> Message:
        """A message the app posted (edits, deletes and streams only apply to those)."""
        message = self.ws.get(channel_id, ts) if ts else None
        if message is None:
            raise ApiError("message_not_found")
        if message.data.get("bot_id") != self.config.bot_id:
            raise ApiError(not_owned_error)
        return message


@dataclass
class Content:
    """Validated message content from text/blocks/markdown_text/attachments arguments."""

    text: str | None
    blocks: list[JsonDict] | None
    attachments: list[JsonDict] | None

    def apply(self, data: JsonDict) -> None:
        if self.text is not None:
            data["text"] = self.text
        if self.blocks is not None:
            data["blocks"] = self.blocks
        if self.attachments is not None:
            data["attachments"] = self.attachments


def message_content(p: Params) -> Content:
    """Check content the way chat.postMessage/update/postEphemeral do; raises ApiError with Slack's codes."""
    text = p.text("text")
    markdown_text = p.text("markdown_text")
    blocks = p.structured("blocks", "invalid_blocks_format")
    attachments = p.structured("attachments", "invalid_attachments")
    if markdown_text is not None:
        if text is not None or blocks:
            raise ApiError("markdown_text_conflict")
        if len(markdown_text) > MAX_MARKDOWN_TEXT_CHARS:
            raise ApiError("msg_too_long")
        blocks = [{"type": "markdown", "text": markdown_text}]
        text = markdown_text
    if text is not None and len(text) > MAX_TEXT_CHARS:
        raise ApiError("msg_too_long")
    if blocks is not None:
        checked_blocks(blocks)
    if attachments is not None and not isinstance(attachments, list):
        raise ApiError("invalid_attachments")
    if text is None and not blocks and not attachments:
        raise ApiError("no_text")
    return Content(text=text, blocks=blocks, attachments=attachments)


def checked_blocks(blocks: Any) -> list[JsonDict]:
    """Validate blocks and give each a `block_id` (Slack assigns one when the app did not)."""
    try:
        validate_blocks(blocks)
    except BlocksInvalid as exc:
        raise ApiError(exc.error, messages=exc.messages) from None
    for block in blocks:
        block.setdefault("block_id", secrets.token_urlsafe(4))
    return list(blocks)


def page(items: list[Any], p: Params, default_limit: int) -> tuple[list[Any], str]:
    """Cursor pagination: returns (this page, next_cursor or "")."""
    limit = p.number("limit", default_limit, maximum=999)
    offset = 0
    cursor = p.text("cursor")
    if cursor:
        try:
            offset = int(base64.b64decode(cursor).decode().removeprefix("offset:"))
        except (ValueError, UnicodeDecodeError):
            raise ApiError("invalid_cursor") from None
    chunk = items[offset : offset + limit]
    more = offset + limit < len(items)
    next_cursor = base64.b64encode(f"offset:{offset + limit}".encode()).decode() if more else ""
    return chunk, next_cursor


def without_channel(message: Message, *, metadata: bool = True) -> JsonDict:
    """A message as the Web API returns it (no `channel` key inside)."""
    data = message.public()
    data.pop("channel", None)
    if not metadata:
        data.pop("metadata", None)
    return data
