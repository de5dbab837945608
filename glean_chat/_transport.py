"""Sending one Glean call over httpx: URL, headers, retries with backoff and Retry-After, error mapping.

Retry rule (documented in the README): 429, 500, 502, 503 and 504 replies and connection failures are
retried with exponential backoff and jitter until the config's max elapsed time. A call that is not
idempotent (`chat`, `uploadchatfiles`) is retried only when the server cannot have acted on it: a 429 or
503 reply (the server refused before doing the work), or a connection that failed before the request was
sent. A 500/502/504 or a broken connection after sending may mean the turn was saved, so those surface.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import errors
from .models import ErrorInfo, File
from .utils import RetryConfig

API_PREFIX = "/rest/api/v1/"
ACT_AS_HEADER = "X-Glean-ActAs"
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# Replies that say the server did not act on the request, so even a non-idempotent call may be resent.
NOT_ACTED_STATUSES = frozenset({429, 503})
JITTER_FRACTION = 0.25
_ERROR_INFO_KEYS = frozenset(ErrorInfo.model_fields) | {
    f.alias for f in ErrorInfo.model_fields.values() if f.alias
}


@dataclass
class Call:
    """One operation's request, before it is sent."""

    op: str
    accept: str
    idempotent: bool
    json_body: dict[str, Any] | None = None
    files: list[File] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    timeout_s: float | None = None


