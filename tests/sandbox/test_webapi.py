"""The sandbox's Web API through a real slack_sdk WebClient: Slack's shapes, errors and body encodings."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_sandbox import Sandbox
from tests.sandbox.helpers import BOT_TOKEN


def slack_error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """Run a WebClient call that must fail and return Slack's error code."""
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return str(info.value.response["error"])


def raw_post(sb: Sandbox, method: str, body: bytes, content_type: str, token: str | None = BOT_TOKEN) -> Any:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{sb.api_url}{method}", data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def test_auth_test_identifies_the_bot(client: WebClient) -> None:
    body = client.auth_test().data
    assert isinstance(body, dict)
    assert (body["user_id"], body["bot_id"], body["team_id"]) == ("UBOT", "BBOT", "T0SANDBOX")


def test_missing_and_wrong_tokens(sandbox: Sandbox) -> None:
    assert slack_error(WebClient(base_url=sandbox.api_url).auth_test) == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=sandbox.api_url)
    assert slack_error(wrong.chat_postMessage, channel="C_GENERAL", text="hi") == "invalid_auth"
    assert sandbox.messages("C_GENERAL") == []


def test_unknown_method(client: WebClient) -> None:
    assert slack_error(client.api_call, "chat.teleport") == "unknown_method"


def test_post_message_shape_and_increasing_ts(client: WebClient, sandbox: Sandbox) -> None:
    first = client.chat_postMessage(channel="C_GENERAL", text="one")
    second = client.chat_postMessage(channel="#general", text="two")
    assert first["channel"] == second["channel"] == "C_GENERAL"
    assert first["message"]["bot_id"] == "BBOT" and first["message"]["user"] == "UBOT"
    assert first["message"]["text"] == "one" and first["ts"] == first["message"]["ts"]
    assert float(second["ts"]) > float(first["ts"])
    assert [m["text"] for m in sandbox.messages("C_GENERAL")] == ["one", "two"]


def test_deterministic_ts_sequence(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox(ts_start=1700000000.0001)
    client = WebClient(token=BOT_TOKEN, base_url=sb.api_url)
    ts = [client.chat_postMessage(channel="C_GENERAL", text=str(i))["ts"] for i in range(3)]
    assert ts == ["1700000000.000100", "1700000000.000200", "1700000000.000300"]


def test_post_to_user_id_opens_the_dm(client: WebClient) -> None:
    assert client.chat_postMessage(channel="U_ALICE", text="hi")["channel"] == "D_ALICE"
    assert client.chat_postMessage(channel="U_BOB", text="hi")["channel"] == "D_BOB"


def test_thread_reply_updates_parent(client: WebClient, sandbox: Sandbox) -> None:
    parent = sandbox.post_message("U_ALICE", "C_GENERAL", "question?")
    reply = client.chat_postMessage(channel="C_GENERAL", text="answer", thread_ts=parent["ts"])
    assert reply["message"]["thread_ts"] == parent["ts"]
    thread = sandbox.messages("C_GENERAL", thread_ts=parent["ts"])
    assert [m["text"] for m in thread] == ["question?", "answer"]
    assert thread[0]["reply_count"] == 1 and thread[0]["latest_reply"] == reply["ts"]
    assert [m["text"] for m in sandbox.messages("C_GENERAL")] == ["question?"]  # replies stay in the thread


def test_post_message_errors(client: WebClient) -> None:
    assert slack_error(client.chat_postMessage, channel="C_NOPE", text="x") == "channel_not_found"
    assert slack_error(client.api_call, "chat.postMessage", json={"channel": "C_GENERAL"}) == "no_text"
    assert slack_error(client.chat_postMessage, channel="C_GENERAL", text="x" * 40_001) == "msg_too_long"


def test_not_in_channel_and_hidden_private_channel(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.add_channel("C_QUIET", name="quiet", bot_is_member=False)
    sandbox.add_channel("G_SECRET", name="secret", is_private=True, members=["U_BOB"], bot_is_member=False)
    assert slack_error(client.chat_postMessage, channel="C_QUIET", text="x") == "not_in_channel"
    assert slack_error(client.chat_postMessage, channel="G_SECRET", text="x") == "channel_not_found"


@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        pytest.param(
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
            "invalid_blocks",
            id="section",
        ),
        pytest.param([{"type": "markdown", "text": "x" * 12_001}], "invalid_blocks", id="markdown"),
        pytest.param([{"type": "divider"}] * 51, "invalid_blocks", id="too-many"),
        pytest.param([{"type": "sparkles"}], "invalid_blocks", id="unknown-type"),
        pytest.param({"type": "divider"}, "invalid_blocks_format", id="not-a-list"),
    ],
)
def test_block_limits(client: WebClient, blocks: Any, error: str) -> None:
    assert slack_error(client.chat_postMessage, channel="C_GENERAL", text="t", blocks=blocks) == error


