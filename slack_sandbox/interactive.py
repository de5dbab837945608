"""What users do with the app's UI: slash commands, button clicks and modal submissions, as Slack's signed form POSTs."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import urlencode

from .blocks import find_action
from .config import SandboxConfig
from .delivery import Deliverer, Delivery
from .responses import ResponseUrls, Target
from .state import Message, Workspace

JsonDict = dict[str, Any]
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class Interactions:
    """Builds command forms and `block_actions` payloads, each with a fresh response_url."""

    def __init__(
        self, config: SandboxConfig, ws: Workspace, deliverer: Deliverer, responses: ResponseUrls
    ) -> None:
        self._config = config
        self._ws = ws
        self._deliverer = deliverer
        self._responses = responses

    def slash_command(self, user: str, channel_id: str, command: str, text: str) -> Delivery:
        acked = threading.Event()
        target = Target(channel=channel_id, user=user, acked=acked)
        channel = self._ws.channels[channel_id]
        form = {
            "token": self._config.verification_token,
            "team_id": self._config.team_id,
            "team_domain": self._config.team_domain,
            "channel_id": channel_id,
            "channel_name": "directmessage" if channel.get("is_im") else str(channel.get("name", "")),
            "user_id": user,
            "user_name": str(self._ws.users[user]["name"]),
            "command": command,
            "text": text,
            "api_app_id": self._config.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._responses.create(target),
            "trigger_id": self._ws.views.issue(user),
        }
        try:
            delivery = self._deliverer.send("command", urlencode(form), FORM_CONTENT_TYPE, form)
            if delivery.ok and delivery.response_body.strip():
                # Slack shows the ack's body: JSON as a message payload, anything else as plain text.
                self._responses.render(target, _ack_payload(delivery))
        finally:
            acked.set()
        return delivery

    def click(
        self, user: str, channel_id: str, message_ts: str, action_id: str, value: str | None
    ) -> Delivery:
        message = self._ws.get(channel_id, message_ts) or self._ws.get_ephemeral(channel_id, message_ts)
        if message is None or message.ephemeral_user not in (None, user):
            raise ValueError(f"{user} sees no message {message_ts} in {channel_id}")
        found = find_action(message.data.get("blocks") or [], action_id)
        if found is None:
            raise ValueError(f"message {message_ts} has no element with action_id {action_id!r}")
        block_id, element = found
        is_ephemeral = message.ephemeral_user is not None
        target = Target(channel_id, user, message.thread_ts, (channel_id, message.ts, is_ephemeral))
        payload = self._block_actions(user, channel_id, message, _action(block_id, element, value))
        payload["response_url"] = self._responses.create(target)
        return self.deliver_action(payload)

    def response_url(self, channel_id: str, user: str, thread_ts: str | None) -> str:
        return self._responses.create(Target(channel=channel_id, user=user, thread_ts=thread_ts))

    def deliver_action(self, payload: JsonDict) -> Delivery:
        """Sign and POST a hand-made interactivity payload (e.g. one Slack would never send)."""
        body = urlencode({"payload": json.dumps(payload)})
        return self._deliverer.send("action", body, FORM_CONTENT_TYPE, payload)

    def submit_view(self, user: str, view_id: str, answers: dict[str, str | None]) -> Delivery:
        """Press a modal's submit button with `answers` (action_id -> chosen option value or typed text).

        Refused (ValueError) where Slack's client would not send it: not the user's open modal, a required
        input left empty, an option the element does not offer. The ack decides the modal's fate as in
        Slack: empty closes it, `response_action: errors` keeps it open with the messages, `update` replaces it.
        """
        opened = self._ws.views.get(view_id)
        if opened is None or opened.user != user or opened.closed:
            raise ValueError(f"{user} has no open modal {view_id}")
        values = view_state(opened.view, answers)
        view = {**opened.view, "state": {"values": values}}
        payload: JsonDict = {
            "type": "view_submission",
            "team": {"id": self._config.team_id, "domain": self._config.team_domain},
            "user": self._user(user),
            "api_app_id": self._config.api_app_id,
            "token": self._config.verification_token,
            "trigger_id": self._ws.views.issue(user),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        delivery = self.deliver_action(payload)
        opened.submissions += 1
        ack = _ack_payload(delivery) if delivery.ok and delivery.response_body.strip() else {}
        action = ack.get("response_action")
        if action == "errors" and isinstance(ack.get("errors"), dict):
            opened.errors = {str(k): str(v) for k, v in ack["errors"].items()}
        elif action == "update" and isinstance(ack.get("view"), dict):
            opened.view = {**opened.view, **ack["view"], "state": {"values": {}}}
        elif delivery.ok:
            opened.closed = True  # an empty ack (or `clear`) closes the modal
        return delivery

    def _user(self, user: str) -> JsonDict:
        """The `user` object of an interaction payload, as Slack sends it."""
        data = self._ws.users[user]
        return {"id": user, "username": data["name"], "name": data["name"], "team_id": data["team_id"]}

    def _block_actions(self, user: str, channel_id: str, message: Message, action: JsonDict) -> JsonDict:
        is_ephemeral = message.ephemeral_user is not None
        container: JsonDict = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        if message.thread_ts:
            container["thread_ts"] = message.thread_ts
        payload: JsonDict = {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": self._config.api_app_id,
            "token": self._config.verification_token,
            "container": container,
            "trigger_id": self._ws.views.issue(user),
            "team": {"id": self._config.team_id, "domain": self._config.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel_id, "name": self._ws.channels[channel_id].get("name", "directmessage")},
            "state": {"values": {}},
            "actions": [action],
        }
        if not is_ephemeral:  # Slack leaves ephemeral messages out of the payload
            data = message.public()
            data.pop("channel", None)
            payload["message"] = data
        return payload


def _action(block_id: str, element: JsonDict, value: str | None) -> JsonDict:
    """The `actions[0]` entry for a clicked element; `value` overrides the element's own value."""
    action: JsonDict = {
        "action_id": element["action_id"],
        "block_id": block_id,
        "type": element.get("type"),
        "action_ts": f"{time.time():.6f}",
    }
    if "text" in element:
        action["text"] = element["text"]
    chosen = value if value is not None else element.get("value")
    options = element.get("options")
    if isinstance(options, list):
        action["selected_option"] = next(
            (o for o in options if isinstance(o, dict) and o.get("value") == chosen), None
        )
    elif chosen is not None:
        action["value"] = chosen
    return action


