"""Who clicked a button, in which workspace and channel, and the action's value, read from a signed click."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Click", "as_dict", "read_click"]


def as_dict(value: object) -> dict[str, Any]:
    """A part of the click as Slack sends it (an object), or an empty one: the payload is only signed, not typed."""
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Click:
    user_id: str
    user_team: str | None  # the clicker's own team (another organization's, for a Slack Connect partner)
    team_id: str
    enterprise_id: str | None
    channel_id: str
    value: object  # the first action's value, still to be parsed by the button's owner
    action_ts: str  # when it was clicked, in ts form ("" if Slack sent none)


def read_click(body: dict[str, Any]) -> Click:
    user = as_dict(body.get("user"))
    action = as_dict((body.get("actions") or [{}])[0])
    return Click(
        user_id=str(user.get("id") or ""),
        user_team=str(user.get("team_id") or "") or None,
        team_id=str(as_dict(body.get("team")).get("id") or user.get("team_id") or ""),
        enterprise_id=as_dict(body.get("enterprise")).get("id") or None,
        channel_id=str(as_dict(body.get("channel")).get("id") or ""),
        value=action.get("value"),
        action_ts=str(action.get("action_ts") or ""),
    )
