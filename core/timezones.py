"""A Slack user's time zone (users.info `tz_offset`, seconds east of UTC) and times shown in it.

Glean's `timezoneOffset` parameter is in minutes; Slack's `tz_offset` is in seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.logs import log_event

__all__ = ["UserTime", "format_time", "user_time"]

log = logging.getLogger("gleanbot.slack")


@dataclass(frozen=True)
class UserTime:
    offset_s: int = 0
    label: str = "UTC"

    @property
    def glean_offset_min(self) -> int:
        """For Glean's `timezoneOffset` (minutes from UTC)."""
        return self.offset_s // 60


def user_time(client: WebClient, user_id: str) -> UserTime:
    """The person's time zone from Slack; UTC (and a log line) when Slack does not say."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log_event(log, "users_info_failed", logging.WARNING, user_id=user_id, error=exc.response.get("error"))
        return UserTime()
    offset = user.get("tz_offset")
    if not isinstance(offset, int) or abs(offset) > 18 * 3600:
        return UserTime()
    return UserTime(offset, str(user.get("tz_label") or user.get("tz") or "UTC"))


def format_time(epoch_s: int | float | None, zone: UserTime) -> str:
    """'Tue 3 Jun 2025, 14:05' in the person's zone; '' for a missing time."""
    if not epoch_s:
        return ""
    when = datetime.fromtimestamp(float(epoch_s), UTC).astimezone(timezone(timedelta(seconds=zone.offset_s)))
    return f"{when:%a} {when.day} {when:%b %Y, %H:%M}"
