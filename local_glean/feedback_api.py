"""`POST /feedback` (votes and written feedback on a result), recorded with who sent it; `/_local/feedback` reads them."""

from __future__ import annotations

import time
from typing import Any

from glean_chat.models import Feedback

from .auth import Identity
from .service import Service
from .wire import ApiError, Request, Response, empty_response, json_response, parse_model

# Glean's Feedback.event values (any other is refused, as a typo would otherwise vanish silently).
EVENTS = frozenset(
    [
        "CLICK",
        "CONTAINER_CLICK",
        "COPY_LINK",
        "CREATE",
        "DISMISS",
        "DOWNVOTE",
        "EMAIL",
        "EXECUTE",
        "FILTER",
        "FIRST_TOKEN",
        "FOCUS_IN",
        "LAST_TOKEN",
        "MANUAL_FEEDBACK",
        "MANUAL_FEEDBACK_SIDE_BY_SIDE",
        "FEEDBACK_TIME_SAVED",
        "MARK_AS_READ",
        "MESSAGE",
        "MIDDLE_CLICK",
        "PAGE_BLUR",
        "PAGE_FOCUS",
        "PAGE_LEAVE",
        "PREVIEW",
        "RELATED_CLICK",
        "RIGHT_CLICK",
        "SECTION_CLICK",
        "SEEN",
        "SELECT",
        "SHARE",
        "SHOW_MORE",
        "UPVOTE",
        "VIEW",
        "VISIBLE",
    ]
)
CATEGORIES = frozenset(
    [
        "ANNOUNCEMENT",
        "ANSWERS",
        "ARTIFACTS",
        "AUTOCOMPLETE",
        "COLLECTIONS",
        "FEED",
        "SEARCH",
        "CHAT",
        "NTP",
        "WORKFLOWS",
        "SUMMARY",
        "GENERAL",
        "PRISM",
        "PROMPTS",
    ]
)
ISSUES = frozenset(
    [
        "AGENT_CANVAS_FAILED",
        "AGENT_CLARIFYING_QUESTIONS",
        "AGENT_INTERMEDIATE_STEPS_FAILED",
        "AGENT_TOOL_CALL_FAILED",
        "INACCURATE_RESPONSE",
        "INCOMPLETE_OR_NO_ANSWER",
        "INCORRECT_CITATION",
        "MISSING_CITATION",
        "OTHER",
        "OUTDATED_RESPONSE",
        "RESULT_MISSING",
        "RESULT_SHOULD_NOT_APPEAR",
        "RESULTS_HELPFUL",
        "RESULTS_POOR_ORDER",
        "TOO_MUCH_ONE_KIND",
        "NOT_A_QUESTION",
        "UNSURE_IF_CORRECT",
    ]
)
VOTES = frozenset({"UPVOTE", "DOWNVOTE"})
MAX_TOKENS = 100
MAX_TOKEN_CHARS = 512
MAX_COMMENT_CHARS = 10_000


def handle_feedback(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, Feedback)
    _check(body)
    info = body.manual_feedback_info
    record: dict[str, Any] = {
        "id": body.id,
        "event": body.event,
        "category": body.category,
        "trackingTokens": body.tracking_tokens,
        # Whose feedback this is: the token's user, or the person a global token acts as.
        "user": who.email,
        "acting": who.acting,
        "manualFeedbackInfo": info.to_wire() if info is not None else None,
        "payload": body.payload,
        # The caller's own saved chat whose answer carries the first token, if any: tests see which answer
        # a vote names, and that a vote never lands on someone else's chat by this server's reading.
        "chatId": _own_chat_with(service, who, body.tracking_tokens[0]),
        "receivedAt": time.time(),
    }
    with service.store.lock:
        if body.id is not None and any(r.get("id") == body.id for r in service.store.feedback()):
            return empty_response()  # Glean keeps only the first event of a given id
        service.store.add_feedback(record)
    return empty_response()


def _check(body: Feedback) -> None:
    if not body.tracking_tokens:
        raise ApiError(400, "trackingTokens must name at least one token.")
    if len(body.tracking_tokens) > MAX_TOKENS:
        raise ApiError(400, f"trackingTokens holds at most {MAX_TOKENS} tokens.")
    if any(not t.strip() or len(t) > MAX_TOKEN_CHARS for t in body.tracking_tokens):
        raise ApiError(400, f"Each trackingToken must be a non-empty string of at most {MAX_TOKEN_CHARS}.")
    if body.event not in EVENTS:
        raise ApiError(400, f"event must be one of Glean's Feedback events, got {body.event[:40]!r}.")
    if body.category is not None and body.category not in CATEGORIES:
        raise ApiError(400, f"category must be one of {', '.join(sorted(CATEGORIES))}.")
    info = body.manual_feedback_info
    if body.event == "MANUAL_FEEDBACK" and info is None and not body.payload:
        raise ApiError(400, "A MANUAL_FEEDBACK event needs manualFeedbackInfo or a payload.")
    if info is None:
        return
    unknown = sorted(set(info.issues or []) - ISSUES)
    if unknown:
        raise ApiError(400, f"manualFeedbackInfo.issues has unknown values: {', '.join(unknown)[:200]}.")
    if info.vote is not None and info.vote not in VOTES:
        raise ApiError(400, "manualFeedbackInfo.vote must be UPVOTE or DOWNVOTE.")
    if info.comments is not None and len(info.comments) > MAX_COMMENT_CHARS:
        raise ApiError(400, f"manualFeedbackInfo.comments is longer than {MAX_COMMENT_CHARS} characters.")


def _own_chat_with(service: Service, who: Identity, token: str) -> str | None:
    for chat in service.store.chats():
        if chat.owner == who.email and any(m.get("messageTrackingToken") == token for m in chat.messages):
            return chat.id
    return None


def feedback_endpoint(service: Service, request: Request) -> Response:
    """`GET /_local/feedback`: everything recorded, oldest first (`?user=` keeps one person's)."""
    if request.method != "GET":
        raise ApiError(405, "Use GET on /_local/feedback.", {"Allow": "GET"})
    records = service.store.feedback()
    user = request.query.get("user")
    if user:
        records = [r for r in records if r.get("user") == user.lower()]
    return json_response({"feedback": records})
