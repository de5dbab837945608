"""Signed Events API delivery to a loopback receiver: envelopes, mentions, redelivery, the bot's own echoes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from slack_sandbox import Sandbox
from tests.sandbox.helpers import Receiver

MakeReceiver = Callable[[Sandbox], Receiver]


def event_types(receiver: Receiver) -> list[str]:
    return [e["event"]["type"] for e in receiver.events()]


def test_user_message_is_a_signed_event_callback(sandbox: Sandbox, receiver: Receiver) -> None:
    posted = sandbox.post_message("U_ALICE", "C_GENERAL", "what are the holidays?")
    (request,) = receiver.received()
    assert request.verified and request.path == "/slack/events"
    assert request.headers["content-type"] == "application/json"
    envelope = request.json()
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")
    assert envelope["team_id"] == "T0SANDBOX" and envelope["api_app_id"] == "A0SANDBOX"
    assert envelope["authorizations"][0]["user_id"] == "UBOT"
    event = envelope["event"]
    assert {k: event[k] for k in ("type", "channel", "channel_type", "user", "text", "ts", "event_ts")} == {
        "type": "message",
        "channel": "C_GENERAL",
        "channel_type": "channel",
        "user": "U_ALICE",
        "text": "what are the holidays?",
        "ts": posted["ts"],
        "event_ts": posted["ts"],
    }
    assert (
        event["team"] == "T0SANDBOX" and event["client_msg_id"] and event["blocks"][0]["type"] == "rich_text"
    )


def test_signature_uses_the_configured_secret(
    make_sandbox: Callable[..., Sandbox], make_receiver: MakeReceiver
) -> None:
    sb = make_sandbox(signing_secret="another-secret")
    receiver = make_receiver(sb)  # verifies with the secret the bot was given, not this one
    sb.post_message("U_ALICE", "C_GENERAL", "hi")
    assert [r.verified for r in receiver.received()] == [False]


def test_mention_yields_app_mention_and_message(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.post_message("U_ALICE", "C_GENERAL", "<@UBOT> when is payday?")
    envelopes = receiver.events()
    assert sorted(e["event"]["type"] for e in envelopes) == ["app_mention", "message"]
    assert len({e["event_id"] for e in envelopes}) == 2
    mention = next(e["event"] for e in envelopes if e["event"]["type"] == "app_mention")
    assert "channel_type" not in mention and mention["user"] == "U_ALICE"
    assert all(r.verified for r in receiver.received())


def test_thread_reply_event_carries_thread_ts(sandbox: Sandbox, receiver: Receiver) -> None:
    parent = sandbox.post_message("U_ALICE", "C_GENERAL", "q?")
    sandbox.post_message("U_BOB", "C_GENERAL", "same question", thread_ts=parent["ts"])
    reply = receiver.events()[-1]["event"]
    assert reply["thread_ts"] == parent["ts"] and reply["parent_user_id"] == "U_ALICE"


def test_channel_types_and_subscriptions(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.post_message("U_ALICE", "G_PRIVATE", "private")
    sandbox.post_message("U_ALICE", "D_ALICE", "<@UBOT> dm")
    assert [(e["event"]["type"], e["event"]["channel_type"]) for e in receiver.events()] == [
        ("message", "group"),
        ("message", "im"),  # no app_mention in a DM
    ]
    sandbox.add_channel("C_QUIET", name="quiet", bot_is_member=False)
    sandbox.post_message("U_ALICE", "C_QUIET", "<@UBOT> are you here?")
    assert len(receiver.events()) == 2  # the bot is not in C_QUIET: nothing is delivered


def test_shared_channel_envelope(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.post_message("U_EXT", "C_SHARED", "hello from a partner")
    envelope = receiver.events()[0]
    assert envelope["is_ext_shared_channel"] is True and envelope["event"]["team"] == "T0PARTNER"


def test_file_share_event(sandbox: Sandbox, receiver: Receiver) -> None:
    message = sandbox.upload_file(
        "U_ALICE", "C_GENERAL", "plan.pdf", b"%PDF-1.4", mimetype="application/pdf", text="see"
    )
    event = receiver.events()[0]["event"]
    assert event["subtype"] == "file_share" and event["text"] == "see"
    (file,) = event["files"]
    assert file["id"] == message["files"][0]["id"] and file["url_private"].startswith(sandbox.files_url)
    assert (file["name"], file["mimetype"], file["filetype"], file["size"]) == (
        "plan.pdf",
        "application/pdf",
        "pdf",
        8,
    )


def test_redelivery_keeps_event_id_and_adds_retry_headers(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.post_message("U_ALICE", "C_GENERAL", "hi")
    sandbox.redeliver_last()
    sandbox.redeliver_last(reason="http_error")
    first, second, third = receiver.received()
    assert first.json()["event_id"] == second.json()["event_id"] == third.json()["event_id"]
    assert "x-slack-retry-num" not in first.headers
    assert (second.headers["x-slack-retry-num"], second.headers["x-slack-retry-reason"]) == (
        "1",
        "http_timeout",
    )
    assert (third.headers["x-slack-retry-num"], third.headers["x-slack-retry-reason"]) == ("2", "http_error")
    assert all(r.verified for r in receiver.received())
    assert len(sandbox.events()) == 1 and len(sandbox.deliveries("event")) == 3


def test_failed_deliveries_are_retried_when_enabled(
    make_sandbox: Callable[..., Sandbox], make_receiver: MakeReceiver
) -> None:
    sb = make_sandbox(redeliver_failed=True)
    receiver = make_receiver(sb)
    answers = iter([(500, "text/plain", b"boom"), (200, "text/plain", b"")])
    receiver.reply = lambda _req: next(answers)
    sb.post_message("U_ALICE", "C_GENERAL", "hi")
    first, retry = receiver.received()
    assert retry.headers["x-slack-retry-num"] == "1" and retry.headers["x-slack-retry-reason"] == "http_error"
    assert first.json()["event_id"] == retry.json()["event_id"]
    assert [d.status for d in sb.deliveries("event")] == [500, 200]


def test_raw_deliver_of_a_bare_event(sandbox: Sandbox, receiver: Receiver) -> None:
    delivery = sandbox.deliver({"type": "reaction_added", "user": "U_ALICE", "reaction": "eyes"}, retry_num=2)
    assert delivery.ok and delivery.event_id
    (request,) = receiver.received()
    assert request.json()["event"]["type"] == "reaction_added" and request.headers["x-slack-retry-num"] == "2"


def test_bots_own_messages_come_back_as_events(
    client: WebClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    question = sandbox.post_message("U_ALICE", "C_GENERAL", "q?")
    posted = client.chat_postMessage(channel="C_GENERAL", text="answer", thread_ts=question["ts"])
    client.chat_update(channel="C_GENERAL", ts=posted["ts"], text="better answer")
    client.chat_delete(channel="C_GENERAL", ts=posted["ts"])
    assert sandbox.wait_for_deliveries()
    events: list[dict[str, Any]] = [e["event"] for e in receiver.events()][1:]
    assert [(e.get("subtype"), e.get("bot_id"), e.get("user")) for e in events[:1]] == [
        (None, "BBOT", "UBOT")
    ]
    assert events[0]["thread_ts"] == question["ts"]
    assert [e.get("subtype") for e in events[1:]] == ["message_changed", "message_deleted"]
    assert (
        events[1]["message"]["text"] == "better answer" and events[1]["previous_message"]["text"] == "answer"
    )
    assert events[2]["deleted_ts"] == posted["ts"]


def test_bot_echoes_can_be_switched_off(
    make_sandbox: Callable[..., Sandbox], make_receiver: MakeReceiver
) -> None:
    sb = make_sandbox(deliver_bot_messages=False)
    receiver = make_receiver(sb)
    WebClient(token=sb.config.bot_token, base_url=sb.api_url).chat_postMessage(channel="C_GENERAL", text="x")
    assert sb.wait_for_deliveries() and receiver.received() == []


def test_user_edit_is_message_changed(sandbox: Sandbox, receiver: Receiver) -> None:
    posted = sandbox.post_message("U_ALICE", "C_GENERAL", "typo")
    sandbox.edit_message("U_ALICE", "C_GENERAL", posted["ts"], "fixed")
    event = receiver.events()[-1]["event"]
    assert event["subtype"] == "message_changed" and event["message"]["text"] == "fixed"
    assert event["previous_message"]["text"] == "typo"


def test_no_bot_url_records_but_sends_nothing(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.post_message("U_ALICE", "C_GENERAL", "<@UBOT> hi")
    assert [e["event"]["type"] for e in sandbox.events()] == ["app_mention", "message"]
    assert {d.error for d in sandbox.deliveries()} == {"no_bot_url"}


def test_url_verification(sandbox: Sandbox, receiver: Receiver) -> None:
    receiver.reply = lambda req: (200, "application/json", req.body.encode())  # echoes the challenge
    assert sandbox.verify_url() is True
    receiver.reply = lambda _req: (200, "text/plain", b"nope")
    assert sandbox.verify_url() is False
