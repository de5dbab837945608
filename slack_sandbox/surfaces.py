"""The app's surfaces beside messages: message shortcuts (a message's ⋯ menu) and the Home tab, as Slack delivers them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .config import SandboxConfig
from .delivery import Delivery
from .events import EventSource
from .interactive import Interactions, _action
from .responses import Target
from .state import Workspace

__all__ = ["AppSurfaces"]

JsonDict = dict[str, Any]


class AppSurfaces:
    """`people.surfaces`: run a message shortcut, open the Home tab, click in it (signed, HTTP or Socket Mode)."""

    def __init__(
        self,
        config: SandboxConfig,
        ws: Workspace,
        events: EventSource,
        interactions: Interactions,
        channel_for: Callable[[str, str], str],
    ) -> None:
        self._config = config
        self._ws = ws
        self._events = events
        self._interactions = interactions
        self._channel_for = channel_for

    def _user(self, user: str) -> JsonDict:
        data = self._ws.users[user]
        return {"id": user, "username": data["name"], "name": data["name"], "team_id": data["team_id"]}

    def message_shortcut(self, user: str, channel: str, message_ts: str, callback_id: str) -> Delivery:
        """`user` picks one of the app's shortcuts in a message's ⋯ menu: a signed `message_action`.

        Raises ValueError where Slack's menu would not offer it: a message the user cannot see, or a
        callback_id the app's manifest does not declare.
        """
        if callback_id not in self._config.message_shortcuts:
            raise ValueError(f"the app has no message shortcut {callback_id!r}")
        channel_id = self._channel_for(user, channel)
        message = self._ws.get(channel_id, message_ts)
        if message is None:
            raise ValueError(f"{user} sees no message {message_ts} in {channel_id}")
        data = message.public()
        data.pop("channel", None)
        target = Target(channel_id, user, message.thread_ts or message.ts)
        payload: JsonDict = {
            "type": "message_action",
            "token": self._config.verification_token,
            "action_ts": f"{time.time():.6f}",
            "team": {"id": self._config.team_id, "domain": self._config.team_domain},
            "user": self._user(user),
            "channel": {"id": channel_id, "name": self._ws.channels[channel_id].get("name", "directmessage")},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self._ws.views.issue(user),
            "response_url": self._interactions.response_url(channel_id, user, target.thread_ts),
            "message_ts": message.ts,
            "message": data,
        }
        return self._interactions.deliver_action(payload)

    def open_home(self, user: str) -> Delivery | None:
        """`user` opens the app's Home tab: `app_home_opened` with `tab: home` (and the view shown, if any)."""
        dm = self._ws.ensure_im(user)
        event: JsonDict = {"type": "app_home_opened", "user": user, "channel": dm, "tab": "home"}
        view = self._ws.views.home(user)
        if view is not None:
            event["view"] = view
        return self._events.app_event({**event, "event_ts": self._ws.clock.next()}, dm)

    def home(self, user: str) -> JsonDict | None:
        """The Home tab `user` sees: the view the app last published for them (views.publish), or None."""
        return self._ws.views.home(user)

    def click_home(self, user: str, action_id: str, value: str | None = None) -> Delivery:
        """Click an element of `user`'s Home tab: a signed `block_actions` from a `view` container."""
        view = self._ws.views.home(user)
        found = _find(view, action_id, value) if view is not None else None
        if view is None or found is None:
            shown = f" with value {value!r}" if value is not None else ""
            raise ValueError(f"{user}'s Home tab has no element {action_id!r}{shown}")
        block_id, element = found
        chosen = element.get("value")
        payload: JsonDict = {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": self._config.api_app_id,
            "token": self._config.verification_token,
            "container": {"type": "view", "view_id": view["id"]},
            "trigger_id": self._ws.views.issue(user),
            "team": {"id": self._config.team_id, "domain": self._config.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "view": view,
            "actions": [_action(block_id, element, chosen)],
        }
        return self._interactions.deliver_action(payload)


def _find(view: JsonDict, action_id: str, value: str | None) -> tuple[str, JsonDict] | None:
    """(block_id, element) of the view's element with `action_id` (and that `value`, when given)."""
    for block in view.get("blocks") or []:
        candidates = [e for e in block.get("elements") or [] if isinstance(e, dict)]
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        for element in candidates:
            if element.get("action_id") == action_id and value in (None, element.get("value")):
                return str(block.get("block_id") or ""), element
    return None
