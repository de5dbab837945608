"""The Home tab on the listener side: `app_home_opened` (tab home) and the tab's buttons, each queued as a command job.

The worker builds and publishes the view (workers.home: it needs Glean); every button's work ends with the
view published again. Ownership is checked in the worker against Redis, never taken from a button's value.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import redis
from rq import Queue
from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import clear_all_words
from core.blocks import plain_text
from core.contract import CommandJob, enqueue_command
from core.home_view import CLEAR_ALL_VIEW_CALLBACK_ID, refusal_view
from core.logs import log_event
from core.members import home_of, stranger_refusal
from core.settings import Settings
from core.store import Store

__all__ = ["HomeTab"]

log = logging.getLogger("gleanbot.commands")

Work = Callable[[dict[str, Any], WebClient, str, str], str]
"""(body, client, team_id, user_id) -> outcome, for one member's Home tab request."""


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


class HomeTab:
    """Listeners of the Home tab: its opening, Forget, Clear, Delete all (with its confirmation modal)."""

    def __init__(self, settings: Settings, store: Store, queue: Queue) -> None:
        self.settings = settings
        self.store = store
        self.queue = queue

    def _for_members(
        self, body: dict[str, Any], client: WebClient, context: BoltContext, user_id: str, work: Work
    ) -> None:
        """Run `work` for a member; a stranger's Home says why instead (and shows nothing of anyone's)."""
        home = home_of(context, body)
        user_team = _dig(body, "user", "team_id")
        refusal = stranger_refusal(
            client,
            self.store,
            home,
            user_id=user_id,
            user_team=user_team if isinstance(user_team, str) else None,
        )
        fields = {"team_id": home.team_id, "user_id": user_id, "command": "home"}
        if refusal is not None:
            try:
                client.views_publish(user_id=user_id, view=refusal_view(refusal))
            except SlackApiError as exc:
                log_event(log, "home_not_published", logging.WARNING, error=exc.response.get("error"))
            log_event(log, "command", reason="refused", **fields)
            return
        try:
            outcome = work(body, client, home.team_id, user_id)
        except redis.RedisError as exc:
            log_event(log, "redis_unavailable", logging.ERROR, error=type(exc).__name__)
            outcome = "queue_down"
        log_event(log, "command", reason=outcome, **fields)

    def _enqueue(self, team_id: str, user_id: str, kind: str, **extra: Any) -> str:
        job = CommandJob.model_validate(
            {
                "kind": kind,
                "team_id": team_id,
                "channel_id": extra.pop("channel_id", ""),
                "user_id": user_id,
                "response_url": "",
                "home": True,
                **extra,
            }
        )
        enqueue_command(self.queue, job)
        return "enqueued"

    def on_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """`app_home_opened` with tab home: the person's Home view, built and published by the worker."""
        user_id = event.get("user")
        if event.get("tab") != "home" or not isinstance(user_id, str):
            return  # the Messages tab is the agent container's (bot.listeners.agent)
        self._for_members(
            body, client, context, user_id, lambda _b, _c, team, user: self._enqueue(team, user, "home")
        )

    def _clicked(self, body: dict[str, Any]) -> tuple[str, str]:
        user_id = _dig(body, "user", "id")
        actions = body.get("actions")
        value = (
            actions[0].get("value")
            if isinstance(actions, list) and actions and isinstance(actions[0], dict)
            else None
        )
        return (user_id if isinstance(user_id, str) else ""), (value if isinstance(value, str) else "")

    def on_forget(self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        user_id, file_id = self._clicked(body)
        self._for_members(
            body,
            client,
            context,
            user_id,
            lambda _b, _c, team, user: (
                self._enqueue(team, user, "files_forget", file_id=file_id) if file_id else "malformed"
            ),
        )

    def on_clear(self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        user_id, value = self._clicked(body)
        channel_id, _, thread_ts = value.partition(":")

        def work(_b: dict[str, Any], _c: WebClient, team: str, user: str) -> str:
            if not channel_id or not thread_ts:
                return "malformed"
            return self._enqueue(team, user, "start_over", channel_id=channel_id, thread_ts=thread_ts)

        self._for_members(body, client, context, user_id, work)

    def on_clear_all(self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Delete all: the confirmation of `/glean clear all` (once, 15 minutes, this person only), as a modal."""
        ack()
        user_id, _ = self._clicked(body)

        def work(_b: dict[str, Any], _c: WebClient, team: str, user: str) -> str:
            nonce = secrets.token_urlsafe(16)
            self.store.save_confirmation(team, nonce, user)
            trigger_id = body.get("trigger_id")
            try:
                client.views_open(
                    trigger_id=trigger_id if isinstance(trigger_id, str) else "",
                    view=_confirm_view(nonce, clear_all_words(acts_as_asker=self.settings.acts_as_asker)),
                )
            except SlackApiError as exc:
                log_event(log, "home_modal_failed", logging.WARNING, error=exc.response.get("error"))
                return "modal_failed"
            return "confirmation_asked"

        self._for_members(body, client, context, user_id, work)

    def on_clear_all_confirmed(
        self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ack()  # closes the modal
        user_id = _dig(body, "user", "id")
        nonce = _dig(body, "view", "private_metadata")

        def work(_b: dict[str, Any], _c: WebClient, team: str, user: str) -> str:
            if not isinstance(nonce, str) or not self.store.take_confirmation(team, nonce, user):
                return "refused"  # expired, used already, or someone else's
            return self._enqueue(team, user, "clear_all")

        self._for_members(body, client, context, user_id if isinstance(user_id, str) else "", work)


def _confirm_view(nonce: str, what: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CLEAR_ALL_VIEW_CALLBACK_ID,
        "private_metadata": nonce,
        "title": plain_text("Delete all?"),
        "submit": plain_text("Delete them all"),
        "close": plain_text("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*Delete all your saved conversations?*\n{what}"},
            }
        ],
    }