def test_block_error_points_at_the_block(client: WebClient) -> None:
    blocks = [{"type": "divider"}, {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C_GENERAL", text="t", blocks=blocks)
    assert "/blocks/1/text/text" in info.value.response["response_metadata"]["messages"][0]


def test_limits_at_the_edge_are_accepted(client: WebClient, sandbox: Sandbox) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}] + [
        {"type": "divider"}
    ] * 49
    client.chat_postMessage(channel="C_GENERAL", text="t", blocks=blocks)
    client.chat_postMessage(
        channel="C_GENERAL", text="t", blocks=[{"type": "markdown", "text": "y" * 12_000}]
    )
    client.chat_postMessage(channel="C_GENERAL", text="z" * 40_000)
    assert len(sandbox.messages("C_GENERAL")) == 3


def test_markdown_text_rules(client: WebClient, sandbox: Sandbox) -> None:
    client.chat_postMessage(channel="C_GENERAL", markdown_text="**bold**")
    assert sandbox.messages("C_GENERAL")[-1]["blocks"][0]["type"] == "markdown"
    assert (
        slack_error(client.chat_postMessage, channel="C_GENERAL", text="a", markdown_text="b")
        == "markdown_text_conflict"
    )
    assert (
        slack_error(client.chat_postMessage, channel="C_GENERAL", markdown_text="m" * 12_001)
        == "msg_too_long"
    )


def test_form_encoded_blocks_are_decoded(sandbox: Sandbox) -> None:
    from urllib.parse import urlencode

    blocks = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}])
    body = urlencode({"channel": "C_GENERAL", "text": "hi", "blocks": blocks}).encode()
    answer = raw_post(sandbox, "chat.postMessage", body, "application/x-www-form-urlencoded")
    assert answer["ok"] and answer["message"]["blocks"][0]["text"]["text"] == "hi"


def test_token_in_form_body_and_malformed_json(sandbox: Sandbox) -> None:
    answer = raw_post(
        sandbox, "auth.test", f"token={BOT_TOKEN}".encode(), "application/x-www-form-urlencoded", None
    )
    assert answer["ok"] is True
    assert raw_post(sandbox, "chat.postMessage", b"{nope", "application/json")["error"] == "invalid_json"
    assert all("token" not in c.params for c in sandbox.calls())  # tokens are never recorded


def test_update_edits_text_and_blocks(client: WebClient, sandbox: Sandbox) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "old"}}]
    posted = client.chat_postMessage(channel="C_GENERAL", text="old", blocks=blocks)
    new_blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "new"}}]
    updated = client.chat_update(channel="C_GENERAL", ts=posted["ts"], text="new", blocks=new_blocks)
    assert updated["ts"] == posted["ts"] and updated["text"] == "new"
    stored = sandbox.message("C_GENERAL", posted["ts"])
    assert stored is not None and stored["blocks"][0]["text"]["text"] == "new" and "edited" in stored
    client.chat_update(channel="C_GENERAL", ts=posted["ts"], text="plain now")
    stored = sandbox.message("C_GENERAL", posted["ts"])
    assert stored is not None and stored["text"] == "plain now" and "blocks" not in stored


def test_update_errors(client: WebClient, sandbox: Sandbox) -> None:
    user_msg = sandbox.post_message("U_ALICE", "C_GENERAL", "mine")
    assert (
        slack_error(client.chat_update, channel="C_GENERAL", ts="1.000001", text="x") == "message_not_found"
    )
    assert (
        slack_error(client.chat_update, channel="C_GENERAL", ts=user_msg["ts"], text="x")
        == "cant_update_message"
    )
    posted = client.chat_postMessage(channel="C_GENERAL", text="x")
    too_big = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    error = slack_error(client.chat_update, channel="C_GENERAL", ts=posted["ts"], text="x", blocks=too_big)
    assert error == "invalid_blocks"


