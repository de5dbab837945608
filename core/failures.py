"""The one place an error becomes the words a person reads: answers, `/glean` replies and forwarded files."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from rq.exceptions import AbandonedJobError
from rq.timeouts import BaseTimeoutException
from slack_sdk.errors import SlackApiError

from glean_chat.errors import (
    GleanConfigError,
    GleanError,
    GleanResponseError,
    GleanTimeoutError,
    GleanTransportError,
)

__all__ = [
    "BAD_GLEAN_URL",
    "UNREADABLE_REPLY",
    "Failure",
    "command_problem",
    "describe",
    "glean_failure_text",
    "upload_problem",
]

BAD_GLEAN_URL = (
    "I can't ask Glean: the Glean address I was set up with is not a valid URL. An admin has been alerted."
)
UNREADABLE_REPLY = (
    "Glean sent a reply I couldn't read, so I can't answer this. An admin has been alerted; "
    "please try again later."
)


@dataclass(frozen=True)
class Failure:
    kind: str
    """A stable label for logs and metrics (never message text)."""
    message: str
    """What the asker is told."""
    retryable: bool
    admin: bool = False
    """Whether an admin must act (bad credentials, Glean unreachable): logged at ERROR."""


def describe(exc: BaseException, *, act_as: bool = False, ref: str | None = None) -> Failure:
    if isinstance(exc, GleanTimeoutError):
        # Glean was reached but went quiet past GLEAN_TIMEOUT_S: "couldn't reach Glean" would mislead.
        return Failure(
            "glean_stalled",
            "Glean stopped answering: nothing came for too long. Please try again in a moment.",
            retryable=True,
            admin=True,
        )
    if isinstance(exc, GleanTransportError):
        return Failure(
            "glean_unreachable",
            "I couldn't reach Glean to answer this. An admin has been alerted; please try again later.",
            retryable=True,
            admin=True,
        )
    if isinstance(exc, GleanConfigError):
        # Nothing was sent (the client refused its own URL): not Glean's fault, and no retry can help.
        return Failure("glean_misconfigured", BAD_GLEAN_URL, retryable=False, admin=True)
    if isinstance(exc, GleanResponseError):
        # A 2XX whose body (or one streamed line) is not what Glean documents: "error 200, try rephrasing"
        # would blame the question. Not retried: Glean has taken the question and may have answered part.
        return Failure("glean_unreadable", UNREADABLE_REPLY, retryable=False, admin=True)
    if isinstance(exc, GleanError):
        return _glean_status(exc.status_code, act_as=act_as)
    if isinstance(exc, BaseTimeoutException):
        return Failure(
            "job_timeout",
            "Answering took too long and was stopped. Please try again, perhaps with a narrower question.",
            retryable=False,
        )
    if isinstance(exc, AbandonedJobError):
        return Failure(
            "job_abandoned",
            "The worker answering your question stopped unexpectedly. Please ask again.",
            retryable=False,
            admin=True,
        )
    if isinstance(exc, redis.RedisError):
        return Failure(
            "redis_unavailable",
            "I lost my connection to my state store while answering. An admin has been alerted; "
            "please ask again in a few minutes.",
            retryable=True,
            admin=True,
        )
    if isinstance(exc, SlackApiError):
        return Failure(
            "slack_error",
            "Slack refused part of my answer. Please ask again.",
            retryable=False,
            admin=True,
        )
    suffix = f" (reference {ref})" if ref else ""
    return Failure(
        "crash",
        f"Something went wrong while answering. An admin has been alerted{suffix}.",
        retryable=False,
        admin=True,
    )


def _glean_status(status: int | None, *, act_as: bool) -> Failure:
    if status == 401:
        return Failure(
            "glean_unauthorized",
            "Glean rejected my credentials, so I can't answer right now. An admin has been alerted.",
            retryable=False,
            admin=True,
        )
    if status == 403:
        if act_as:
            return Failure(
                "glean_forbidden",
                "Glean wouldn't let me answer as you (access denied). Check that your Glean account "
                "has Assistant access, or ask an admin.",
                retryable=False,
                admin=True,
            )
        return Failure(
            "glean_forbidden",
            "Glean refused access for my account, so I can't answer right now. An admin has been alerted.",
            retryable=False,
            admin=True,
        )
    if status == 408:
        return Failure(
            "glean_timeout",
            "Glean took too long to answer. Please try again, perhaps with a narrower question.",
            retryable=False,
        )
    if status == 429:
        return Failure(
            "glean_rate_limited",
            "Glean is busy right now (rate limited). Please try again in a minute.",
            retryable=True,
        )
    if status is not None and status >= 500:
        return Failure(
            "glean_server_error",
            f"Glean is having trouble right now (error {status}). Please try again later.",
            retryable=True,
            admin=True,
        )
    return Failure(
        "glean_rejected",
        f"Glean couldn't handle this question (error {status}). Try rephrasing it.",
        retryable=False,
        admin=True,
    )


# -- /glean replies and forwarded files -----------------------------------------------------------------
def command_problem(exc: GleanError) -> str:
    """A Glean failure in a `/glean` reply: the person asked for one thing and is told why it failed."""
    if isinstance(exc, GleanTransportError):
        return "I couldn't reach Glean. Please try again in a few minutes."
    if isinstance(exc, GleanConfigError):
        return BAD_GLEAN_URL
    if isinstance(exc, GleanResponseError):
        return "Glean sent a reply I couldn't read. An admin has been alerted; please try again later."
    if exc.status_code == 401:
        return "Glean rejected my credentials. An admin has been alerted."
    if exc.status_code == 403:
        return "Glean refused this for your account (access denied)."
    if exc.status_code == 429:
        return "Glean is busy right now (rate limited). Please try again in a minute."
    return f"Glean couldn't do that right now (error {exc.status_code}). Please try again later."


def upload_problem(label: str, exc: GleanError) -> str:
    """A failed upload of the file shown as `label` (mrkdwn), in words."""
    if isinstance(exc, GleanTransportError):
        return f"I couldn't add {label}: Glean didn't answer. Please share it again later."
    if isinstance(exc, GleanConfigError):
        return f"I couldn't add {label}: the Glean address I was set up with is not a valid URL."
    if isinstance(exc, GleanResponseError):
        return f"I couldn't add {label}: Glean sent a reply I couldn't read. Please share it again later."
    if exc.status_code == 413:
        return f"I couldn't add {label}: Glean says it is too large (error 413)."
    if exc.status_code in (401, 403):
        return f"I couldn't add {label}: Glean refused the upload (error {exc.status_code}). An admin has been alerted."
    return f"I couldn't add {label}: Glean answered with error {exc.status_code}. Please try again later."


_GLEAN_REASONS = {
    "PARSE_FAILED": "it couldn't read the file's contents",
    "AV_SCAN_FAILED": "the file failed its virus scan",
    "FILE_TOO_SMALL": "the file is empty",
    "FILE_TOO_LARGE": "the file is too large for Glean",
    "FILE_EXTENSION_UNSUPPORTED": "Glean can't read this kind of file",
    "FILE_METADATA_VALIDATION_FAIL": "the file's details didn't pass Glean's checks",
    "FILE_PROCESSING_TIMED_OUT": "processing it took too long",
    "OAUTH_NEEDED": "Glean needs you to sign in to read it",
    "AUTH_REQUIRED": "Glean needs you to sign in to read it",
    "URL_FETCH_FAILED": "Glean couldn't fetch it",
    "EMPTY_CONTENT": "it has no readable content",
}


def glean_failure_text(reason: str | None) -> str:
    """Glean's `failureReason` in words, with the code itself for whoever asks an admin."""
    code = reason or "UNKNOWN"
    return f"{_GLEAN_REASONS.get(code, 'Glean could not process it')} (Glean: `FAILED`, `{code}`)"
