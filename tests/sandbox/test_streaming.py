"""chat.startStream/appendStream/stopStream rules, and slack_sdk's ChatStream helper against them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_sandbox import Sandbox


def slack_error(call: Callable[..., Any], **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call(**kwargs)
    return str(info.value.response["error"])


@pytest.fixture
def question(sandbox: Sandbox) -> dict[str, Any]:
    return sandbox.post_message("U_ALICE", "C_GENERAL", "<@UBOT> what are the holidays?")


def start(client: WebClient, question: dict[str, Any], **kwargs: Any) -> str:
    answer = client.chat_startStream(
        channel="C_GENERAL",
        thread_ts=question["ts"],
        recipient_team_id="T0SANDBOX",
        recipient_user_id="U_ALICE",
        **kwargs,
    )
    return str(answer["ts"])


def test_stream_text_is_assembled_while_streaming_and_after_stop(
    client: WebClient, sandbox: Sandbox, question: dict[str, Any]
) -> None:
    ts = start(client, question, markdown_text="The holidays ")
    client.chat_appendStream(channel="C_GENERAL", ts=ts, markdown_text="are in ")
    streamed = sandbox.message("C_GENERAL", ts)
    assert streamed is not None and streamed["text"] == "The holidays are in "
    assert sandbox.stream_state("C_GENERAL", ts) == "streaming"
    feedback = [{"type": "context", "elements": [{"type": "mrkdwn", "text": "Was this helpful?"}]}]
    stopped = client.chat_stopStream(channel="C_GENERAL", ts=ts, markdown_text="December.", blocks=feedback)
    assert stopped["message"]["text"] == "The holidays are in December."
    assert sandbox.stream_state("C_GENERAL", ts) == "stopped"
    thread = sandbox.messages("C_GENERAL", thread_ts=question["ts"])
    assert [m["text"] for m in thread] == [question["text"], "The holidays are in December."]
    assert thread[1]["blocks"][0]["type"] == "context"


def test_chat_stream_helper_buffers_then_streams(
    client: WebClient, sandbox: Sandbox, question: dict[str, Any]
) -> None:
    stream = client.chat_stream(
        channel="C_GENERAL",
        thread_ts=question["ts"],
        recipient_team_id="T0SANDBOX",
        recipient_user_id="U_ALICE",
        buffer_size=10,
    )
    stream.append(markdown_text="short")
    assert sandbox.calls("chat.startStream") == []  # still buffered in the client
    stream.append(markdown_text=" and long enough")
    assert stream.ts is not None and sandbox.stream_state("C_GENERAL", stream.ts) == "streaming"
    stream.append(markdown_text=" to flush again")
    stream.stop(markdown_text=" — done")
    final = sandbox.message("C_GENERAL", stream.ts)
    assert final is not None and final["text"] == "short and long enough to flush again — done"
    methods = [c.method for c in sandbox.calls() if c.method.startswith("chat.")]
    assert methods == ["chat.startStream", "chat.appendStream", "chat.stopStream"]


def test_stream_requires_thread_ts(client: WebClient) -> None:
    error = slack_error(
        client.api_call,
        api_method="chat.startStream",
        json={"channel": "C_GENERAL", "recipient_team_id": "T0SANDBOX", "recipient_user_id": "U_ALICE"},
    )
    assert error == "invalid_arguments"


def test_channel_streams_need_recipients(client: WebClient, question: dict[str, Any]) -> None:
    no_user = slack_error(
        client.chat_startStream, channel="C_GENERAL", thread_ts=question["ts"], recipient_team_id="T0SANDBOX"
    )
    assert no_user == "missing_recipient_user_id"
    no_team = slack_error(
        client.chat_startStream, channel="C_GENERAL", thread_ts=question["ts"], recipient_user_id="U_ALICE"
    )
    assert no_team == "missing_recipient_team_id"


def test_dm_stream_needs_no_recipients(client: WebClient, sandbox: Sandbox) -> None:
    question = sandbox.post_message("U_ALICE", "D_ALICE", "hello?")
    ts = client.chat_startStream(channel="D_ALICE", thread_ts=question["ts"], markdown_text="hi")["ts"]
    client.chat_stopStream(channel="D_ALICE", ts=ts)
    assert [m["text"] for m in sandbox.messages("D_ALICE", thread_ts=question["ts"])] == ["hello?", "hi"]


def test_finished_stream_refuses_append_and_stop(client: WebClient, question: dict[str, Any]) -> None:
    ts = start(client, question, markdown_text="x")
    client.chat_stopStream(channel="C_GENERAL", ts=ts)
    assert slack_error(client.chat_appendStream, channel="C_GENERAL", ts=ts, markdown_text="y") == (
        "message_not_in_streaming_state"
    )
    assert slack_error(client.chat_stopStream, channel="C_GENERAL", ts=ts) == "message_not_in_streaming_state"


def test_stream_markdown_text_limit(client: WebClient, question: dict[str, Any]) -> None:
    ts = start(client, question)
    client.chat_appendStream(channel="C_GENERAL", ts=ts, markdown_text="m" * 12_000)
    too_long = slack_error(client.chat_appendStream, channel="C_GENERAL", ts=ts, markdown_text="m" * 12_001)
    assert too_long == "msg_too_long"
    chunk = [{"type": "markdown_text", "text": "m" * 12_001}]
    assert slack_error(client.chat_stopStream, channel="C_GENERAL", ts=ts, chunks=chunk) == "msg_too_long"


def test_stream_mode_cannot_switch(client: WebClient, question: dict[str, Any]) -> None:
    ts = start(client, question, markdown_text="text mode")
    chunks = [{"type": "markdown_text", "text": "chunk mode"}]
    assert slack_error(client.chat_appendStream, channel="C_GENERAL", ts=ts, chunks=chunks) == (
        "streaming_mode_mismatch"
    )


def test_update_refused_while_streaming_then_allowed(
    client: WebClient, sandbox: Sandbox, question: dict[str, Any]
) -> None:
    ts = start(client, question, markdown_text="partial")
    assert slack_error(client.chat_update, channel="C_GENERAL", ts=ts, text="x") == "streaming_state_conflict"
    client.chat_stopStream(channel="C_GENERAL", ts=ts)
    client.chat_update(channel="C_GENERAL", ts=ts, text="final answer")
    final = sandbox.message("C_GENERAL", ts)
    assert final is not None and final["text"] == "final answer"


def test_append_to_unknown_or_foreign_message(
    client: WebClient, sandbox: Sandbox, question: dict[str, Any]
) -> None:
    assert slack_error(client.chat_appendStream, channel="C_GENERAL", ts="1.000001", markdown_text="x") == (
        "message_not_found"
    )
    assert slack_error(
        client.chat_appendStream, channel="C_GENERAL", ts=question["ts"], markdown_text="x"
    ) == ("message_not_owned_by_app")
    posted = client.chat_postMessage(channel="C_GENERAL", text="not a stream")
    assert slack_error(client.chat_appendStream, channel="C_GENERAL", ts=posted["ts"], markdown_text="x") == (
        "message_not_in_streaming_state"
    )


def test_task_chunks_are_kept_by_id(client: WebClient, sandbox: Sandbox, question: dict[str, Any]) -> None:
    ts = start(
        client, question, chunks=[{"type": "task_update", "id": "t1", "title": "Search", "status": "pending"}]
    )
    client.chat_appendStream(
        channel="C_GENERAL",
        ts=ts,
        chunks=[
            {"type": "task_update", "id": "t1", "title": "Search", "status": "complete"},
            {"type": "markdown_text", "text": "Found it."},
        ],
    )
    assert [c["status"] for c in sandbox.stream_chunks("C_GENERAL", ts)] == ["complete"]
    message = sandbox.message("C_GENERAL", ts)
    assert message is not None and message["text"] == "Found it."
    bad = [{"type": "hologram"}]
    assert slack_error(client.chat_appendStream, channel="C_GENERAL", ts=ts, chunks=bad) == "invalid_chunks"
