"""Who the bot serves: members of the installing workspace (or its Enterprise Grid organization) only.

A person from another organization (a Slack Connect partner, an external DM) is a stranger everywhere:
events, DMs, commands, buttons and file shares, in both identity modes. Slack tells us a person's home team
in most payloads; otherwise `users.info` does, cached in Redis (`member:{user_id}`). When Slack cannot say,
the person is refused (fail closed) and told why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.logs import log_event
from core.notices import NOTICE_MEMBER_UNKNOWN, NOTICE_STRANGER
from core.slack_ops import impatient
from core.store import Store

__all__ = ["MEMBER_LOOKUP_TIMEOUT_S", "Home", "home_of", "stranger_refusal"]

log = logging.getLogger("gleanbot.members")

MEMBER_LOOKUP_TIMEOUT_S = 2.0
"""A `users.info` on a command's or button's path must leave room for Slack's 3 s acknowledgement."""


@dataclass(frozen=True)
class Home:
    """The workspace (and organization) the app is installed in: the people it serves belong to it."""

    team_id: str
    enterprise_id: str | None = None


def home_of(context: Any, body: dict[str, Any]) -> Home:
    """The installation, from Bolt's authorization (auth.test of the bot token), else the payload's team."""
    result = getattr(context, "authorize_result", None)
    team_id = getattr(result, "team_id", None) or body.get("team_id") or (body.get("team") or {}).get("id")
    enterprise_id = getattr(result, "enterprise_id", None) or body.get("enterprise_id")
    return Home(str(team_id or ""), str(enterprise_id) if enterprise_id else None)


def stranger_refusal(
    client: WebClient, store: Store, home: Home, *, user_id: str, user_team: str | None = None
) -> str | None:
    """None for a member of `home`; otherwise what to tell the person (a stranger, or Slack could not say)."""
    if not user_id or (user_team and user_team == home.team_id):
        return None  # no person (a bot the channel allows), or Slack said they are from this workspace
    verdict = _cached(store, home, user_id)
    if verdict is None:
        verdict = _lookup(client, store, home, user_id)
    if verdict == "member":
        return None
    log_event(log, "stranger_refused", team_id=home.team_id, user_id=user_id, reason=verdict)
    return NOTICE_STRANGER if verdict == "stranger" else NOTICE_MEMBER_UNKNOWN


def _cached(store: Store, home: Home, user_id: str) -> str | None:
    try:
        return store.cached_member(home.team_id, user_id)
    except redis.RedisError:
        return None  # ask Slack instead: a refusal must not wait for Redis


def _lookup(client: WebClient, store: Store, home: Home, user_id: str) -> str:
    quick = impatient(client, timeout_s=MEMBER_LOOKUP_TIMEOUT_S, retries=False)
    try:
        user = quick.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        log_event(log, "users_info_failed", logging.WARNING, user_id=user_id, error=error)
        # Slack hides people it does not let this workspace see: they are not ours.
        return "stranger" if error in ("user_not_found", "user_not_visible") else "unknown"
    except OSError as exc:  # a timeout or a broken connection: Slack could not say
        log_event(log, "users_info_failed", logging.WARNING, user_id=user_id, error=type(exc).__name__)
        return "unknown"
    verdict = "member" if _is_member(user, home) else "stranger"
    try:
        store.cache_member(home.team_id, user_id, member=verdict == "member")
        if verdict == "member" and not user.get("is_bot"):
            # The same reply carries the email act-as needs: no second users.info for it.
            store.cache_email(home.team_id, user_id, str((user.get("profile") or {}).get("email") or ""))
    except redis.RedisError:
        pass
    return verdict


def _is_member(user: dict[str, Any], home: Home) -> bool:
    if user.get("is_stranger"):
        return False
    if user.get("team_id") == home.team_id:
        return True
    # Enterprise Grid: every workspace of the installing organization is home.
    enterprise = (user.get("enterprise_user") or {}).get("enterprise_id")
    return bool(home.enterprise_id) and enterprise == home.enterprise_id