def _ack_payload(delivery: Delivery) -> JsonDict:
    body = delivery.response_body.strip()
    if body.startswith("{"):
        try:
            decoded = json.loads(body)
        except json.JSONDecodeError:
            decoded = None
        if isinstance(decoded, dict):
            return decoded
    return {"text": body}


def view_state(view: JsonDict, answers: dict[str, str | None]) -> JsonDict:
    """`view.state.values` for these answers: block_id -> action_id -> the element's value, as Slack sends it."""
    values: JsonDict = {}
    unused = dict(answers)
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block["element"]
        action_id = element["action_id"]
        answer = unused.pop(action_id, None)
        if answer in (None, "") and not block.get("optional"):
            raise ValueError(f"Slack would not submit: the input {action_id!r} is required")
        entry: JsonDict = {"type": element["type"]}
        if element["type"] == "plain_text_input":
            entry["value"] = answer or None
        else:
            option = next((o for o in element.get("options", []) if o.get("value") == answer), None)
            if answer and option is None:
                raise ValueError(f"{action_id!r} offers no option {answer!r}")
            entry["selected_option"] = option
        values[str(block.get("block_id") or action_id)] = {action_id: entry}
    if unused:
        raise ValueError(f"the modal has no inputs {sorted(unused)}")
    return values
