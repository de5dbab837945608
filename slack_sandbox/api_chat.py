"""chat.postMessage, chat.update, chat.delete, chat.postEphemeral and chat.getPermalink."""

from __future__ import annotations

import copy

from . import shapes
from .api_base import ApiContext, ApiError, JsonDict, Params, message_content, without_channel


def post_message(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel"), posting=True)
    content = message_content(p)
    metadata = p.structured("metadata", "invalid_metadata_format")
    with ctx.ws.lock:
        data = shapes.bot_message(ctx.config, ctx.ws.clock.next())
        content.apply(data)
        thread_ts = p.text("thread_ts")
        if thread_ts:
            data["thread_ts"] = thread_ts
            if p.flag("reply_broadcast"):
                data["subtype"] = "thread_broadcast"
        if metadata is not None:
            data["metadata"] = metadata
        message = ctx.ws.add_message(channel_id, data)
        if message.thread_ts:
            # Slack clears an assistant thread's status when the app replies in it.
            ctx.ws.statuses.pop((channel_id, message.thread_ts), None)
    ctx.emit("posted", message, None)
    return {"ok": True, "channel": channel_id, "ts": message.ts, "message": without_channel(message)}


def update(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel"))
    message = ctx.own_message(channel_id, p.text("ts"), "cant_update_message")
    if message.stream_state == "streaming":
        raise ApiError("streaming_state_conflict")
    content = message_content(p)
    metadata = p.structured("metadata", "invalid_metadata_format")
    with ctx.ws.lock:
        previous = copy.deepcopy(message.data)
        if content.text is not None and content.blocks is None:
            message.data.pop("blocks", None)  # Slack: new text without blocks drops the old blocks
        content.apply(message.data)
        if metadata is not None:
            message.data["metadata"] = metadata
        message.data["edited"] = {"user": ctx.config.bot_user_id, "ts": ctx.ws.clock.next()}
    ctx.emit("changed", message, previous)
    return {
        "ok": True,
        "channel": channel_id,
        "ts": message.ts,
        "text": message.data.get("text", ""),
        "message": without_channel(message),
    }


def delete(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel"))
    message = ctx.own_message(channel_id, p.text("ts"), "cant_delete_message")
    previous = copy.deepcopy(message.data)
    ctx.ws.delete(message)
    ctx.emit("deleted", message, previous)
    return {"ok": True, "channel": channel_id, "ts": message.ts}


def post_ephemeral(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel"), posting=True)
    user = p.required("user", "user_not_found")
    if user not in ctx.ws.users:
        raise ApiError("user_not_found")
    if not ctx.ws.is_member(channel_id, user):
        raise ApiError("user_not_in_channel")
    content = message_content(p)
    with ctx.ws.lock:
        data = shapes.bot_message(ctx.config, ctx.ws.clock.next())
        data.pop("team", None)
        content.apply(data)
        thread_ts = p.text("thread_ts")
        if thread_ts:
            data["thread_ts"] = thread_ts
        message = ctx.ws.add_ephemeral(channel_id, user, data)
    return {"ok": True, "message_ts": message.ts}


def get_permalink(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel"))
    ts = p.text("message_ts")
    message = ctx.ws.get(channel_id, ts) if ts else None
    if message is None:
        raise ApiError("message_not_found")
    link = f"{ctx.web_url}archives/{channel_id}/p{message.ts.replace('.', '')}"
    if message.is_reply:
        link += f"?thread_ts={message.thread_ts}&cid={channel_id}"
    return {"ok": True, "channel": channel_id, "permalink": link}


HANDLERS = {
    "chat.postMessage": (post_message, ("chat:write",)),
    "chat.update": (update, ("chat:write",)),
    "chat.delete": (delete, ("chat:write",)),
    "chat.postEphemeral": (post_ephemeral, ("chat:write",)),
    "chat.getPermalink": (get_permalink, ()),
}
