"""The browser UI's JSON API: it acts through the same signed delivery path as the tests, and shows each person
only what Slack would show them (their conversations, their ephemerals), live."""

from __future__ import annotations

import base64
import threading
import time
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient

from slack_sandbox import Sandbox
from tests.sandbox.helpers import Receiver


def ui_post(sb: Sandbox, route: str, payload: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(f"{sb.base_url}_ui/{route}", json=payload, headers=headers, timeout=10)


def ui_state(sb: Sandbox, user: str, since: str = "", wait_s: float = 0) -> dict[str, Any]:
    reply = httpx.get(
        f"{sb.base_url}_ui/state", params={"user": user, "since": since, "wait": str(wait_s)}, timeout=30
    )
    assert reply.status_code == 200, reply.text
    state: dict[str, Any] = reply.json()
    return state


def test_page_and_scripts_are_served_with_a_strict_content_security_policy(sandbox: Sandbox) -> None:
    page = httpx.get(sandbox.base_url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "view.js", "render.js", "style.css"):
        assert f"/ui/{name}" in page.text
        assert httpx.get(f"{sandbox.base_url}ui/{name}").status_code == 200
    assert httpx.get(f"{sandbox.base_url}ui/..%2Fsandbox.py").status_code == 404
    assert httpx.get(f"{sandbox.base_url}ui/missing.js").status_code == 404


def test_a_message_typed_in_the_page_reaches_the_bot_as_a_signed_event(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    reply = ui_post(sandbox, "post", {"user": "U_ALICE", "channel": "C_GENERAL", "text": "<@UBOT> holidays?"})
    assert reply.json()["ok"] is True
    events = [r.json()["event"] for r in receiver.requests]
    assert [e["type"] for e in events] == ["app_mention", "message"]
    assert all(r.verified for r in receiver.requests)
    assert events[1]["ts"] == reply.json()["ts"] and events[1]["user"] == "U_ALICE"
    shown = ui_state(sandbox, "U_ALICE")["messages"]["C_GENERAL"]
    assert [m["text"] for m in shown] == ["<@UBOT> holidays?"]


def test_a_thread_reply_from_the_page_carries_thread_ts(sandbox: Sandbox, receiver: Receiver) -> None:
    parent = sandbox.post_message("U_ALICE", "C_GENERAL", "question")
    ui_post(
        sandbox,
        "post",
        {"user": "U_BOB", "channel": "C_GENERAL", "text": "same here", "thread_ts": parent["ts"]},
    )
    assert receiver.requests[-1].json()["event"]["thread_ts"] == parent["ts"]
    state = ui_state(sandbox, "U_BOB")
    top = next(m for m in state["messages"]["C_GENERAL"] if m["ts"] == parent["ts"])
    assert top["reply_count"] == 1 and top["reply_users"] == ["U_BOB"]


def test_each_person_sees_only_their_conversations_and_ephemerals(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    client.chat_postEphemeral(channel="C_GENERAL", user="U_ALICE", text="only for Alice")
    alice, bob = ui_state(sandbox, "U_ALICE"), ui_state(sandbox, "U_BOB")
    assert [m["text"] for m in alice["ephemerals"]["C_GENERAL"]] == ["only for Alice"]
    assert bob["ephemerals"]["C_GENERAL"] == []
    alice_channels = {c["id"] for c in alice["channels"]}
    bob_channels = {c["id"] for c in bob["channels"]}
    assert {"C_GENERAL", "G_PRIVATE", "C_SHARED", "D_ALICE"} <= alice_channels
    assert "G_PRIVATE" not in bob_channels and "D_ALICE" not in bob_channels
    assert "D_BOB" in bob_channels  # the app's Messages tab: a DM with the bot for everyone
    assert bob["people"] == ["U_ALICE", "U_BOB"]  # the external user and the bot are not selectable
    assert (
        ui_post(sandbox, "post", {"user": "U_BOB", "channel": "G_PRIVATE", "text": "hi"}).status_code == 400
    )
    assert ui_post(sandbox, "post", {"user": "UBOT", "channel": "C_GENERAL", "text": "hi"}).status_code == 400


def test_the_long_poll_answers_as_soon_as_something_changes(sandbox: Sandbox) -> None:
    first = ui_state(sandbox, "U_ALICE")
    started = time.monotonic()
    unchanged = ui_state(sandbox, "U_ALICE", since=first["version"], wait_s=0.5)
    assert unchanged["version"] == first["version"]
    assert time.monotonic() - started >= 0.45

    timer = threading.Timer(0.3, lambda: sandbox.post_message("U_BOB", "C_GENERAL", "news"))
    timer.start()
    started = time.monotonic()
    changed = ui_state(sandbox, "U_ALICE", since=first["version"], wait_s=10)
    elapsed = time.monotonic() - started
    timer.join()
    assert changed["version"] != first["version"]
    assert [m["text"] for m in changed["messages"]["C_GENERAL"]] == ["news"]
    assert 0.25 < elapsed < 2.0


def test_a_streamed_answer_shows_while_streaming_and_after(sandbox: Sandbox) -> None:
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    question = sandbox.post_message("U_ALICE", "C_GENERAL", "holidays?")
    client.assistant_threads_setStatus(
        channel_id="C_GENERAL", thread_ts=question["ts"], status="is thinking…"
    )
    assert ui_state(sandbox, "U_ALICE")["statuses"]["C_GENERAL"] == {question["ts"]: "is thinking…"}
    started = client.chat_startStream(
        channel="C_GENERAL",
        thread_ts=question["ts"],
        recipient_user_id="U_ALICE",
        recipient_team_id="T0SANDBOX",
        markdown_text="The **holidays** are",
    )
    reply = next(m for m in ui_state(sandbox, "U_BOB")["messages"]["C_GENERAL"] if m["ts"] == started["ts"])
    assert (reply["stream"], reply["text"]) == ("streaming", "The **holidays** are")
    client.chat_appendStream(channel="C_GENERAL", ts=started["ts"], markdown_text=" in December.")
    client.chat_stopStream(
        channel="C_GENERAL",
        ts=started["ts"],
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*Sources*"}}],
    )
    state = ui_state(sandbox, "U_ALICE")
    reply = next(m for m in state["messages"]["C_GENERAL"] if m["ts"] == started["ts"])
    assert reply["stream"] == "stopped" and reply["text"].endswith("in December.")
    assert reply["blocks"][0]["text"]["text"] == "*Sources*"
    assert state["statuses"] == {}  # the bot's reply cleared the thread status, as in Slack


def test_a_file_uploaded_in_the_page_is_shared_and_downloadable_by_the_bot(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    content = b"Project Zephyr's code name is BLUE-HERON.\n"
    reply = ui_post(
        sandbox,
        "upload",
        {
            "user": "U_ALICE",
            "channel": "G_PRIVATE",
            "text": "what is the code name?",
            "name": "zephyr.txt",
            "mimetype": "text/plain",
            "content_base64": base64.b64encode(content).decode(),
        },
    )
    assert reply.json()["ok"] is True
    event = receiver.requests[-1].json()["event"]
    assert event["subtype"] == "file_share" and event["text"] == "what is the code name?"
    file = event["files"][0]
    download = httpx.get(file["url_private"], headers={"Authorization": f"Bearer {sandbox.config.bot_token}"})
    assert download.content == content
    # The page lets people open files shared where they can see them, and nowhere else.
    own = httpx.get(f"{sandbox.base_url}_ui/files/{file['id']}", params={"user": "U_ALICE"})
    assert own.content == content and own.headers["content-security-policy"] == "sandbox"
    other = httpx.get(f"{sandbox.base_url}_ui/files/{file['id']}", params={"user": "U_BOB"})
    assert other.status_code == 404
    bad = ui_post(
        sandbox, "upload", {"user": "U_ALICE", "channel": "C_GENERAL", "name": "x", "content_base64": "*"}
    )
    assert bad.json() == {"ok": False, "error": "invalid_base64"}


def test_slash_commands_are_delivered_and_their_ack_is_shown_to_the_user(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.reply = lambda _req: (200, "text/plain", b"Cleared your chats.")
    reply = ui_post(
        sandbox, "command", {"user": "U_BOB", "channel": "C_GENERAL", "command": "/glean", "text": "clear"}
    )
    assert reply.json() == {"ok": True, "delivered": True, "status": 200}
    form = receiver.requests[-1].form()
    assert (form["command"], form["text"], form["user_id"]) == ("/glean", "clear", "U_BOB")
    assert [m["text"] for m in ui_state(sandbox, "U_BOB")["ephemerals"]["C_GENERAL"]] == [
        "Cleared your chats."
    ]
    assert ui_state(sandbox, "U_ALICE")["ephemerals"]["C_GENERAL"] == []


def test_an_unknown_command_or_a_silent_app_gets_slackbots_error(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    before = len(receiver.requests)
    reply = ui_post(sandbox, "command", {"user": "U_ALICE", "channel": "C_GENERAL", "command": "/gleen"})
    assert reply.json()["error"] == "unknown_command" and len(receiver.requests) == before
    receiver.reply = lambda _req: (500, "text/plain", b"boom")
    reply = ui_post(sandbox, "command", {"user": "U_ALICE", "channel": "C_GENERAL", "command": "/glean"})
    assert reply.json()["error"] == "dispatch_failed"
    texts = [(m["user"], m["text"]) for m in ui_state(sandbox, "U_ALICE")["ephemerals"]["C_GENERAL"]]
    assert texts[0][0] == "USLACKBOT" and "`/gleen` is not a valid command" in texts[0][1]
    assert texts[1] == ("USLACKBOT", '`/glean` failed with the error "dispatch_failed"')


def test_a_button_click_in_the_page_is_a_signed_block_actions_post(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    blocks = [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "share",
                    "value": "s1",
                    "text": {"type": "plain_text", "text": "Share"},
                }
            ],
        }
    ]
    posted = client.chat_postMessage(channel="C_GENERAL", text="answer", blocks=blocks)
    reply = ui_post(
        sandbox,
        "click",
        {"user": "U_BOB", "channel": "C_GENERAL", "message_ts": posted["ts"], "action_id": "share"},
    )
    assert reply.json()["delivered"] is True
    payload = receiver.requests[-1].action_payload()
    assert receiver.requests[-1].verified
    assert (payload["user"]["id"], payload["actions"][0]["value"]) == ("U_BOB", "s1")
    missing = ui_post(
        sandbox,
        "click",
        {"user": "U_BOB", "channel": "C_GENERAL", "message_ts": posted["ts"], "action_id": "nope"},
    )
    assert missing.status_code == 400


def test_dismissing_an_ephemeral_and_switching_rate_limits(sandbox: Sandbox) -> None:
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    ts = client.chat_postEphemeral(channel="C_GENERAL", user="U_ALICE", text="psst")["message_ts"]
    assert ui_post(sandbox, "dismiss", {"user": "U_BOB", "channel": "C_GENERAL", "ts": ts}).status_code == 404
    assert ui_post(sandbox, "dismiss", {"user": "U_ALICE", "channel": "C_GENERAL", "ts": ts}).json()["ok"]
    assert ui_state(sandbox, "U_ALICE")["ephemerals"]["C_GENERAL"] == []
    assert ui_post(sandbox, "settings", {"rate_limits": True}).json()["rate_limits"] is True
    assert sandbox.rate_limits is True
    assert ui_state(sandbox, "U_ALICE")["workspace"]["rate_limits"] is True


@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ({"Origin": "https://evil.example"}, 403, "cross_origin_request"),
        ({"Host": "rebound.example:80"}, 403, "bad_host"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, 415, "json_required"),
    ],
)
def test_other_sites_cannot_act_through_the_page(
    sandbox: Sandbox, receiver: Receiver, headers: dict[str, str], status: int, error: str
) -> None:
    body = b'{"user": "U_ALICE", "channel": "C_GENERAL", "text": "hi"}'
    reply = httpx.post(
        f"{sandbox.base_url}_ui/post", content=body, headers={"Content-Type": "application/json", **headers}
    )
    assert (reply.status_code, reply.json()["error"]) == (status, error)
    assert receiver.requests == []
    same_origin = sandbox.base_url.rstrip("/")
    ok = httpx.post(
        f"{sandbox.base_url}_ui/post",
        content=body,
        headers={"Content-Type": "application/json", "Origin": same_origin},
    )
    assert ok.status_code == 200