def test_delete(client: WebClient, sandbox: Sandbox) -> None:
    posted = client.chat_postMessage(channel="C_GENERAL", text="bye")
    assert client.chat_delete(channel="C_GENERAL", ts=posted["ts"])["ts"] == posted["ts"]
    assert sandbox.messages("C_GENERAL") == []
    assert slack_error(client.chat_delete, channel="C_GENERAL", ts=posted["ts"]) == "message_not_found"
    user_msg = sandbox.post_message("U_ALICE", "C_GENERAL", "mine")
    assert slack_error(client.chat_delete, channel="C_GENERAL", ts=user_msg["ts"]) == "cant_delete_message"


def test_deleting_a_reply_updates_the_parent(client: WebClient, sandbox: Sandbox) -> None:
    parent = sandbox.post_message("U_ALICE", "C_GENERAL", "q?")
    reply = client.chat_postMessage(channel="C_GENERAL", text="a", thread_ts=parent["ts"])
    client.chat_delete(channel="C_GENERAL", ts=reply["ts"])
    stored = sandbox.message("C_GENERAL", parent["ts"])
    assert stored is not None and "reply_count" not in stored


def test_post_ephemeral(client: WebClient, sandbox: Sandbox) -> None:
    answer = client.chat_postEphemeral(channel="C_GENERAL", user="U_ALICE", text="only you")
    assert answer["message_ts"]
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_ALICE")] == ["only you"]
    assert sandbox.ephemerals("C_GENERAL", "U_BOB") == [] and sandbox.messages("C_GENERAL") == []
    assert (
        slack_error(client.chat_postEphemeral, channel="G_PRIVATE", user="U_BOB", text="x")
        == "user_not_in_channel"
    )
    assert (
        slack_error(client.chat_postEphemeral, channel="C_GENERAL", user="U_NOBODY", text="x")
        == "user_not_found"
    )


def test_get_permalink(client: WebClient, sandbox: Sandbox) -> None:
    parent = sandbox.post_message("U_ALICE", "C_GENERAL", "q?")
    reply = client.chat_postMessage(channel="C_GENERAL", text="a", thread_ts=parent["ts"])
    link = client.chat_getPermalink(channel="C_GENERAL", message_ts=parent["ts"])["permalink"]
    assert link.endswith("/archives/C_GENERAL/p" + parent["ts"].replace(".", ""))
    reply_link = client.chat_getPermalink(channel="C_GENERAL", message_ts=reply["ts"])["permalink"]
    assert f"thread_ts={parent['ts']}" in reply_link
    assert (
        slack_error(client.chat_getPermalink, channel="C_GENERAL", message_ts="1.000001")
        == "message_not_found"
    )


def test_users_info(client: WebClient) -> None:
    alice = client.users_info(user="U_ALICE")["user"]
    assert alice["profile"]["email"] == "alice@example.com"
    assert (alice["tz"], alice["tz_offset"], alice["is_bot"]) == ("America/Los_Angeles", -25200, False)
    assert client.users_info(user="UBOT")["user"]["is_bot"] is True
    assert slack_error(client.users_info, user="U_NOBODY") == "user_not_found"


