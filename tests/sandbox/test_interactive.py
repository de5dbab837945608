"""Slash commands, response_url and block_actions: signed form POSTs and how the bot's answers show up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from slack_sandbox import Sandbox
from tests.sandbox.helpers import Receiver

BUTTONS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Share this answer?"}},
    {
        "type": "actions",
        "block_id": "share",
        "elements": [
            {
                "type": "button",
                "action_id": "share_answer",
                "value": "ans-1",
                "text": {"type": "plain_text", "text": "Share"},
            },
            {
                "type": "button",
                "action_id": "keep_private",
                "value": "ans-1",
                "text": {"type": "plain_text", "text": "Keep"},
            },
        ],
    },
]


def test_slash_command_is_a_signed_form_post(sandbox: Sandbox, receiver: Receiver) -> None:
    receiver.reply = lambda _req: (200, "text/plain", b"")
    delivery = sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "history")
    assert delivery.status == 200
    (request,) = receiver.received()
    assert request.verified and request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = request.form()
    assert {
        k: form[k] for k in ("command", "text", "user_id", "user_name", "channel_id", "team_id", "api_app_id")
    } == {
        "command": "/glean",
        "text": "history",
        "user_id": "U_ALICE",
        "user_name": "alice",
        "channel_id": "C_GENERAL",
        "team_id": "T0SANDBOX",
        "api_app_id": "A0SANDBOX",
    }
    assert form["trigger_id"] and form["response_url"].startswith(sandbox.base_url)
    assert sandbox.ephemerals("C_GENERAL", "U_ALICE") == []  # an empty ack shows nothing


def test_command_ack_body_is_shown_to_the_user(sandbox: Sandbox, receiver: Receiver) -> None:
    receiver.reply = lambda _req: (200, "text/plain", b"Cleared your history.")
    delivery = sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "clear")
    assert delivery.response_body == "Cleared your history."
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_ALICE")] == ["Cleared your history."]
    receiver.reply = lambda _req: (
        200,
        "application/json",
        b'{"response_type": "in_channel", "text": "Hi all"}',
    )
    sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "hello")
    assert [m["text"] for m in sandbox.messages("C_GENERAL")] == ["Hi all"]


def test_command_error_status_is_returned(sandbox: Sandbox, receiver: Receiver) -> None:
    receiver.reply = lambda _req: (404, "application/json", b'{"error": "unhandled request"}')
    delivery = sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "x")
    assert delivery.status == 404 and not delivery.ok and delivery.json() == {"error": "unhandled request"}
    assert sandbox.ephemerals("C_GENERAL", "U_ALICE") == []


def test_response_url_takes_five_posts(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "history")
    webhook = WebhookClient(receiver.received()[0].form()["response_url"])
    for i in range(5):
        assert webhook.send(text=f"part {i}").status_code == 200
    sixth = webhook.send(text="one too many")
    assert sixth.status_code == 404 and json.loads(sixth.body)["error"] == "used_url"
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_ALICE")] == [f"part {i}" for i in range(5)]
    assert sandbox.ephemerals("C_GENERAL", "U_BOB") == [] and sandbox.messages("C_GENERAL") == []


def test_response_url_in_channel_and_replace(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "share")
    webhook = WebhookClient(receiver.received()[0].form()["response_url"])
    webhook.send(text="Working on it…")
    webhook.send(text="Here is the answer", replace_original=True)
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_ALICE")] == ["Here is the answer"]
    webhook.send(text="Posted for everyone", response_type="in_channel")
    assert [m["text"] for m in sandbox.messages("C_GENERAL")] == ["Posted for everyone"]
    assert sandbox.wait_for_deliveries()
    echoed = [e["event"] for e in sandbox.events("message")]
    assert echoed[-1]["bot_id"] == "BBOT" and echoed[-1]["text"] == "Posted for everyone"
    assert webhook.send(text="").status_code == 400  # no_text


def test_block_actions_payload(client: WebClient, sandbox: Sandbox, receiver: Receiver) -> None:
    question = sandbox.post_message("U_ALICE", "C_GENERAL", "q?")
    posted = client.chat_postMessage(
        channel="C_GENERAL", thread_ts=question["ts"], text="answer", blocks=BUTTONS
    )
    assert sandbox.wait_for_deliveries()
    before = len(receiver.received())
    delivery = sandbox.click("U_ALICE", "C_GENERAL", posted["ts"], "share_answer")
    assert delivery.ok
    request = receiver.received()[before]
    assert request.verified and request.headers["content-type"] == "application/x-www-form-urlencoded"
    payload = request.action_payload()
    assert payload["type"] == "block_actions" and payload["user"]["id"] == "U_ALICE"
    assert payload["channel"]["id"] == "C_GENERAL" and payload["message"]["ts"] == posted["ts"]
    assert payload["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": "C_GENERAL",
        "is_ephemeral": False,
        "thread_ts": question["ts"],
    }
    (action,) = payload["actions"]
    assert (action["action_id"], action["value"], action["block_id"], action["type"]) == (
        "share_answer",
        "ans-1",
        "share",
        "button",
    )
    assert payload["trigger_id"] and payload["response_url"].startswith(sandbox.base_url)


def test_action_response_url_replaces_and_deletes_original(
    client: WebClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    posted = client.chat_postMessage(channel="C_GENERAL", text="answer", blocks=BUTTONS)
    sandbox.click("U_ALICE", "C_GENERAL", posted["ts"], "keep_private")
    assert sandbox.wait_for_deliveries()
    payload = next(r.action_payload() for r in receiver.received() if "payload=" in r.body)
    webhook = WebhookClient(payload["response_url"])
    webhook.send(text="Kept private.", replace_original=True)
    replaced = sandbox.message("C_GENERAL", posted["ts"])
    assert replaced is not None and replaced["text"] == "Kept private." and "blocks" not in replaced
    webhook.send(delete_original=True)
    assert sandbox.message("C_GENERAL", posted["ts"]) is None


def test_click_on_an_ephemeral_message(client: WebClient, sandbox: Sandbox, receiver: Receiver) -> None:
    ts = client.chat_postEphemeral(
        channel="C_GENERAL", user="U_ALICE", text="private answer", blocks=BUTTONS
    )["message_ts"]
    sandbox.click("U_ALICE", "C_GENERAL", ts, "share_answer")
    payload: dict[str, Any] = receiver.received()[-1].action_payload()
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload
    WebhookClient(payload["response_url"]).send(text="Shared!", replace_original=True)
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_ALICE")] == ["Shared!"]
    with pytest.raises(ValueError, match="sees no message"):
        sandbox.click("U_BOB", "C_GENERAL", ts, "share_answer")  # someone else's ephemeral


def test_click_needs_an_existing_element(client: WebClient, sandbox: Sandbox) -> None:
    posted = client.chat_postMessage(channel="C_GENERAL", text="no buttons here")
    with pytest.raises(ValueError, match="no element with action_id"):
        sandbox.click("U_ALICE", "C_GENERAL", posted["ts"], "share_answer")


def test_hand_made_action_payload(sandbox: Sandbox, receiver: Receiver) -> None:
    response_url = sandbox.response_url("C_GENERAL", "U_BOB")
    payload = {"type": "block_actions", "user": {"id": "U_BOB"}, "response_url": response_url, "actions": []}
    assert sandbox.deliver_action(payload).ok
    assert receiver.received()[-1].verified and receiver.received()[-1].action_payload() == payload
    WebhookClient(response_url).send(text="for bob only")
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_BOB")] == ["for bob only"]
