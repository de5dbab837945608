"""Modals: the trigger_ids people's actions issue (one use each, for 3 s), the views the bot opened, and their fate."""

from __future__ import annotations

import copy
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import shapes

JsonDict = dict[str, Any]
TRIGGER_TTL_S = 3.0
"""Slack: a trigger_id must be exchanged for a view within 3 seconds of the action that made it."""


class ViewError(Exception):
    """A Web API error code for a views.* call (the API layer turns it into Slack's `ok: false` reply)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class OpenView:
    """A modal on someone's screen: the view as views.open answered it, and what its last submission got."""

    user: str
    view: JsonDict
    errors: dict[str, str] = field(default_factory=dict)
    """`response_action: errors` from the last submission's ack: block_id -> message shown under it."""
    closed: bool = False
    submissions: int = 0


class Views:
    """Every trigger_id the workspace issued and every modal the bot opened with one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._triggers: dict[str, tuple[str, float, bool]] = {}  # id -> (user, issued at, exchanged)
        self._views: dict[str, OpenView] = {}
        self._homes: dict[str, JsonDict] = {}  # user -> the Home tab view the app published for them
        self.trigger_ttl_s = TRIGGER_TTL_S

    def issue(self, user: str) -> str:
        trigger = shapes.trigger_id()
        with self._lock:
            self._triggers[trigger] = (user, time.monotonic(), False)
        return trigger

    def exchange(self, trigger_id: str) -> str:
        """The user the trigger was issued to; raises ViewError as Slack answers a bad trigger."""
        with self._lock:
            found = self._triggers.get(trigger_id)
            if found is None:
                raise ViewError("invalid_trigger_id")
            user, issued, exchanged = found
            if exchanged:
                raise ViewError("exchanged_trigger_id")
            if time.monotonic() - issued > self.trigger_ttl_s:
                raise ViewError("expired_trigger_id")
            self._triggers[trigger_id] = (user, issued, True)
        return user

    def open(self, user: str, view: JsonDict, *, team_id: str, app_id: str, bot_id: str) -> JsonDict:
        view_id = "V" + secrets.token_hex(5).upper()
        opened = _stored(view, view_id, team_id=team_id, app_id=app_id, bot_id=bot_id)
        with self._lock:
            self._views[view_id] = OpenView(user, opened)
        return copy.deepcopy(opened)

    def get(self, view_id: str) -> OpenView | None:
        with self._lock:
            return self._views.get(view_id)

    def open_for(self, user: str) -> list[JsonDict]:
        """The modals open on `user`'s screen, oldest first."""
        with self._lock:
            return [copy.deepcopy(v.view) for v in self._views.values() if v.user == user and not v.closed]

    def shown_to(self, user: str) -> list[JsonDict]:
        """For the browser page: each open modal of `user` with the errors its last submission got."""
        with self._lock:
            return [
                {"view": copy.deepcopy(v.view), "errors": dict(v.errors)}
                for v in self._views.values()
                if v.user == user and not v.closed
            ]

    def close(self, user: str, view_id: str) -> None:
        """The person closes (cancels) their modal; ValueError if they have no such modal open."""
        with self._lock:
            opened = self._views.get(view_id)
            if opened is None or opened.user != user or opened.closed:
                raise ValueError(f"{user} has no open modal {view_id}")
            opened.closed = True

    def publish(
        self, user: str, view: JsonDict, *, hash_: str | None, team_id: str, app_id: str, bot_id: str
    ) -> JsonDict:
        """views.publish: `user`'s Home tab becomes `view`; a stale `hash` is refused as Slack does."""
        with self._lock:
            current = self._homes.get(user)
            if hash_ is not None and current is not None and current["hash"] != hash_:
                raise ViewError("hash_conflict")
            view_id = current["id"] if current is not None else "V" + secrets.token_hex(5).upper()
            published = {
                **_stored(view, view_id, team_id=team_id, app_id=app_id, bot_id=bot_id),
                "close": None,
                "submit": None,
            }
            self._homes[user] = published
            return copy.deepcopy(published)

    def home(self, user: str) -> JsonDict | None:
        """The Home tab view last published for `user` (None: the app never published one)."""
        with self._lock:
            found = self._homes.get(user)
            return copy.deepcopy(found) if found is not None else None


def _stored(view: JsonDict, view_id: str, *, team_id: str, app_id: str, bot_id: str) -> JsonDict:
    """A view as Slack keeps and returns it: the app's fields plus Slack's own (ids, hash, empty state)."""
    return {
        **copy.deepcopy(view),
        "id": view_id,
        "team_id": team_id,
        "app_id": app_id,
        "bot_id": bot_id,
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "root_view_id": view_id,
        "previous_view_id": None,
    }
