"""The browser page's other app surfaces: a message's ⋯ menu (message shortcuts) and the app's Home / Messages tabs.

Each action is one of `people.surfaces`' or `people.agent`'s, so the bot gets what Slack sends: a shortcut is a
signed `message_action` (its modal then shows through ui/modal.js), opening a tab is `app_home_opened` (tab
home or messages), a click in the Home tab is `block_actions` from a `view` container.
"""

from __future__ import annotations

from typing import Any

from .config import SandboxConfig

JsonDict = dict[str, Any]
# `api` is the page's UiApi (ui_api.py imports this module, hence Any): its parts and its request checks.

MESSAGE_SHORTCUTS: dict[str, dict[str, str]] = {
    "gleanbot_ask_message": {
        "name": "Ask Glean about this",
        "description": "Ask about this message; the answer goes to its thread",
    },
    "gleanbot_summarize_thread": {
        "name": "Summarize this thread",
        "description": "A summary of this thread, only for you until you share it",
    },
}
"""Names of the app's message shortcuts, as in its manifest (app_manifest.yml `shortcuts`; a test compares)."""


def shortcut_menu(config: SandboxConfig) -> list[JsonDict]:
    """What a message's ⋯ menu lists: the app's shortcuts (an unnamed one shows its callback_id)."""
    return [
        {"callback_id": c, **MESSAGE_SHORTCUTS.get(c, {"name": c, "description": ""})}
        for c in sorted(config.message_shortcuts)
    ]


def _delivered(delivery: Any) -> JsonDict:
    if delivery is None:  # the app does not subscribe to app_home_opened: Slack sends nothing
        return {"delivered": False, "error": "not_subscribed"}
    return {"delivered": bool(delivery.ok), "status": delivery.status, "error": delivery.error}


def shortcut(api: Any, payload: JsonDict) -> JsonDict:
    """The person picks one of the app's shortcuts in a message's ⋯ menu."""
    user = api._person(payload)
    channel = api._visible_channel(user, payload)
    delivery = api._sb.people.surfaces.message_shortcut(
        user, channel, str(payload.get("message_ts") or ""), str(payload.get("callback_id") or "")
    )
    return _delivered(delivery)


def open_tab(api: Any, payload: JsonDict) -> JsonDict:
    """The person opens the app's Home or Messages tab."""
    user = api._person(payload)
    tab = payload.get("tab")
    if tab == "home":
        return _delivered(api._sb.people.surfaces.open_home(user))
    if tab == "messages":
        return _delivered(api._sb.people.agent.open_dm(user))
    raise ValueError("tab must be home or messages")


def home_click(api: Any, payload: JsonDict) -> JsonDict:
    """A click on a button (or a choice in a menu) of the person's Home tab."""
    user = api._person(payload)
    value = payload.get("value")
    delivery = api._sb.people.surfaces.click_home(
        user, str(payload.get("action_id") or ""), str(value) if value not in (None, "") else None
    )
    return _delivered(delivery)


SURFACE_ACTIONS = {"shortcut": shortcut, "open_tab": open_tab, "home_click": home_click}
