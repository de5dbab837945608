"""The exceptions a Glean call can raise.

Every failure is a `GleanError`, so one `except GleanError` catches them all:

* GleanError                    an HTTP 4XX/5XX, or a reply of a content type the call does not accept
  * GleanConfigError            the client refuses its settings before sending anything (also a ValueError):
                                a token over plain http to a non-loopback host, a malformed instance name
  * GleanDataError              a 403/422 whose body is Glean's structured ErrorInfo (`.data`)
  * GleanResponseError          a 2XX reply whose body does not parse as the documented shape
  * GleanTransportError         no HTTP reply at all (`status_code` is None)
    * GleanConnectionError      could not connect, or the connection broke
    * GleanTimeoutError         connect, read, write or pool timeout
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from .models import ErrorInfo

__all__ = [
    "GleanConfigError",
    "GleanConnectionError",
    "GleanDataError",
    "GleanError",
    "GleanResponseError",
    "GleanTimeoutError",
    "GleanTransportError",
]


class GleanError(Exception):
    """A Glean call failed. `status_code`, `body` (raw text) and `headers` describe the reply, if any."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: str = "",
        headers: Mapping[str, str] | None = None,
        raw_response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})
        self.raw_response = raw_response

    def __str__(self) -> str:
        if self.status_code is None:
            return self.message
        # Error bodies are plain text on real instances; show a bounded excerpt, never crash on it.
        excerpt = self.body.strip().replace("\n", " ")[:200]
        return f"{self.message} (status {self.status_code}){': ' + excerpt if excerpt else ''}"


class GleanConfigError(GleanError, ValueError):
    """The client was given a base URL or instance it must not send the token to; nothing was sent."""


class GleanDataError(GleanError):
    """A 403/422 whose body parsed as Glean's ErrorInfo, available as `.data`."""

    def __init__(self, message: str, *, data: ErrorInfo, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.data = data


class GleanResponseError(GleanError):
    """A successful status whose body is not the JSON (or NDJSON line) the call documents.

    Its text is kept in `.body` but never shown by `str()`: a 2XX body can be answer text or a login page,
    and a message reaches tracebacks (RQ's failed-job records).
    """

    def __str__(self) -> str:
        return self.message if self.status_code is None else f"{self.message} (status {self.status_code})"


class GleanTransportError(GleanError):
    """The request got no HTTP reply."""


class GleanConnectionError(GleanTransportError):
    """The connection could not be made or broke mid-request."""


class GleanTimeoutError(GleanTransportError):
    """A connect, read, write or pool timeout elapsed."""