class Transport:
    """Owns the httpx client, the base URL and the bearer token for one `Glean` instance."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        client: httpx.Client,
        retry_config: RetryConfig,
        user_agent: str,
        sleep: Callable[[float], None] = time.sleep,
        default_act_as: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._default_act_as = default_act_as
        self.client = client
        self.retry_config = retry_config
        self._user_agent = user_agent
        self._sleep = sleep

    def send(self, call: Call, retries: RetryConfig | None = None) -> httpx.Response:
        """Send `call` and return its successful, fully read reply; raise `GleanError` otherwise."""
        response = self._send_with_retries(call, retries or self.retry_config)
        try:
            response.read()
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc
        finally:
            response.close()
        return response

    @contextlib.contextmanager
    def stream(self, call: Call, retries: RetryConfig | None = None) -> Iterator[httpx.Response]:
        """Send `call` and yield its successful reply with the body still unread (for NDJSON)."""
        response = self._send_with_retries(call, retries or self.retry_config)
        try:
            yield response
        finally:
            response.close()

    def _build(self, call: Call) -> httpx.Request:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": call.accept}
        headers["User-Agent"] = self._user_agent
        headers.update(call.headers)
        if self._default_act_as and ACT_AS_HEADER not in headers:
            # A global token must always act as someone: a call naming no one goes as the default identity.
            headers[ACT_AS_HEADER] = self._default_act_as
        url = f"{self.base_url}{API_PREFIX}{call.op}"
        timeout: Any = call.timeout_s if call.timeout_s is not None else httpx.USE_CLIENT_DEFAULT
        if call.files is not None:
            parts = []
            for f in call.files:
                content = f.content
                if not isinstance(content, bytes | bytearray) and content.seekable():
                    content.seek(0)  # a retried upload must resend the whole file
                parts.append(("files", (f.file_name, content, f.content_type or "application/octet-stream")))
            return self.client.build_request(
                "POST", url, headers=headers, params=call.params, files=parts, timeout=timeout
            )
        if call.json_body is None:
            # listchats and deleteallchats take no body: Content-Length 0, no Content-Type.
            return self.client.build_request(
                "POST", url, headers=headers, params=call.params, timeout=timeout
            )
        content = json.dumps(call.json_body, separators=(",", ":")).encode()
        headers["Content-Type"] = "application/json"
        return self.client.build_request(
            "POST", url, headers=headers, params=call.params, content=content, timeout=timeout
        )

    def _send_with_retries(self, call: Call, config: RetryConfig) -> httpx.Response:
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                response = self.client.send(self._build(call), stream=True)
            except (httpx.InvalidURL, UnicodeError) as exc:
                # Not HTTPErrors: a URL httpx cannot parse (a control character) or a host the socket
                # layer cannot encode (an IDNA label over 63 characters). Nothing was sent; retrying is futile.
                raise errors.GleanConfigError(f"Glean URL is not valid: {type(exc).__name__}") from exc
            except httpx.HTTPError as exc:
                error = _transport_error(exc)
                not_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
                may_retry = config.retry_connection_errors and (call.idempotent or not_sent)
                wait_s = _backoff_s(config, attempt)
                if not may_retry or not self._within_budget(config, started, wait_s):
                    raise error from exc
                self._sleep(wait_s)
                attempt += 1
                continue
            if not response.is_error:
                return response
            _read_quietly(response)
            status = response.status_code
            retryable = status in RETRYABLE_STATUSES and (call.idempotent or status in NOT_ACTED_STATUSES)
            if retryable:
                hinted = retry_after_s(response.headers)
                wait_s = hinted if hinted is not None else _backoff_s(config, attempt)
                if self._within_budget(config, started, wait_s):
                    self._sleep(wait_s)
                    attempt += 1
                    continue
            raise error_from_response(response)

    @staticmethod
    def _within_budget(config: RetryConfig, started: float, wait_s: float) -> bool:
        if config.strategy != "backoff":
            return False
        elapsed_ms = (time.monotonic() - started) * 1000
        return elapsed_ms + wait_s * 1000 <= config.backoff.max_elapsed_time


def _backoff_s(config: RetryConfig, attempt: int) -> float:
    b = config.backoff
    base_ms = min(b.initial_interval * (b.exponent**attempt), b.max_interval)
    return base_ms * (1 + random.random() * JITTER_FRACTION) / 1000


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date) or `retry-after-ms`; None if absent."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        with contextlib.suppress(ValueError):
            return max(0.0, float(raw_ms) / 1000)
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _read_quietly(response: httpx.Response) -> None:
    try:
        response.read()
    except httpx.HTTPError:
        pass  # the status alone still makes a useful error
    finally:
        response.close()


def _body_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError, LookupError):
        return ""


def error_from_response(response: httpx.Response) -> errors.GleanError:
    """The error for a 4XX/5XX reply; 403/422 bodies that are Glean's ErrorInfo become GleanDataError."""
    body = _body_text(response)
    status = response.status_code
    kwargs: dict[str, Any] = {
        "status_code": status,
        "body": body,
        "headers": response.headers,
        "raw_response": response,
    }
    message = f"Glean API error on {response.request.url.path}"
    if status in (403, 422):
        data = _error_info(body)
        if data is not None:
            return errors.GleanDataError(message, data=data, **kwargs)
    return errors.GleanError(message, **kwargs)


def _error_info(body: str) -> ErrorInfo | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or not (_ERROR_INFO_KEYS & parsed.keys()):
        return None
    try:
        return ErrorInfo.model_validate(parsed)
    except ValueError:
        return None


def _transport_error(exc: httpx.HTTPError) -> errors.GleanTransportError:
    if isinstance(exc, httpx.TimeoutException):
        return errors.GleanTimeoutError(f"Glean request timed out: {type(exc).__name__}")
    return errors.GleanConnectionError(f"Glean connection failed: {type(exc).__name__}: {exc}")


def media_type(response: httpx.Response) -> str:
    raw: str = response.headers.get("content-type") or ""
    return raw.split(";", 1)[0].strip().lower()


def require_media_type(response: httpx.Response, allowed: tuple[str, ...]) -> None:
    """Raise GleanError when a successful reply is not of a content type this call accepts."""
    got = media_type(response)
    if got not in allowed:
        raise errors.GleanError(
            f"Unexpected content type {got or '(none)'!r} from {response.request.url.path}; "
            f"expected {' or '.join(allowed)}",
            status_code=response.status_code,
            body=_body_text(response) if response.is_closed else "",
            headers=response.headers,
            raw_response=response,
        )
