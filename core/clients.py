"""Factories for the Slack Web API and Glean clients (called from main or inside a job, never at import)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from core.settings import Settings
from glean_chat import Glean
from glean_chat.utils import NO_RETRIES, BackoffStrategy, RetryConfig

__all__ = ["SLACK_RATE_LIMIT_RETRIES", "glean_retry_config", "make_glean", "make_slack_client"]

SLACK_RATE_LIMIT_RETRIES = 5
"""Slack 429s are retried after the `Retry-After` it sends, this many times per call."""
SLACK_TIMEOUT_S = 30


def make_slack_client(settings: Settings) -> WebClient:
    """A WebClient on `SLACK_API_URL` that waits out 429s (honouring Retry-After) and retries connection errors."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=SLACK_TIMEOUT_S,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=SLACK_RATE_LIMIT_RETRIES),
        ],
    )


def glean_retry_config(settings: Settings) -> RetryConfig:
    """Retries inside one Glean call (429, 5xx, connection errors) for at most GLEAN_RETRY_S seconds."""
    if settings.glean_retry_s <= 0:
        return NO_RETRIES
    return RetryConfig(
        "backoff",
        BackoffStrategy(
            initial_interval=500,
            max_interval=8_000,
            exponent=2.0,
            max_elapsed_time=int(settings.glean_retry_s * 1000),
        ),
        retry_connection_errors=True,
    )


def make_glean(settings: Settings, *, timeout_s: float | None = None) -> Glean:
    return Glean(
        bearer_auth=settings.glean_api_token,
        server_url=settings.glean_server_url,
        instance=settings.glean_instance,
        timeout_ms=int((timeout_s or settings.glean_timeout_s) * 1000),
        retry_config=glean_retry_config(settings),
        # A global token must act as someone: a call naming no person (a hybrid channel's public answer, its
        # files, classifying there) acts as the account everyone's access is measured by.
        default_act_as=settings.glean_public_as,
    )
