"""Small Slack Web API operations shared by listeners and workers: notices, reactions, cached lookups."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from core.blocks import notice_message
from core.logs import log_event
from core.message_marks import post_mark
from core.store import Store

__all__ = [
    "WORKING_REACTION",
    "asker_email",
    "display_name",
    "impatient",
    "is_external",
    "post_notice",
    "shared_outside",
]

WORKING_REACTION = "eyes"
log = logging.getLogger("gleanbot.slack")


def post_notice(
    client: WebClient, *, channel_id: str, thread_ts: str, user_id: str, private: bool, text: str
) -> bool:
    """Tell the asker something short: ephemeral when their answers are private, else in the thread."""
    message = notice_message(text)
    try:
        if private:
            client.chat_postEphemeral(
                channel=channel_id, user=user_id, thread_ts=thread_ts, text=message.text
            )
        else:
            client.chat_postMessage(
                channel=channel_id, thread_ts=thread_ts, text=message.text, metadata=post_mark("notice")
            )
        return True
    except SlackApiError as exc:
        log_event(log, "notice_failed", logging.ERROR, channel_id=channel_id, error=exc.response.get("error"))
        return False


def impatient(client: WebClient, *, timeout_s: float | None = None, retries: bool = True) -> WebClient:
    """A copy of `client` that reports a 429 at once instead of waiting out its Retry-After; with `timeout_s`
    a shorter timeout, and with `retries=False` no retry of a broken connection either (about 6 µs to build:
    made per call, never shared across a fork)."""
    handlers = [h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)]
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout if timeout_s is None else int(timeout_s),
        retry_handlers=handlers if retries else [],
    )


def asker_email(client: WebClient, store: Store, *, team_id: str, user_id: str) -> str | None:
    """The Slack user's email (users.info, cached in Redis); None if Slack has none for them."""
    cached = store.cached_email(team_id, user_id)
    if cached is not None:
        return cached or None
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log_event(log, "users_info_failed", logging.WARNING, user_id=user_id, error=exc.response.get("error"))
        return None
    email = "" if user.get("is_bot") else str((user.get("profile") or {}).get("email") or "")
    store.cache_email(team_id, user_id, email)
    return email or None


def display_name(client: WebClient, user_id: str) -> str:
    """The name Slack shows for a person (display name, else full name, else handle); "" when it can't say."""
    try:
        user = client.users_info(user=user_id)["user"]
        profile = user.get("profile") or {}
        return str(profile.get("display_name") or user.get("real_name") or user.get("name") or "")
    except (SlackApiError, KeyError, TypeError):
        return ""


def is_external(
    client: WebClient, store: Store, *, team_id: str, channel_id: str, fresh: bool = False
) -> bool:
    """True for Slack Connect (externally shared) conversations; cached in Redis (`fresh`: ask Slack now).

    When Slack cannot tell us, assume shared: refusing is safer than leaking.
    """
    cached = None if fresh else store.cached_external(team_id, channel_id)
    if cached is not None:
        return cached
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        log_event(
            log,
            "conversations_info_failed",
            logging.WARNING,
            channel_id=channel_id,
            error=exc.response.get("error"),
        )
        return True
    external = shared_outside(channel)
    store.cache_external(team_id, channel_id, external)
    return external


def shared_outside(channel: dict[str, Any]) -> bool:
    """Whether a `conversations.info` channel is shared with another organization (or about to be)."""
    # is_shared alone also covers channels shared inside one Enterprise Grid org, which are not external.
    return bool(channel.get("is_ext_shared") or channel.get("is_pending_ext_shared"))
