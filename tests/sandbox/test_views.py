"""Modals: views.open with a click's trigger_id (checked as Slack checks it) and a signed view_submission."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_sandbox import Sandbox
from tests.sandbox.helpers import Receiver

BUTTON = [
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "why",
                "value": "v",
                "text": {"type": "plain_text", "text": "Why"},
            }
        ],
    }
]
MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "reason",
    "private_metadata": "ref-1",
    "title": {"type": "plain_text", "text": "What was wrong?"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "kind",
            "label": {"type": "plain_text", "text": "Reason"},
            "element": {
                "type": "radio_buttons",
                "action_id": "kind",
                "options": [
                    {"text": {"type": "plain_text", "text": "Wrong"}, "value": "wrong"},
                    {"text": {"type": "plain_text", "text": "Other"}, "value": "other"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "more",
            "optional": True,
            "label": {"type": "plain_text", "text": "More"},
            "element": {"type": "plain_text_input", "action_id": "more", "multiline": True},
        },
    ],
}


def click_trigger(client: WebClient, sandbox: Sandbox, receiver: Receiver) -> str:
    posted = client.chat_postMessage(channel="C_GENERAL", text="answer", blocks=BUTTON)
    delivery = sandbox.click("U_ALICE", "C_GENERAL", str(posted["ts"]), "why")
    trigger: str = delivery.payload["trigger_id"]
    return trigger


def test_a_modal_opens_once_per_trigger_and_its_submission_is_signed(
    client: WebClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    trigger = click_trigger(client, sandbox, receiver)
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert opened["id"] and opened["private_metadata"] == "ref-1"
    assert [v["id"] for v in sandbox.people.open_views("U_ALICE")] == [opened["id"]]
    assert sandbox.people.open_views("U_BOB") == []
    with pytest.raises(SlackApiError) as again:
        client.views_open(trigger_id=trigger, view=MODAL)
    assert again.value.response["error"] == "exchanged_trigger_id"

    submitted = sandbox.people.submit_view(
        "U_ALICE", opened["id"], {"kind": "wrong", "more": "The 2024 list"}
    )
    [request] = [r for r in receiver.received() if "payload" in r.form()][-1:]
    assert request.verified
    payload = request.action_payload()
    assert payload == submitted.payload
    assert (payload["type"], payload["user"]["id"], payload["view"]["callback_id"]) == (
        "view_submission",
        "U_ALICE",
        "reason",
    )
    values = payload["view"]["state"]["values"]
    assert values["kind"]["kind"]["selected_option"]["value"] == "wrong"
    assert values["more"]["more"] == {"type": "plain_text_input", "value": "The 2024 list"}
    assert sandbox.people.open_views("U_ALICE") == []  # the empty ack closed it


def test_an_errors_ack_keeps_the_modal_open(client: WebClient, sandbox: Sandbox, receiver: Receiver) -> None:
    opened = client.views_open(trigger_id=click_trigger(client, sandbox, receiver), view=MODAL)["view"]
    body = json.dumps({"response_action": "errors", "errors": {"more": "Too long"}}).encode()
    receiver.reply = lambda _req: (200, "application/json", body)
    sandbox.people.submit_view("U_ALICE", opened["id"], {"kind": "other"})
    assert sandbox.people.modal_errors(opened["id"]) == {"more": "Too long"}
    assert [v["id"] for v in sandbox.people.open_views("U_ALICE")] == [opened["id"]]


def test_what_the_client_would_never_submit_is_refused(
    client: WebClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    opened = client.views_open(trigger_id=click_trigger(client, sandbox, receiver), view=MODAL)["view"]
    with pytest.raises(ValueError, match="required"):
        sandbox.people.submit_view("U_ALICE", opened["id"], {"more": "no reason chosen"})
    with pytest.raises(ValueError, match="no option"):
        sandbox.people.submit_view("U_ALICE", opened["id"], {"kind": "meh"})
    with pytest.raises(ValueError, match="no open modal"):
        sandbox.people.submit_view("U_BOB", opened["id"], {"kind": "wrong"})


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"type": "home"}, "invalid_arguments"),
        ({"title": {"type": "plain_text", "text": "x" * 25}}, "invalid_arguments"),
        ({"submit": None}, "invalid_arguments"),
        ({"private_metadata": "x" * 3001}, "invalid_arguments"),
        ({"blocks": []}, "invalid_arguments"),
    ],
)
def test_a_view_slack_would_refuse_is_refused_with_its_reason(
    client: WebClient, sandbox: Sandbox, receiver: Receiver, change: dict[str, Any], error: str
) -> None:
    view = {k: v for k, v in {**MODAL, **change}.items() if v is not None}
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id=click_trigger(client, sandbox, receiver), view=view)
    assert refused.value.response["error"] == error
    assert refused.value.response["response_metadata"]["messages"]


def test_unknown_and_expired_triggers(client: WebClient, sandbox: Sandbox, receiver: Receiver) -> None:
    with pytest.raises(SlackApiError) as unknown:
        client.views_open(trigger_id="123.456.abc", view=MODAL)
    assert unknown.value.response["error"] == "invalid_trigger_id"
    sandbox.ws.views.trigger_ttl_s = 0.05
    trigger = click_trigger(client, sandbox, receiver)
    time.sleep(0.1)
    with pytest.raises(SlackApiError) as late:
        client.views_open(trigger_id=trigger, view=MODAL)
    assert late.value.response["error"] == "expired_trigger_id"


def test_closing_a_modal_sends_nothing_and_only_its_owner_can(
    client: WebClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    opened = client.views_open(trigger_id=click_trigger(client, sandbox, receiver), view=MODAL)["view"]
    before = len(receiver.received())
    with pytest.raises(ValueError, match="no open modal"):
        sandbox.people.close_view("U_BOB", opened["id"])
    sandbox.people.close_view("U_ALICE", opened["id"])
    assert sandbox.people.open_views("U_ALICE") == []
    assert len(receiver.received()) == before  # no view_closed: the modal did not ask for it
    with pytest.raises(ValueError, match="no open modal"):
        sandbox.people.submit_view("U_ALICE", opened["id"], {"kind": "wrong"})
