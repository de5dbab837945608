"""A real Bolt app in HTTP mode against the sandbox: signatures verify, self-events are dropped, answers land."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from slack_sandbox import Sandbox


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def bolt_app(sandbox: Sandbox) -> Iterator[tuple[App, list[dict[str, Any]]]]:
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    app = App(client=client, signing_secret=sandbox.config.signing_secret)
    seen_messages: list[dict[str, Any]] = []

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], say: Say) -> None:
        say(text="Here is what I found.", thread_ts=event["ts"])

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        seen_messages.append(event)

    @app.command("/glean")
    def on_command(ack: Ack, command: dict[str, Any]) -> None:
        ack(f"Cleared: {command['text']}")

    @app.action("share_answer")
    def on_share(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Shared with the channel.", response_type="in_channel")

    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    sandbox.set_bot_url(f"http://127.0.0.1:{server.server_port}/slack/events")
    yield app, seen_messages
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_bolt_answers_a_mention_and_ignores_its_own_echo(
    sandbox: Sandbox, bolt_app: tuple[App, list[dict[str, Any]]]
) -> None:
    _app, seen_messages = bolt_app
    question = sandbox.post_message("U_ALICE", "C_GENERAL", "<@UBOT> when are the holidays?")
    assert all(d.status == 200 for d in sandbox.deliveries("event"))  # Bolt verified every signature
    thread = sandbox.wait_for(lambda: sandbox.messages("C_GENERAL", thread_ts=question["ts"])[1:])
    assert thread[0]["text"] == "Here is what I found." and thread[0]["bot_id"] == "BBOT"
    assert sandbox.wait_for_deliveries()
    echo = sandbox.wait_for(
        lambda: [d for d in sandbox.deliveries("event") if d.payload["event"].get("bot_id")]
    )
    assert echo[0].status == 200  # delivered and acked, but Bolt's self-event filter drops it
    # A later user message acts as a barrier: by the time it is seen, the earlier echo would have been too.
    sandbox.post_message("U_ALICE", "C_GENERAL", "thanks")
    sandbox.wait_for(lambda: any(e["text"] == "thanks" for e in seen_messages))
    assert sorted(e["text"] for e in seen_messages) == ["<@UBOT> when are the holidays?", "thanks"]


def test_bolt_command_ack_and_action_respond(
    client: WebClient, sandbox: Sandbox, bolt_app: tuple[App, list[dict[str, Any]]]
) -> None:
    delivery = sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "history")
    assert delivery.status == 200
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_ALICE")] == ["Cleared: history"]
    button = {"type": "button", "action_id": "share_answer", "text": {"type": "plain_text", "text": "Share"}}
    ts = client.chat_postEphemeral(
        channel="C_GENERAL", user="U_ALICE", text="answer", blocks=[{"type": "actions", "elements": [button]}]
    )["message_ts"]
    assert sandbox.click("U_ALICE", "C_GENERAL", ts, "share_answer").status == 200
    shared = sandbox.wait_for(lambda: sandbox.messages("C_GENERAL"))
    assert [m["text"] for m in shared] == ["Shared with the channel."]
