"""`POST /chat` (JSON or NDJSON stream, saved chats, follow-ups, timeouts) and the retired `POST /ask`."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from typing import Any

from glean_chat.models import AskRequest, ChatMessage, ChatRequest
from questions.classifier import detect

from .auth import Identity
from .service import Service
from .turns import Turn, TurnContext, chat_context, chat_name, run_turn, timestamp
from .wire import NDJSON_TYPE, ApiError, Request, Response, json_response, parse_model


class Deadline:
    """`timeoutMillis` measured from the request's arrival; None means no limit."""

    def __init__(self, request: Request, timeout_ms: int | None) -> None:
        if timeout_ms is not None and timeout_ms <= 0:
            raise ApiError(400, f"timeoutMillis must be a positive integer, got {timeout_ms}.")
        self.timeout_ms = timeout_ms
        self.at = None if timeout_ms is None else request.started + timeout_ms / 1000

    def remaining_s(self) -> float:
        return float("inf") if self.at is None else self.at - time.monotonic()

    def expire(self) -> ApiError:
        """Wait out the rest of the budget (as a real server would) and give the 408 to raise."""
        time.sleep(max(0.0, self.remaining_s()))
        return ApiError(
            408, f"Request timed out: the answer took longer than timeoutMillis={self.timeout_ms}."
        )

    def sleep(self, seconds: float) -> None:
        """Sleep `seconds`, or raise 408 if the deadline comes first."""
        if seconds <= 0:
            return
        if seconds > self.remaining_s():
            raise self.expire()
        time.sleep(seconds)

    def check(self, planned_s: float = 0.0) -> None:
        """Raise 408 now if `planned_s` more work cannot finish before the deadline."""
        if planned_s > self.remaining_s():
            raise self.expire()


def _user_messages(messages: list[ChatMessage]) -> list[ChatMessage]:
    return [m for m in messages if (m.author or "USER") == "USER"]


def _text(message: ChatMessage) -> str:
    return "".join(f.text or "" for f in message.fragments or [])


def _attached_files(service: Service, message: ChatMessage, who: Identity) -> list[str]:
    ids = list(dict.fromkeys(message.uploaded_file_ids or []))
    for file_id in ids:
        record = service.owned_file(file_id, who)
        if record.status != "PROCESSED":
            raise ApiError(
                400,
                f"File {file_id!r} cannot be used: upload {record.status} ({record.failure_reason or '-'}).",
            )
    return ids


