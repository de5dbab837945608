"""The Web API front door: body parsing, auth, injected failures, rate limits, scopes, dispatch, call record.

Order per call, as Slack does it: unknown method → body → token (`not_authed` / `invalid_auth`) → injected
failure → rate limit (HTTP 429 + `Retry-After`) → scope (`missing_scope`) → the method. Every call is recorded,
429s included, with a monotonic timestamp, so tests can prove that a client honoured `Retry-After`.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from . import api_assistant, api_chat, api_home, api_read, api_stream, api_views
from .api_base import ApiContext, ApiError, JsonDict, Params
from .holds import Holds
from .ratelimit import RateLimiter

log = logging.getLogger(__name__)

Handler = Callable[[ApiContext, Params], JsonDict]
AppHandler = Callable[[Params], JsonDict]
"""A method called with the app-level (`xapp-`) token, e.g. `apps.connections.open` (see socket_mode.py)."""
METHODS: dict[str, tuple[Handler, tuple[str, ...]]] = {
    **api_chat.HANDLERS,
    **api_stream.HANDLERS,
    **api_read.HANDLERS,
    **api_assistant.HANDLERS,
    **api_views.HANDLERS,
    **api_home.HANDLERS,
}
_SECRET_PARAMS = frozenset({"token"})


@dataclass(frozen=True)
class Call:
    """One recorded Web API call. Unpacks as `(method, params, status)`; `at` is `time.monotonic()`."""

    method: str
    params: JsonDict
    status: int
    response: JsonDict
    at: float = field(default_factory=time.monotonic)
    retry_after_s: int | None = None
    """The `Retry-After` sent with a 429, so tests can check that the next identical call waited that long."""

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        value = self.response.get("error")
        return str(value) if value else None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.params, self.status))


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: JsonDict
    headers: tuple[tuple[str, str], ...]


class WebApi:
    """Answers `/api/<method>` requests against the shared workspace state."""

    def __init__(self, ctx: ApiContext, limiter: RateLimiter) -> None:
        self.ctx = ctx
        self.limiter = limiter
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self.server_errors: list[str] = []
        self.app_methods: dict[str, AppHandler] = {}
        self.holds = Holds()

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def handle(
        self, method: str, content_type: str, body: bytes, query: str, authorization: str | None
    ) -> ApiAnswer:
        params: JsonDict = {}
        try:
            if method not in METHODS and method not in self.app_methods:
                raise ApiError("unknown_method")
            params = parse_params(content_type, body, query)
            answer = self._run(method, params, authorization)
        except ApiError as exc:
            answer = ApiAnswer(exc.status, exc.body(), ())
        except Exception as exc:  # a sandbox bug: answer like Slack's 500 and keep it visible to tests
            log.exception("slack_sandbox: %s crashed", method)
            with self._lock:
                self.server_errors.append(f"{method}: {exc!r}")
            answer = ApiAnswer(500, {"ok": False, "error": "internal_error"}, ())
        recorded = {k: v for k, v in params.items() if k not in _SECRET_PARAMS}
        retry_after = next((int(v) for k, v in answer.headers if k == "Retry-After"), None)
        with self._lock:
            self._calls.append(
                Call(method, recorded, answer.status, copy.deepcopy(answer.body), retry_after_s=retry_after)
            )
        hold = self.holds.take(method) if answer.status == 200 and answer.body.get("ok") else None
        if hold is not None:
            self.holds.keep(hold)  # applied in Slack; the caller hears of it only once released
        scopes = ",".join(sorted(self.ctx.config.bot_scopes))
        return ApiAnswer(answer.status, answer.body, (*answer.headers, ("X-OAuth-Scopes", scopes)))

    def _run(self, method: str, params: JsonDict, authorization: str | None) -> ApiAnswer:
        token = _bearer(authorization) or (str(params["token"]) if params.get("token") else None)
        if not token:
            raise ApiError("not_authed")
        app_method = self.app_methods.get(method)
        # App-level methods take only the xapp- token, every other method only the bot token.
        config = self.ctx.config
        wanted: str | None = config.app_token if app_method else config.bot_token
        other: str | None = config.bot_token if app_method else config.app_token
        if token != wanted:
            raise ApiError("not_allowed_token_type" if token == other else "invalid_auth")
        injected = self.limiter.take_injected(method)
        if injected is not None:
            if injected.error == "ratelimited":
                return _ratelimited(injected.retry_after_s, injected.status)
            raise ApiError(injected.error, status=injected.status)
        channel = params.get("channel") or params.get("channel_id")
        retry_after = self.limiter.check(method, str(channel) if channel else None)
        if retry_after is not None:
            return _ratelimited(retry_after, 429)
        if app_method is not None:
            return ApiAnswer(200, app_method(Params(params)), ())
        handler, scopes = METHODS[method]
        self.ctx.require_scope(*scopes)
        return ApiAnswer(200, handler(self.ctx, Params(params)), ())


def _ratelimited(retry_after_s: int, status: int) -> ApiAnswer:
    return ApiAnswer(status, {"ok": False, "error": "ratelimited"}, (("Retry-After", str(retry_after_s)),))


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ").strip() or None
    return None


def parse_params(content_type: str, body: bytes, query: str) -> JsonDict:
    """Merge query-string and body arguments; JSON, form-encoded and multipart bodies are accepted."""
    params: JsonDict = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if kind == "application/json":
        try:
            decoded = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError("invalid_json") from None
        if not isinstance(decoded, dict):
            raise ApiError("invalid_json")
        params.update(decoded)
    elif kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                params[name] = payload if part.get_filename() else bytes(payload or b"").decode()
    else:
        try:
            params.update(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False))
        except UnicodeDecodeError:
            raise ApiError("invalid_form_data") from None
    return params
