"""chat.startStream, chat.appendStream and chat.stopStream: a streamed reply assembled as it arrives.

Slack's rules enforced: a stream is always a thread reply; outside a DM it needs `recipient_user_id` and
`recipient_team_id`; `markdown_text` is at most 12,000 characters per call; `markdown_text` and `chunks` don't
mix in one call, nor across one stream; append/stop on a finished stream answer
`message_not_in_streaming_state`; `chat.update` refuses a message that is still streaming.
"""

from __future__ import annotations

from typing import Any

from . import shapes
from .api_base import ApiContext, ApiError, JsonDict, Params, checked_blocks, without_channel
from .config import MAX_MARKDOWN_TEXT_CHARS
from .state import Message
from .stream_chunks import TASK_DISPLAY_MODES, checked_chunks


def _stream_input(p: Params) -> tuple[str | None, list[JsonDict] | None]:
    """The (markdown_text, chunks) pair of a call, checked for size and shape."""
    markdown_text = p.text("markdown_text")
    chunks: Any = p.structured("chunks", "invalid_chunks")
    if markdown_text is not None and chunks:
        raise ApiError("cannot_provide_both_markdown_text_and_chunks")
    if markdown_text is not None and len(markdown_text) > MAX_MARKDOWN_TEXT_CHARS:
        raise ApiError("msg_too_long")
    return markdown_text, checked_chunks(chunks)


def _apply(message: Message, markdown_text: str | None, chunks: list[JsonDict] | None) -> None:
    """Append a call's content to the message; raises on a mode switch within the stream."""
    mode = "chunks" if chunks else "markdown_text" if markdown_text is not None else None
    if mode is None:
        return
    if message.stream_mode and message.stream_mode != mode:
        raise ApiError("streaming_mode_mismatch")
    message.stream_mode = mode
    data = message.data
    if markdown_text is not None:
        data["text"] = str(data.get("text", "")) + markdown_text
    for chunk in chunks or []:
        kind = chunk["type"]
        if kind == "markdown_text":
            data["text"] = str(data.get("text", "")) + str(chunk["text"])
        elif kind == "blocks":
            data.setdefault("blocks", []).extend(chunk["blocks"])
        else:
            # task/plan updates replace an earlier chunk with the same id (a task's status moving on).
            chunk_id = chunk.get("id")
            same = [i for i, c in enumerate(message.chunks) if chunk_id and c.get("id") == chunk_id]
            if same:
                message.chunks[same[0]] = chunk
            else:
                message.chunks.append(chunk)


def start_stream(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id = ctx.conversation(p.text("channel"), posting=True)
    thread_ts = p.required("thread_ts")
    if ctx.ws.channel_type(channel_id) != "im":
        recipient = p.text("recipient_user_id")
        if recipient is None:
            raise ApiError("missing_recipient_user_id")
        if p.text("recipient_team_id") is None:
            raise ApiError("missing_recipient_team_id")
        if recipient not in ctx.ws.users:
            raise ApiError("user_not_found")
    mode = p.text("task_display_mode")
    if mode is not None and mode not in TASK_DISPLAY_MODES:
        raise ApiError("invalid_arguments", messages=["[ERROR] task_display_mode must be timeline or plan"])
    markdown_text, chunks = _stream_input(p)
    with ctx.ws.lock:
        data = shapes.bot_message(ctx.config, ctx.ws.clock.next())
        data["thread_ts"] = thread_ts
        message = ctx.ws.add_message(channel_id, data)
        message.stream_state = "streaming"
        message.stream_recipient = p.text("recipient_user_id")
        _apply(message, markdown_text, chunks)
        if message.thread_ts:
            ctx.ws.statuses.pop((channel_id, message.thread_ts), None)
    ctx.emit("posted", message, None)
    return {"ok": True, "channel": channel_id, "ts": message.ts}


def _streaming_message(ctx: ApiContext, p: Params) -> tuple[str, Message]:
    channel_id = ctx.conversation(p.text("channel"))
    message = ctx.own_message(channel_id, p.text("ts"), "message_not_owned_by_app")
    if message.stream_state != "streaming":
        raise ApiError("message_not_in_streaming_state")
    return channel_id, message


def append_stream(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id, message = _streaming_message(ctx, p)
    markdown_text, chunks = _stream_input(p)
    if markdown_text is None and not chunks:
        raise ApiError("markdown_text_or_chunks_required")
    with ctx.ws.lock:
        if message.stream_state != "streaming":  # a concurrent stop won the race
            raise ApiError("message_not_in_streaming_state")
        _apply(message, markdown_text, chunks)
    return {"ok": True, "channel": channel_id, "ts": message.ts}


def stop_stream(ctx: ApiContext, p: Params) -> JsonDict:
    channel_id, message = _streaming_message(ctx, p)
    markdown_text, chunks = _stream_input(p)
    blocks = p.structured("blocks", "invalid_blocks_format")
    metadata = p.structured("metadata", "invalid_metadata_format")
    if blocks is not None:
        blocks = checked_blocks(blocks)
    with ctx.ws.lock:
        if message.stream_state != "streaming":
            raise ApiError("message_not_in_streaming_state")
        _apply(message, markdown_text, chunks)
        if blocks:
            message.data.setdefault("blocks", []).extend(blocks)
        if metadata is not None:
            message.data["metadata"] = metadata
        message.stream_state = "stopped"
    return {"ok": True, "channel": channel_id, "ts": message.ts, "message": without_channel(message)}


HANDLERS = {
    "chat.startStream": (start_stream, ("chat:write",)),
    "chat.appendStream": (append_stream, ("chat:write",)),
    "chat.stopStream": (stop_stream, ("chat:write",)),
}