def _quoted_and_asked(text: str) -> tuple[list[str], str]:
    """(what came before, what is asked): the last paragraph that reads as a question, when paragraphs
    precede it; else ([], the whole text)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    for at in range(len(paragraphs) - 1, 0, -1):
        if paragraphs[at].endswith("?") or detect(paragraphs[at]).is_question:
            return paragraphs[:at], "\n\n".join(paragraphs[at:])
    return [], text


def handle_chat(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, ChatRequest)
    deadline = Deadline(request, body.timeout_millis)
    users = _user_messages(body.messages)
    if not users:
        raise ApiError(400, "messages must contain at least one message with author USER.")
    current = users[0]  # Glean's order is most recent first
    question = _text(current)
    if not question.strip():
        raise ApiError(400, "The newest USER message has no text fragments.")
    chat = service.owned_chat(body.chat_id, who) if body.chat_id else None
    app = service.application(body.application_id or (chat.application_id if chat else None))
    context = chat_context(chat, lambda f: _usable(service, f, who)) if chat is not None else TurnContext()
    # History sent inline (no chatId): the other USER messages, oldest first.
    context.earlier_questions += [_text(m) for m in reversed(users[1:])]
    # A message that quotes a discussion before its question (a Slack thread, a pasted email): what is asked
    # is its last paragraph, read with the rest as the conversation so far, as a person reading it would.
    quoted, asked = _quoted_and_asked(question)
    if quoted:
        context.earlier_questions += quoted
        question = asked
    context.attached_file_ids = _attached_files(service, current, who)
    context.file_ids += [f for f in context.attached_file_ids if f not in context.file_ids]

    deadline.sleep(request.delay_s)
    turn = run_turn(service, question, context, app)
    deltas = turn.deltas()
    generation_s = service.config.pace.total_s([d.get("text", "") for d in deltas])
    if body.stream:
        deadline.check(generation_s)  # generated while streaming, after the turn is saved
    else:
        deadline.sleep(generation_s)  # generated before anything is saved or sent

    user_message: dict[str, Any] = {
        "author": "USER",
        "messageType": "CONTENT",
        "messageId": secrets.token_hex(16),
        "fragments": [f.to_wire() for f in current.fragments or []],
        "ts": timestamp(),
    }
    if context.attached_file_ids:
        user_message["uploadedFileIds"] = context.attached_file_ids
    turn_messages = [user_message, *turn.updates, turn.content_message()]
    saved = None
    if chat is not None:
        saved = service.store.append_turn(chat.id, turn_messages)
        if saved is None:
            raise ApiError(404, f"Chat {chat.id!r} was deleted while answering.")
    elif body.save_chat or request.queued:
        saved = service.store.create_chat(who.email, chat_name(question), body.application_id, turn_messages)

    if request.queued and saved is not None:
        # A 202 fault: Glean's "another request for this chat is running; output goes to the chat later".
        queued = {"chatId": saved.id, "queuedRequestId": secrets.token_hex(8), "isSavedToChatHistory": True}
        return json_response(queued, status=202)

    envelope: dict[str, Any] = {"chatSessionTrackingToken": turn.tracking_token}
    if saved is not None:
        envelope["chatId"] = saved.id
    last: dict[str, Any] = {"followUpPrompts": turn.answer.follow_ups}
    if saved is not None:
        last["chat"] = service.chat_metadata(saved)

    if body.stream:
        return Response(200, content_type=NDJSON_TYPE, stream=_stream(service, turn, deltas, envelope, last))
    messages = [*turn.updates, turn.content_message()]
    backend_ms = int((time.monotonic() - request.started) * 1000)
    return json_response({**envelope, "messages": messages, **last, "backendTimeMillis": backend_ms})


def _usable(service: Service, file_id: str, who: Identity) -> bool:
    record = service.store.get_file(file_id)
    return record is not None and record.owner == who.email and record.status == "PROCESSED"


def _stream(
    service: Service, turn: Turn, deltas: list[dict[str, Any]], envelope: dict[str, Any], last: dict[str, Any]
) -> Iterator[bytes]:
    """NDJSON: the UPDATE lines, then one CONTENT delta per line sharing one messageId."""
    started = time.monotonic()
    pace = service.config.pace

    def line(payload: dict[str, Any]) -> bytes:
        return json.dumps({**envelope, **payload}, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    for number, update in enumerate(turn.updates):
        if number == 1:
            time.sleep(pace.reading_delay_s())
        yield line({"messages": [update]})
    time.sleep(pace.first_token_delay_s())
    for number, fragment in enumerate(deltas):
        time.sleep(pace.delta_delay_s(fragment.get("text", "")))
        final = number == len(deltas) - 1
        message = {
            "author": "GLEAN_AI",
            "messageType": "CONTENT",
            "messageId": turn.content_id,
            "messageTrackingToken": turn.tracking_token,
            "fragments": [fragment],
            "hasMoreFragments": not final,
            "ts": timestamp(),
        }
        extra = {**last, "backendTimeMillis": int((time.monotonic() - started) * 1000)} if final else {}
        yield line({"messages": [message], **extra})


def handle_ask(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, AskRequest)
    query = body.search_request.query
    if not query.strip():
        raise ApiError(400, "searchRequest.query must not be empty.")
    if body.backend not in (None, "SEARCH", "CHAT"):
        raise ApiError(400, f"backend must be SEARCH or CHAT, got {body.backend!r}.")
    deadline = Deadline(request, body.search_request.timeout_millis)
    deadline.sleep(request.delay_s)
    detection = detect(query)
    result: dict[str, Any] = {"isQuestion": detection.is_question}
    if detection.question:
        result["question"] = detection.question
    if body.detect_only or not detection.is_question:
        return json_response(result)

    app = service.application(body.chat_application_id)
    turn = run_turn(service, detection.question or query, TurnContext(), app)
    deltas = turn.deltas()
    deadline.sleep(service.config.pace.total_s([d.get("text", "") for d in deltas]))
    backend_ms = int((time.monotonic() - request.started) * 1000)
    if body.backend in (None, "SEARCH"):
        result["searchResponse"] = {
            "results": _search_results(turn),
            "trackingToken": turn.tracking_token,
            "backendTimeMillis": backend_ms,
            "hasMoreResults": False,
        }
    if body.backend in (None, "CHAT"):
        result["chatResponse"] = {
            "messages": [*turn.updates, turn.content_message()],
            "followUpPrompts": turn.answer.follow_ups,
            "chatSessionTrackingToken": turn.tracking_token,
            "backendTimeMillis": backend_ms,
        }
    return json_response(result)


def _search_results(turn: Turn) -> list[dict[str, Any]]:
    """Glean `SearchResult`s for the documents an answer used, with the passages it quoted as snippets."""
    return [
        {
            "title": source.title,
            "url": source.url,
            "document": source.document(),
            "snippets": [{"snippet": text} for used, text in turn.answer.blocks if used.key == source.key],
        }
        for source in turn.answer.sources
    ]
