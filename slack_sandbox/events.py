"""Which Events API envelopes Slack would send for what happened, and sending them (retries included).

Rules modelled: events only for subscribed kinds (`message.channels`, `message.groups`, `message.im`,
`message.mpim`, `app_mention`) in conversations the bot is in, and the agent container's
(`assistant_thread_started`, `assistant_thread_context_changed`, `app_home_opened`, agent.py); a user's `<@BOT>` yields `app_mention` and
`message`, each with its own event_id; no `app_mention` in a DM; the bot's own posts, edits and deletes come back
as `message` events (`bot_id`, `message_changed`, `message_deleted`) unless `deliver_bot_messages` is off.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from typing import Any

from . import shapes
from .config import SandboxConfig
from .delivery import Deliverer, Delivery
from .state import Message, Workspace

JsonDict = dict[str, Any]
JSON_CONTENT_TYPE = "application/json"
_SUBSCRIPTION = {
    "channel": "message.channels",
    "group": "message.groups",
    "im": "message.im",
    "mpim": "message.mpim",
}


class EventSource:
    """Builds, signs (through `Deliverer`) and sends event envelopes."""

    def __init__(self, config: SandboxConfig, ws: Workspace, deliverer: Deliverer) -> None:
        self._config = config
        self._ws = ws
        self._deliverer = deliverer
        self._mention = re.compile(rf"<@{re.escape(config.bot_user_id)}(\|[^>]*)?>")
        self._lock = threading.Lock()
        self._event_ids: dict[str, JsonDict] = {}

    def _wants(self, channel_id: str, subscription: str) -> bool:
        return subscription in self._config.bot_events and self._ws.is_member(
            channel_id, self._config.bot_user_id
        )

    def _wrap(self, event: JsonDict, channel_id: str) -> JsonDict:
        event_id = self._ws.new_id("Ev")
        channel = self._ws.channels.get(channel_id, {})
        envelope = shapes.envelope(
            self._config, event, event_id, is_ext_shared=bool(channel.get("is_ext_shared"))
        )
        with self._lock:
            self._event_ids[event_id] = envelope
        return envelope

    def _message_event(self, message: Message) -> JsonDict:
        kind = self._ws.channel_type(message.channel)
        return shapes.message_event(message.data, channel=message.channel, channel_type=kind)

    # ---- what users do (sent synchronously: the caller gets the bot's answers) ----------------------------

    def user_message(self, message: Message) -> list[Delivery]:
        channel_id = message.channel
        kind = self._ws.channel_type(channel_id)
        envelopes: list[JsonDict] = []
        with self._ws.lock:
            data = copy.deepcopy(message.data)
            if (
                kind != "im"
                and self._mention.search(str(data.get("text", "")))
                and self._wants(channel_id, "app_mention")
            ):
                envelopes.append(self._wrap(shapes.app_mention_event(data, channel=channel_id), channel_id))
            if self._wants(channel_id, _SUBSCRIPTION[kind]):
                envelopes.append(self._wrap(self._message_event(message), channel_id))
        return [self.send(envelope) for envelope in envelopes]

    def app_event(self, event: JsonDict, channel_id: str) -> Delivery | None:
        """An event about the app itself (the agent container's), sent when the app subscribes to its type."""
        if event["type"] not in self._config.bot_events:
            return None
        with self._ws.lock:
            envelope = self._wrap(event, channel_id)
        return self.send(envelope)

    def user_edit(self, message: Message, previous: JsonDict, edited_ts: str) -> list[Delivery]:
        event = self._changed_event(message, previous, edited_ts)
        if event is None:
            return []
        return [self.send(self._wrap(event, message.channel))]

    def _changed_event(self, message: Message, previous: JsonDict, event_ts: str) -> JsonDict | None:
        kind = self._ws.channel_type(message.channel)
        if not self._wants(message.channel, _SUBSCRIPTION[kind]):
            return None
        current = copy.deepcopy(message.data)
        return {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "message": current,
            "previous_message": previous,
            "channel": message.channel,
            "channel_type": kind,
            "ts": event_ts,
            "event_ts": event_ts,
        }

    # ---- what the bot does (echoed in the background, as Slack does) --------------------------------------

    def bot_change(self, change: str, message: Message, previous: JsonDict | None) -> None:
        if not self._config.deliver_bot_messages or message.ephemeral_user is not None:
            return
        kind = self._ws.channel_type(message.channel)
        with self._ws.lock:
            if change == "posted":
                event: JsonDict | None = self._message_event(message)
            elif change == "changed" and previous is not None:
                edited = message.data.get("edited") or {}
                event = self._changed_event(message, previous, str(edited.get("ts") or self._ws.clock.next()))
            elif change == "deleted":
                event_ts = self._ws.clock.next()
                event = {
                    "type": "message",
                    "subtype": "message_deleted",
                    "hidden": True,
                    "deleted_ts": message.ts,
                    "previous_message": previous,
                    "channel": message.channel,
                    "channel_type": kind,
                    "ts": event_ts,
                    "event_ts": event_ts,
                }
            else:
                event = None
            if event is None or not self._wants(message.channel, _SUBSCRIPTION[kind]):
                return
            envelope = self._wrap(event, message.channel)
        self._deliverer.send_later("event", json.dumps(envelope), JSON_CONTENT_TYPE, envelope)

    # ---- raw sending ------------------------------------------------------------------------------------

    def send(
        self, envelope: JsonDict, retry_num: int | None = None, retry_reason: str | None = None
    ) -> Delivery:
        """POST an envelope (event_callback or url_verification) as-is, signed."""
        event_id = envelope.get("event_id")
        if isinstance(event_id, str):
            with self._lock:
                self._event_ids.setdefault(event_id, envelope)
        kind = "url_verification" if envelope.get("type") == "url_verification" else "event"
        return self._deliverer.send(
            kind,
            json.dumps(envelope),
            JSON_CONTENT_TYPE,
            envelope,
            retry_num=retry_num,
            retry_reason=retry_reason,
        )

    def wrap_bare(self, event: JsonDict) -> JsonDict:
        """Give a bare `event` dict a fresh envelope (for `Sandbox.deliver` of hand-made events)."""
        return self._wrap(event, str(event.get("channel", "")))

    def redeliver(self, event_id: str, reason: str) -> Delivery:
        """Slack's retry: the same envelope, the next `X-Slack-Retry-Num`, and a reason."""
        with self._lock:
            envelope = self._event_ids.get(event_id)
        if envelope is None:
            raise KeyError(f"no event {event_id} was delivered")
        attempts = [d.retry_num or 0 for d in self._deliverer.records("event") if d.event_id == event_id]
        return self.send(envelope, retry_num=max(attempts, default=0) + 1, retry_reason=reason)

    def deliver_raw(self, payload: JsonDict, retry_num: int | None, retry_reason: str | None) -> Delivery:
        """Sign and POST an envelope as-is (a bare `event` dict gets a fresh envelope)."""
        is_envelope = payload.get("type") in ("event_callback", "url_verification")
        envelope = payload if is_envelope else self.wrap_bare(payload)
        return self.send(envelope, retry_num=retry_num, retry_reason=retry_reason)

    def redeliver_last(self, reason: str, event_type: str | None) -> Delivery:
        """Slack's retry of the last event envelope sent (optionally the last of one event type)."""
        for delivery in reversed(self._deliverer.records("event")):
            if delivery.event_id and (event_type is None or delivery.event_type == event_type):
                return self.redeliver(delivery.event_id, reason)
        raise LookupError("no event has been delivered yet")

    def verify_url(self) -> bool:
        """Slack's `url_verification` handshake against the bot: True if the challenge came back."""
        challenge = shapes.trigger_id()
        envelope = {
            "token": self._config.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        delivery = self.deliver_raw(envelope, None, None)
        return delivery.ok and challenge in delivery.response_body
