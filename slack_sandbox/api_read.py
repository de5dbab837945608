"""auth.test, users.info, conversations.info/history/replies, reactions.add/remove, files.info, setStatus."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from .api_base import ApiContext, ApiError, JsonDict, Params, page, without_channel
from .state import Message, ts_key

MAX_LOADING_MESSAGES = 10
_EMOJI_NAME = re.compile(r"^[a-z0-9_+\-']+(::skin-tone-[2-6])?$")


def auth_test(ctx: ApiContext, p: Params) -> JsonDict:
    config = ctx.config
    return {
        "ok": True,
        "url": ctx.web_url,
        "team": config.team_name,
        "user": config.bot_name,
        "team_id": config.team_id,
        "user_id": config.bot_user_id,
        "bot_id": config.bot_id,
        "is_enterprise_install": False,
    }


def users_info(ctx: ApiContext, p: Params) -> JsonDict:
    user_id = p.required("user", "user_not_found")
    with ctx.ws.lock:
        user = copy.deepcopy(ctx.ws.users.get(user_id))
    if user is None:
        raise ApiError("user_not_found")
    if not ctx.has_scope("users:read.email"):
        user["profile"].pop("email", None)
    return {"ok": True, "user": user}


def conversations_info(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel"))
    ctx.require_kind_scope(channel_id, "read")
    with ctx.ws.lock:
        channel = copy.deepcopy(ctx.ws.channels[channel_id])
        channel["is_member"] = ctx.ws.is_member(channel_id, ctx.config.bot_user_id)
        if p.flag("include_num_members"):
            channel["num_members"] = len(ctx.ws.members[channel_id])
    return {"ok": True, "channel": channel}


def _readable(ctx: ApiContext, p: Params) -> str:
    channel_id = ctx.conversation(p.text("channel"))
    ctx.require_kind_scope(channel_id, "history")
    if not ctx.ws.is_member(channel_id, ctx.config.bot_user_id):
        raise ApiError("not_in_channel")
    return channel_id


def _in_window(messages: list[Message], p: Params) -> list[Message]:
    """Apply `oldest`/`latest` (exclusive unless `inclusive`), as history and replies do."""
    inclusive = p.flag("inclusive")
    oldest, latest = p.text("oldest"), p.text("latest")

    def keep(message: Message) -> bool:
        key = ts_key(message.ts)
        if oldest and (key < ts_key(oldest) or (key == ts_key(oldest) and not inclusive)):
            return False
        return not (latest and (key > ts_key(latest) or (key == ts_key(latest) and not inclusive)))

    return [m for m in messages if keep(m)]


def conversations_history(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = _readable(ctx, p)
    metadata = p.flag("include_all_metadata")
    newest_first = list(reversed(_in_window(ctx.ws.history(channel_id), p)))
    chunk, cursor = page(newest_first, p, default_limit=100)
    return {
        "ok": True,
        "messages": [without_channel(m, metadata=metadata) for m in chunk],
        "has_more": bool(cursor),
        "pin_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_replies(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = _readable(ctx, p)
    ts = p.required("ts", "thread_not_found")
    message = ctx.ws.get(channel_id, ts)
    if message is None:
        raise ApiError("thread_not_found")
    metadata = p.flag("include_all_metadata")
    if message.is_reply:
        thread = [message]  # Slack answers a reply's ts with just that reply
    else:
        parent, *replies = ctx.ws.thread(channel_id, message.ts)
        thread = [parent, *_in_window(replies, p)]
    chunk, cursor = page(thread, p, default_limit=1000)
    return {
        "ok": True,
        "messages": [without_channel(m, metadata=metadata) for m in chunk],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


def _reaction_target(ctx: ApiContext, p: Params) -> tuple[Message, str]:
    channel_id = ctx.conversation(p.text("channel"))
    ts = p.text("timestamp")
    message = ctx.ws.get(channel_id, ts) if ts else None
    if message is None:
        raise ApiError("message_not_found")
    name = (p.text("name") or "").strip(":")
    if not _EMOJI_NAME.match(name):
        raise ApiError("invalid_name")
    return message, name


def reactions_add(ctx: ApiContext, p: Params) -> JsonDict:
    message, name = _reaction_target(ctx, p)
    bot = ctx.config.bot_user_id
    with ctx.ws.lock:
        reactions: list[JsonDict] = message.data.setdefault("reactions", [])
        entry = next((r for r in reactions if r["name"] == name), None)
        if entry is None:
            reactions.append({"name": name, "users": [bot], "count": 1})
        elif bot in entry["users"]:
            raise ApiError("already_reacted")
        else:
            entry["users"].append(bot)
            entry["count"] += 1
    return {"ok": True}


def reactions_remove(ctx: ApiContext, p: Params) -> JsonDict:
    message, name = _reaction_target(ctx, p)
    bot = ctx.config.bot_user_id
    with ctx.ws.lock:
        reactions: list[JsonDict] = message.data.get("reactions", [])
        entry = next((r for r in reactions if r["name"] == name and bot in r["users"]), None)
        if entry is None:
            raise ApiError("no_reaction")
        entry["users"].remove(bot)
        entry["count"] -= 1
        if not entry["users"]:
            reactions.remove(entry)
        if not reactions:
            message.data.pop("reactions", None)
    return {"ok": True}


def set_status(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel_id"))
    thread_ts = p.required("thread_ts", "invalid_thread_ts")
    if ctx.ws.get(channel_id, thread_ts) is None:
        raise ApiError("invalid_thread_ts")
    if "status" not in p.data:
        raise ApiError("invalid_arguments", messages=["[ERROR] missing required field: status"])
    status = str(p.data.get("status") or "")
    loading: Any = p.structured("loading_messages", "invalid_arguments")
    if loading is not None and (not isinstance(loading, list) or len(loading) > MAX_LOADING_MESSAGES):
        raise ApiError("invalid_arguments", messages=["[ERROR] loading_messages: at most 10 strings"])
    entry = {"channel": channel_id, "thread_ts": thread_ts, "status": status, "loading_messages": loading}
    with ctx.ws.lock:
        ctx.ws.status_log.append({**entry, "at": time.monotonic()})
        if status:
            ctx.ws.statuses[(channel_id, thread_ts)] = entry
        else:
            ctx.ws.statuses.pop((channel_id, thread_ts), None)
    return {"ok": True}


def files_info(ctx: ApiContext, p: Params) -> JsonDict:
    file_id = p.required("file", "file_not_found")
    data = ctx.files.get(file_id)
    if data is None:
        raise ApiError("file_not_found")
    return {"ok": True, "file": data, "comments": [], "response_metadata": {"next_cursor": ""}}


HANDLERS = {
    "auth.test": (auth_test, ()),
    "users.info": (users_info, ("users:read",)),
    "conversations.info": (conversations_info, ()),
    "conversations.history": (conversations_history, ()),
    "conversations.replies": (conversations_replies, ()),
    "reactions.add": (reactions_add, ("reactions:write",)),
    "reactions.remove": (reactions_remove, ("reactions:write",)),
    "assistant.threads.setStatus": (set_status, ("chat:write", "assistant:write")),
    "files.info": (files_info, ("files:read",)),
}