def test_email_needs_its_scope(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox(bot_scopes={"users:read", "chat:write"})
    client = WebClient(token=BOT_TOKEN, base_url=sb.api_url)
    assert "email" not in client.users_info(user="U_ALICE")["user"]["profile"]
    with pytest.raises(SlackApiError) as info:
        client.conversations_info(channel="C_GENERAL")
    assert info.value.response["error"] == "missing_scope"
    assert info.value.response["needed"] == "channels:read"


@pytest.mark.parametrize(
    ("channel", "flags"),
    [
        ("C_GENERAL", {"is_channel": True, "is_private": False, "is_im": False, "is_ext_shared": False}),
        ("G_PRIVATE", {"is_channel": False, "is_private": True, "is_im": False, "is_ext_shared": False}),
        ("C_SHARED", {"is_channel": True, "is_private": False, "is_im": False, "is_ext_shared": True}),
        ("D_ALICE", {"is_channel": False, "is_private": True, "is_im": True, "is_ext_shared": False}),
    ],
)
def test_conversations_info_flags(client: WebClient, channel: str, flags: dict[str, bool]) -> None:
    info = client.conversations_info(channel=channel)["channel"]
    assert {k: info[k] for k in flags} == flags
    assert info["id"] == channel


def test_conversations_info_unknown(client: WebClient) -> None:
    assert slack_error(client.conversations_info, channel="C_NOPE") == "channel_not_found"


def test_history_and_replies(client: WebClient, sandbox: Sandbox) -> None:
    parent = sandbox.post_message("U_ALICE", "C_GENERAL", "q?")
    sandbox.post_message("U_BOB", "C_GENERAL", "me too", thread_ts=parent["ts"])
    later = sandbox.post_message("U_BOB", "C_GENERAL", "unrelated")
    history = client.conversations_history(channel="C_GENERAL")["messages"]
    assert [m["text"] for m in history] == ["unrelated", "q?"]  # newest first, replies not at channel level
    replies = client.conversations_replies(channel="C_GENERAL", ts=parent["ts"])["messages"]
    assert [m["text"] for m in replies] == ["q?", "me too"]
    one = client.conversations_history(channel="C_GENERAL", latest=later["ts"], inclusive=True, limit=1)
    assert [m["text"] for m in one["messages"]] == ["unrelated"] and one["has_more"] is True
    rest = client.conversations_history(channel="C_GENERAL", cursor=one["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["q?"]
    assert slack_error(client.conversations_replies, channel="C_GENERAL", ts="1.000001") == "thread_not_found"


def test_reactions(client: WebClient, sandbox: Sandbox) -> None:
    msg = sandbox.post_message("U_ALICE", "C_GENERAL", "q?")
    client.reactions_add(channel="C_GENERAL", timestamp=msg["ts"], name="eyes")
    stored = sandbox.message("C_GENERAL", msg["ts"])
    assert stored is not None and stored["reactions"] == [{"name": "eyes", "users": ["UBOT"], "count": 1}]
    assert (
        slack_error(client.reactions_add, channel="C_GENERAL", timestamp=msg["ts"], name="eyes")
        == "already_reacted"
    )
    client.reactions_remove(channel="C_GENERAL", timestamp=msg["ts"], name="eyes")
    stored = sandbox.message("C_GENERAL", msg["ts"])
    assert stored is not None and "reactions" not in stored
    assert (
        slack_error(client.reactions_remove, channel="C_GENERAL", timestamp=msg["ts"], name="eyes")
        == "no_reaction"
    )
    assert (
        slack_error(client.reactions_add, channel="C_GENERAL", timestamp="1.000001", name="eyes")
        == "message_not_found"
    )


def test_assistant_status_set_and_cleared_by_reply(client: WebClient, sandbox: Sandbox) -> None:
    msg = sandbox.post_message("U_ALICE", "D_ALICE", "help?")
    client.assistant_threads_setStatus(
        channel_id="D_ALICE", thread_ts=msg["ts"], status="is thinking...", loading_messages=["Reading docs"]
    )
    status = sandbox.thread_status("D_ALICE", msg["ts"])
    assert status is not None and status["status"] == "is thinking..."
    assert status["loading_messages"] == ["Reading docs"]
    client.chat_postMessage(channel="D_ALICE", thread_ts=msg["ts"], text="done")
    assert sandbox.thread_status("D_ALICE", msg["ts"]) is None
    assert (
        slack_error(
            client.assistant_threads_setStatus, channel_id="D_ALICE", thread_ts="1.000001", status="x"
        )
        == "invalid_thread_ts"
    )


def test_files_info(client: WebClient, sandbox: Sandbox) -> None:
    msg = sandbox.upload_file("U_ALICE", "C_GENERAL", "notes.txt", b"hello", mimetype="text/plain")
    file_id = msg["files"][0]["id"]
    info = client.files_info(file=file_id)["file"]
    assert (info["name"], info["mimetype"], info["size"], info["filetype"]) == (
        "notes.txt",
        "text/plain",
        5,
        "text",
    )
    assert info["channels"] == ["C_GENERAL"]
    assert slack_error(client.files_info, file="F_NOPE") == "file_not_found"


def test_multipart_and_query_string_arguments(client: WebClient, sandbox: Sandbox) -> None:
    posted = client.api_call(
        "chat.postMessage", data={"channel": "C_GENERAL", "text": "multi"}, files={"f": b"x"}
    )
    assert posted["message"]["text"] == "multi"
    request = urllib.request.Request(
        f"{sandbox.api_url}users.info?user=U_BOB", headers={"Authorization": f"Bearer {BOT_TOKEN}"}
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["user"]["id"] == "U_BOB"
