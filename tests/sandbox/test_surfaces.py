"""Message shortcuts and the Home tab: signed `message_action` payloads, views.publish checked as Slack checks it,
the published view kept per person, `app_home_opened` for tab home, and clicks in a Home view."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_sandbox import Sandbox
from tests.sandbox.helpers import MakeSandbox, Receiver

HOME: dict[str, Any] = {
    "type": "home",
    "blocks": [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*report.pdf*"},
            "accessory": {
                "type": "button",
                "action_id": "forget",
                "value": "file-1",
                "text": {"type": "plain_text", "text": "Forget"},
            },
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*notes.md*"},
            "accessory": {
                "type": "button",
                "action_id": "forget",
                "value": "file-2",
                "text": {"type": "plain_text", "text": "Forget"},
            },
        },
    ],
}


def _error(call: Any, **kwargs: Any) -> tuple[str, list[str]]:
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    response = raised.value.response
    return str(response["error"]), list((response.get("response_metadata") or {}).get("messages") or [])


def test_a_message_shortcut_is_a_signed_message_action(
    client: WebClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    root = sandbox.post_message("U_BOB", "C_GENERAL", "the launch moved")
    reply = sandbox.post_message("U_BOB", "C_GENERAL", "to March", thread_ts=root["ts"])
    delivery = sandbox.people.surfaces.message_shortcut(
        "U_ALICE", "C_GENERAL", reply["ts"], "gleanbot_ask_message"
    )
    [request] = [r for r in receiver.received() if "payload" in r.form()]
    assert request.verified
    payload = request.action_payload()
    assert payload == delivery.payload
    assert (payload["type"], payload["callback_id"], payload["user"]["id"], payload["channel"]["id"]) == (
        "message_action",
        "gleanbot_ask_message",
        "U_ALICE",
        "C_GENERAL",
    )
    assert payload["message_ts"] == reply["ts"] and payload["message"]["thread_ts"] == root["ts"]
    assert payload["message"]["text"] == "to March" and payload["response_url"].startswith("http")
    # Its trigger_id opens a modal, once, as a click's does.
    opened = client.views_open(
        trigger_id=payload["trigger_id"],
        view={"type": "modal", "title": {"type": "plain_text", "text": "Ask"}, "blocks": HOME["blocks"][:1]},
    )
    assert [v["id"] for v in sandbox.people.open_views("U_ALICE")] == [opened["view"]["id"]]
    # Slack's menu offers only the app's own shortcuts, on messages the person can see.
    with pytest.raises(ValueError, match="no message shortcut"):
        sandbox.people.surfaces.message_shortcut("U_ALICE", "C_GENERAL", reply["ts"], "not_in_manifest")
    with pytest.raises(ValueError, match="not in"):
        sandbox.people.surfaces.message_shortcut("U_BOB", "G_PRIVATE", reply["ts"], "gleanbot_ask_message")


def test_views_publish_checks_the_view_and_keeps_it_per_person(client: WebClient, sandbox: Sandbox) -> None:
    assert sandbox.people.surfaces.home("U_ALICE") is None
    error, messages = _error(client.views_publish, user_id="U_ALICE", view={**HOME, "type": "modal"})
    assert error == "invalid_arguments" and any("/view/type" in m for m in messages)
    error, messages = _error(client.views_publish, user_id="U_ALICE", view={"type": "home", "blocks": []})
    assert error == "invalid_arguments" and any("/view/blocks" in m for m in messages)
    bad_block = {"type": "home", "blocks": [{"type": "section"}]}
    assert _error(client.views_publish, user_id="U_ALICE", view=bad_block)[0] == "invalid_arguments"
    assert _error(client.views_publish, user_id="U_NOBODY", view=HOME)[0] == "invalid_arguments"
    too_large = {"type": "home", "blocks": HOME["blocks"], "private_metadata": "x" * 260_000}
    assert _error(client.views_publish, user_id="U_ALICE", view=too_large)[0] == "view_too_large"

    published = client.views_publish(user_id="U_ALICE", view=HOME)["view"]
    assert published["type"] == "home" and published["id"] and published["hash"]
    assert sandbox.people.surfaces.home("U_ALICE") == published
    assert sandbox.people.surfaces.home("U_BOB") is None
    # A stale hash loses the race, as in Slack; the current one (or none) wins.
    assert _error(client.views_publish, user_id="U_ALICE", view=HOME, hash="1.stale")[0] == "hash_conflict"
    again = client.views_publish(user_id="U_ALICE", view=HOME, hash=published["hash"])["view"]
    assert again["id"] == published["id"] and again["hash"] != published["hash"]


def test_home_tab_off_in_the_manifest_is_not_enabled(make_sandbox: MakeSandbox) -> None:
    sandbox = make_sandbox(home_tab=False)
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    assert _error(client.views_publish, user_id="U_ALICE", view=HOME)[0] == "not_enabled"


def test_opening_home_and_clicking_in_it_are_signed_deliveries(
    client: WebClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    opened = sandbox.people.surfaces.open_home("U_ALICE")
    assert opened is not None
    event = receiver.received()[-1].json()["event"]
    assert (event["type"], event["tab"], event["user"]) == ("app_home_opened", "home", "U_ALICE")
    assert "view" not in event  # nothing published yet
    client.views_publish(user_id="U_ALICE", view=HOME)
    sandbox.people.surfaces.open_home("U_ALICE")
    assert receiver.received()[-1].json()["event"]["view"]["blocks"] == HOME["blocks"]

    delivery = sandbox.people.surfaces.click_home("U_ALICE", "forget", "file-2")
    payload = receiver.received()[-1].action_payload()
    assert receiver.received()[-1].verified and payload == delivery.payload
    assert payload["container"] == {"type": "view", "view_id": payload["view"]["id"]}
    assert payload["actions"][0]["value"] == "file-2" and "response_url" not in payload
    with pytest.raises(ValueError, match="Home tab has no element"):
        sandbox.people.surfaces.click_home("U_ALICE", "forget", "file-9")
    with pytest.raises(ValueError, match="Home tab has no element"):
        sandbox.people.surfaces.click_home("U_BOB", "forget")
