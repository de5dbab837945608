"""assistant.threads.setSuggestedPrompts and setTitle on agent container threads, validated as Slack does."""

from __future__ import annotations

import time
from typing import Any

from .api_base import ApiContext, ApiError, JsonDict, Params

MAX_PROMPTS = 4
"""docs.slack.dev, assistant.threads.setSuggestedPrompts: "up to four suggested prompts"."""


def _container(ctx: ApiContext, channel_id: str, thread_ts: str | None) -> JsonDict:
    """The container thread named, else invalid_thread_ts; without `thread_ts` the conversation's own record
    (with `agent_view` the prompts sit at the top of the DM, not on a thread)."""
    with ctx.ws.lock:
        if thread_ts is None:
            empty: JsonDict = {"user": None, "context": None, "title": None, "prompts": None, "log": []}
            return ctx.ws.agent_threads.setdefault((channel_id, ""), empty)
        record = ctx.ws.agent_threads.get((channel_id, thread_ts))
    if record is None:
        raise ApiError("invalid_thread_ts")
    return record


def _invalid(detail: str) -> ApiError:
    return ApiError("invalid_arguments", messages=[f"[ERROR] {detail}"])


def _prompts(value: Any) -> list[JsonDict]:
    if not isinstance(value, list) or not value:
        raise _invalid("prompts: a list of {title, message} objects is required")
    if len(value) > MAX_PROMPTS:
        raise _invalid(f"prompts: at most {MAX_PROMPTS} items")
    for prompt in value:
        if not isinstance(prompt, dict) or set(prompt) - {"title", "message"}:
            raise _invalid("prompts: each item has only title and message")
        for name in ("title", "message"):
            if not isinstance(prompt.get(name), str) or not prompt[name].strip():
                raise _invalid(f"prompts: {name} must be a non-empty string")
    return [{"title": p["title"], "message": p["message"]} for p in value]


def set_suggested_prompts(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel_id"))
    record = _container(ctx, channel_id, p.text("thread_ts"))
    if "prompts" not in p.data:
        raise _invalid("missing required field: prompts")
    prompts = _prompts(p.structured("prompts", "invalid_arguments"))
    title = p.data.get("title")
    if title is not None and not isinstance(title, str):
        raise _invalid("title must be a string")
    with ctx.ws.lock:
        record["prompts"] = {"title": title or None, "prompts": prompts}
        record["log"].append({"method": "setSuggestedPrompts", "at": time.monotonic()})
    return {"ok": True}


def set_title(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel_id"))
    thread_ts = p.required("thread_ts", "invalid_thread_ts")
    record = _container(ctx, channel_id, thread_ts)
    title = p.data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _invalid("title: a non-empty string is required")
    with ctx.ws.lock:
        record["title"] = title
        record["log"].append({"method": "setTitle", "at": time.monotonic()})
        root = ctx.ws.get(channel_id, thread_ts)
        if root is not None:  # Slack shows the title on the thread's root in the DM's history
            root.data.setdefault("assistant_app_thread", {})["title"] = title
    return {"ok": True}


HANDLERS = {
    "assistant.threads.setSuggestedPrompts": (set_suggested_prompts, ("assistant:write",)),
    "assistant.threads.setTitle": (set_title, ("assistant:write",)),
}
