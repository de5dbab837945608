"""The streaming chunks of chat.startStream/appendStream/stopStream, each checked as Slack checks it.

From docs.slack.dev (chat.startStream, chat.appendStream, and the task/plan chunk types of slack-sdk 3.40+):
`markdown_text` {text}; `task_update` {id, title, status in pending/in_progress/complete/error, details?,
output? (each at most 256 characters), sources? (url elements: {type: url, url, text})}; `plan_update` {title};
`blocks` {blocks}. `task_display_mode` on chat.startStream is `timeline` (the default) or `plan`.
"""

from __future__ import annotations

from typing import Any

from .api_base import ApiError, JsonDict, checked_blocks
from .config import MAX_MARKDOWN_TEXT_CHARS

__all__ = ["CHUNK_TYPES", "TASK_DISPLAY_MODES", "TASK_STATUSES", "checked_chunks"]

CHUNK_TYPES = frozenset({"markdown_text", "task_update", "plan_update", "blocks"})
TASK_STATUSES = frozenset({"pending", "in_progress", "complete", "error"})
TASK_DISPLAY_MODES = frozenset({"timeline", "plan"})
TASK_TEXT_MAX_CHARS = 256
"""A task's `details` and `output`: at most 256 characters each."""
_FIELDS = {
    "markdown_text": ({"text"}, set()),
    "task_update": ({"id", "title", "status"}, {"details", "output", "sources"}),
    "plan_update": ({"title"}, set()),
    "blocks": ({"blocks"}, set()),
}


def _invalid(index: int, detail: str) -> ApiError:
    return ApiError("invalid_chunks", messages=[f"[ERROR] {detail} [json-pointer:/chunks/{index}]"])


def _text(chunk: JsonDict, index: int, name: str, *, max_chars: int | None = None) -> None:
    value = chunk.get(name)
    if not isinstance(value, str) or (name != "text" and not value.strip()):
        raise _invalid(index, f"missing {name}")
    if max_chars is not None and len(value) > max_chars:
        raise _invalid(index, f"{name} must be at most {max_chars} characters")


def _sources(value: Any, index: int) -> None:
    if not isinstance(value, list):
        raise _invalid(index, "sources must be an array")
    for source in value:
        if not isinstance(source, dict) or source.get("type") != "url":
            raise _invalid(index, "each source is a url element")
        if not all(isinstance(source.get(k), str) and source[k] for k in ("url", "text")):
            raise _invalid(index, "a url source needs url and text")


def _checked(chunk: Any, index: int) -> None:
    if not isinstance(chunk, dict) or chunk.get("type") not in CHUNK_TYPES:
        raise _invalid(index, "unsupported chunk")
    kind = chunk["type"]
    required, optional = _FIELDS[kind]
    unknown = set(chunk) - required - optional - {"type"}
    if unknown:
        raise _invalid(index, f"unknown field {sorted(unknown)[0]}")
    if kind == "markdown_text":
        _text(chunk, index, "text")
        if len(chunk["text"]) > MAX_MARKDOWN_TEXT_CHARS:
            raise ApiError("msg_too_long")
    elif kind == "blocks":
        checked_blocks(chunk.get("blocks"))
    elif kind == "plan_update":
        _text(chunk, index, "title")
    else:
        _text(chunk, index, "id")
        _text(chunk, index, "title")
        if chunk.get("status") not in TASK_STATUSES:
            raise _invalid(index, "status must be one of pending, in_progress, complete, error")
        for name in ("details", "output"):
            if chunk.get(name) is not None:
                _text(chunk, index, name, max_chars=TASK_TEXT_MAX_CHARS)
        if chunk.get("sources") is not None:
            _sources(chunk["sources"], index)


def checked_chunks(chunks: Any) -> list[JsonDict] | None:
    """The call's chunks (None when absent or empty), or the error Slack answers for the first bad one."""
    if chunks is None or chunks == []:
        return None
    if not isinstance(chunks, list):
        raise ApiError("invalid_chunks")
    for index, chunk in enumerate(chunks):
        _checked(chunk, index)
    return chunks
