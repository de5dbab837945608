"""HTTP requests and responses as plain values, plus body parsing into glean_chat models with 4XX reasons."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

JSON_TYPE = "application/json"
NDJSON_TYPE = "text/plain; charset=utf-8"  # Glean's type for streamed chat (the official SDK checks it)
TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    started: float = field(default_factory=time.monotonic)
    # Set by fault injection: extra latency the handler must add (and count against timeoutMillis).
    delay_s: float = 0.0
    queued: bool = False  # a 202 fault: chat answers "queued" instead of the turn
    truncate_after_lines: int | None = None
    garbage_after_lines: int | None = None  # a fault: one line that is not JSON after this many

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # A streamed body: chunks written (and flushed) one by one with chunked transfer encoding.
    stream: Iterator[bytes] | None = None


class ApiError(Exception):
    """Ends a request with `status` and a plain-text reason (or a JSON body for the few typed errors)."""

    def __init__(
        self,
        status: int,
        reason: str,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = dict(headers or {})
        self.json_body = json_body

    def response(self) -> Response:
        if self.json_body is not None:
            return json_response(self.json_body, self.status, self.headers)
        text = self.reason if self.reason.endswith("\n") else self.reason + "\n"
        return Response(self.status, text.encode(), TEXT_TYPE, dict(self.headers))


def json_response(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, JSON_TYPE, dict(headers or {}))


def empty_response() -> Response:
    """What Glean's delete calls return: 200 with no content (the SDK accepts any type and returns None)."""
    return Response(200, b"", None)


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    more = len(error.errors()) - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def parse_json(request: Request) -> Any:
    """The request's JSON body; 415 for a non-JSON content type, 400 for an empty or malformed body."""
    if (
        request.content_type
        and request.content_type != JSON_TYPE
        and not request.content_type.endswith("+json")
    ):
        raise ApiError(415, f"Content-Type must be application/json, got {request.content_type!r}.")
    if not request.body.strip():
        raise ApiError(400, "Request body is required (a JSON object).")
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ApiError(400, f"Malformed JSON in request body: {str(exc)[:200]}.") from exc
    try:
        # JSON allows "\ud83c" alone; no UTF-8 text can hold it, so it could be neither stored nor echoed.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ApiError(400, "Malformed JSON in request body: a lone UTF-16 surrogate escape.") from exc
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"Malformed JSON in request body: {exc}.") from exc
    return data


def parse_model(request: Request, model: type[M]) -> M:
    """The body validated as `model` (strict types: no "true" for true, no "5" for 5); 400 with why not."""
    data = parse_json(request)
    if not isinstance(data, dict):
        raise ApiError(400, f"Request body must be a JSON object, got {type(data).__name__}.")
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise ApiError(400, f"Invalid {model.__name__}: {_describe(exc)}.") from exc
