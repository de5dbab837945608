"""The one check before Bolt sees a request: the fields Bolt routes on must have the types Slack sends.

Bolt reads `event.type`, the first action and its `action_id`/`block_id`, `command` and `callback_id` while it
builds a request's arguments and chooses a listener, and raises (HTTP 500, a Socket Mode error) when one is
missing or not what Slack sends. Such a payload is never from Slack: `bot.http` refuses it with 400 and
`bot.socket_mode` acks and drops it, each with a log line that names the field, not its value.
"""

from __future__ import annotations

from typing import Any

__all__ = ["unroutable_field"]


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def unroutable_field(body: dict[str, Any]) -> str | None:
    """The first routing field of `body` that Slack would never send as it is; None when all are fine."""
    if "event" in body:
        event = body["event"]
        if not isinstance(event, dict) or not _is_str(event.get("type")):
            return "event.type"
    if "actions" in body or body.get("type") == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "actions"
        for action in actions:
            if not isinstance(action, dict) or not _is_str(action.get("action_id")):
                return "actions.action_id"
            if not _is_str(action.get("block_id", "")) or not _is_str(action.get("type", "")):
                return "actions.block_id"
    if body.get("type") in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not _is_str(view.get("callback_id")):
            return "view.callback_id"  # Bolt routes a modal's submission on it
    for name in ("command", "callback_id", "type"):
        if name in body and not _is_str(body[name]):
            return name
    for name in ("user", "team", "channel", "view", "container", "message"):
        if name in body and not isinstance(body[name], dict | type(None)):  # Slack sends objects (or null)
            return name
        if isinstance(body.get(name), dict) and not _is_str(body[name].get("id", "")):
            return name + ".id"
    return None
