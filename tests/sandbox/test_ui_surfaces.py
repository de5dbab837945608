"""The page's app surfaces over its JSON API: the agent container, a message's ⋯ menu and the Home / Messages
tabs each reach the bot as Slack's own signed requests, and the snapshot shows only what the bot set."""

from __future__ import annotations

from pathlib import Path

import yaml
from slack_sdk import WebClient

from slack_sandbox import Sandbox
from slack_sandbox.config import DEFAULT_MESSAGE_SHORTCUTS
from slack_sandbox.ui_surfaces import MESSAGE_SHORTCUTS
from tests.sandbox.helpers import Receiver
from tests.sandbox.test_ui_api import ui_post, ui_state

MANIFEST = Path(__file__).resolve().parents[2] / "app_manifest.yml"


def test_the_menu_lists_the_shortcuts_of_the_app_s_manifest() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    declared = {s["callback_id"]: s for s in manifest["features"]["shortcuts"] if s["type"] == "message"}
    assert set(declared) == set(DEFAULT_MESSAGE_SHORTCUTS) == set(MESSAGE_SHORTCUTS)
    for callback_id, shown in MESSAGE_SHORTCUTS.items():
        assert (shown["name"], shown["description"]) == (
            declared[callback_id]["name"],
            declared[callback_id]["description"],
        )


def test_opening_and_moving_the_container_are_signed_assistant_events(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    opened = ui_post(sandbox, "agent_open", {"user": "U_ALICE", "channel": "C_GENERAL"}).json()
    assert opened["ok"] and opened["delivered"] and opened["channel"] == "D_ALICE"
    started = receiver.requests[-1]
    assert started.verified and started.json()["event"]["type"] == "assistant_thread_started"
    assert started.json()["event"]["assistant_thread"]["context"]["channel_id"] == "C_GENERAL"
    moved = ui_post(
        sandbox, "agent_move", {"user": "U_ALICE", "thread_ts": opened["thread_ts"], "channel": "G_PRIVATE"}
    )
    assert moved.json()["delivered"] is True
    event = receiver.requests[-1].json()["event"]
    assert (event["type"], event["assistant_thread"]["context"]["channel_id"]) == (
        "assistant_thread_context_changed",
        "G_PRIVATE",
    )
    # Nobody moves beside a channel they cannot see, nor asks in someone else's container thread.
    hidden = ui_post(sandbox, "agent_move", {"user": "U_BOB", "thread_ts": opened["thread_ts"]})
    assert hidden.status_code == 400
    beside_private = ui_post(sandbox, "agent_open", {"user": "U_BOB", "channel": "G_PRIVATE"})
    assert beside_private.status_code == 400
    asked = ui_post(sandbox, "agent_ask", {"user": "U_ALICE", "thread_ts": opened["thread_ts"], "text": "hi"})
    event = receiver.requests[-1].json()["event"]
    assert (event["channel_type"], event["thread_ts"], event["ts"]) == (
        "im",
        opened["thread_ts"],
        asked.json()["ts"],
    )


def test_the_container_shows_the_status_title_and_the_latest_prompts(sandbox: Sandbox) -> None:
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    opened = ui_post(sandbox, "agent_open", {"user": "U_ALICE", "channel": "C_GENERAL"}).json()
    thread_ts = opened["thread_ts"]
    first = [{"title": "Holidays", "message": "What are the holidays?"}]
    client.assistant_threads_setSuggestedPrompts(channel_id="D_ALICE", thread_ts=thread_ts, prompts=first)
    client.chat_postMessage(channel="D_ALICE", thread_ts=thread_ts, text="Hi!")
    [shown] = ui_state(sandbox, "U_ALICE")["agent"]
    assert (shown["prompts"]["prompts"], shown["prompts_for"], shown["status"]) == (first, "thread", None)
    assert ui_state(sandbox, "U_BOB")["agent"] == []  # Alice's container is hers

    ui_post(
        sandbox, "agent_ask", {"user": "U_ALICE", "thread_ts": thread_ts, "text": "What are the holidays?"}
    )
    client.assistant_threads_setStatus(
        channel_id="D_ALICE", thread_ts=thread_ts, status="is thinking…", loading_messages=["Searching…"]
    )
    client.assistant_threads_setTitle(channel_id="D_ALICE", thread_ts=thread_ts, title="Holidays")
    [shown] = ui_state(sandbox, "U_ALICE")["agent"]
    assert shown["status"] == {"status": "is thinking…", "loading_messages": ["Searching…"]}
    assert shown["title"] == "Holidays"

    # The answer ends the status; the follow-ups set for the conversation's latest message become the chips.
    client.chat_postMessage(channel="D_ALICE", thread_ts=thread_ts, text="New Year's Day, …")
    follow_ups = [{"title": "And contractors?", "message": "And for contractors?"}]
    client.assistant_threads_setSuggestedPrompts(channel_id="D_ALICE", prompts=follow_ups, title="Related")
    [shown] = ui_state(sandbox, "U_ALICE")["agent"]
    assert shown["status"] is None
    assert (shown["prompts"], shown["prompts_for"]) == (
        {"title": "Related", "prompts": follow_ups},
        "conversation",
    )


def test_a_shortcut_and_the_home_tab_are_signed_as_slack_sends_them(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    note = sandbox.post_message("U_BOB", "C_GENERAL", "the office is closed on Friday")
    reply = ui_post(
        sandbox,
        "shortcut",
        {
            "user": "U_ALICE",
            "channel": "C_GENERAL",
            "message_ts": note["ts"],
            "callback_id": "gleanbot_ask_message",
        },
    )
    assert reply.json()["delivered"] is True
    payload = receiver.requests[-1].action_payload()
    assert receiver.requests[-1].verified
    assert (payload["type"], payload["user"]["id"], payload["message"]["ts"]) == (
        "message_action",
        "U_ALICE",
        note["ts"],
    )
    unknown = {"user": "U_ALICE", "channel": "C_GENERAL", "message_ts": note["ts"], "callback_id": "nope"}
    assert ui_post(sandbox, "shortcut", unknown).status_code == 400

    assert ui_post(sandbox, "open_tab", {"user": "U_ALICE", "tab": "home"}).json()["delivered"] is True
    event = receiver.requests[-1].json()["event"]
    assert (event["type"], event["tab"], event["user"]) == ("app_home_opened", "home", "U_ALICE")
    assert ui_post(sandbox, "open_tab", {"user": "U_ALICE", "tab": "messages"}).json()["delivered"] is True
    assert receiver.requests[-1].json()["event"]["tab"] == "messages"
    assert ui_state(sandbox, "U_ALICE")["home"] is None
    assert ui_post(sandbox, "home_click", {"user": "U_ALICE", "action_id": "x"}).status_code == 400

    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    button = {
        "type": "button",
        "action_id": "clear",
        "value": "t1",
        "text": {"type": "plain_text", "text": "Clear"},
    }
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Chat*"}, "accessory": button}]
    client.views_publish(user_id="U_ALICE", view={"type": "home", "blocks": blocks})
    assert ui_state(sandbox, "U_ALICE")["home"]["blocks"][0]["accessory"]["value"] == "t1"
    assert ui_state(sandbox, "U_BOB")["home"] is None
    clicked = ui_post(sandbox, "home_click", {"user": "U_ALICE", "action_id": "clear", "value": "t1"})
    assert clicked.json()["delivered"] is True
    payload = receiver.requests[-1].action_payload()
    assert (payload["container"]["type"], payload["actions"][0]["value"]) == ("view", "t1")
