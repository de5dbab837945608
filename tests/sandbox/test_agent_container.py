"""The sandbox's agent container: its signed events, and setSuggestedPrompts/setTitle checked as Slack does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_sandbox import Sandbox
from tests.sandbox.helpers import MakeSandbox, Receiver


def _error(call: Callable[..., Any], **kwargs: Any) -> str:
    try:
        call(**kwargs)
    except SlackApiError as exc:
        return str(exc.response["error"])
    raise AssertionError("the call succeeded")


def test_opening_and_moving_send_the_container_events_signed(sandbox: Sandbox, receiver: Receiver) -> None:
    root, delivery = sandbox.people.agent.open("U_ALICE", beside="C_GENERAL")
    assert delivery is not None and delivery.ok
    assert (root["subtype"], sandbox.message("D_ALICE", root["ts"]) is not None) == (
        "assistant_app_thread",
        True,
    )
    sandbox.people.agent.move("U_ALICE", root["ts"], beside=None)
    started, changed = [r.json() for r in receiver.received()]
    assert all(r.verified for r in receiver.received())
    assert started["event"]["type"] == "assistant_thread_started"
    assert started["event"]["assistant_thread"] == {
        "user_id": "U_ALICE",
        "context": {"channel_id": "C_GENERAL", "team_id": sandbox.config.team_id, "enterprise_id": None},
        "channel_id": "D_ALICE",
        "thread_ts": root["ts"],
    }
    assert changed["event"]["type"] == "assistant_thread_context_changed"
    assert changed["event"]["assistant_thread"]["context"] == {}
    asked = sandbox.people.agent.ask("U_ALICE", root["ts"], "hello?")
    [_, _, message] = [r.json()["event"] for r in receiver.received()]
    assert (message["type"], message["channel_type"], message["thread_ts"]) == ("message", "im", root["ts"])
    assert message["ts"] == asked["ts"]


def test_opening_the_dm_sends_app_home_opened_on_the_messages_tab(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    delivery = sandbox.people.agent.open_dm("U_ALICE")
    assert delivery is not None and delivery.ok
    [event] = [r.json()["event"] for r in receiver.received()]
    assert {k: event[k] for k in ("type", "user", "channel", "tab")} == {
        "type": "app_home_opened",
        "user": "U_ALICE",
        "channel": "D_ALICE",
        "tab": "messages",
    }


def test_unsubscribed_container_events_are_not_sent(make_sandbox: MakeSandbox) -> None:
    sandbox = make_sandbox(bot_events={"message.im"})
    _root, delivery = sandbox.people.agent.open("U_ALICE", beside="C_GENERAL")
    assert delivery is None


def test_suggested_prompts_are_checked_and_recorded(sandbox: Sandbox, client: WebClient) -> None:
    root, _ = sandbox.people.agent.open("U_ALICE")
    ts, prompts = root["ts"], [{"title": "Holidays", "message": "What are the holidays?"}]
    set_prompts = client.assistant_threads_setSuggestedPrompts
    assert _error(set_prompts, channel_id="D_ALICE", thread_ts=ts, prompts=prompts * 5) == "invalid_arguments"
    bad = [{"title": "", "message": "x"}]
    assert _error(set_prompts, channel_id="D_ALICE", thread_ts=ts, prompts=bad) == "invalid_arguments"
    assert (
        _error(set_prompts, channel_id="D_ALICE", thread_ts="1.000001", prompts=prompts)
        == "invalid_thread_ts"
    )
    assert _error(set_prompts, channel_id="D_NOBODY", thread_ts=ts, prompts=prompts) == "channel_not_found"
    plain = sandbox.post_message("U_ALICE", "D_ALICE", "not a container thread")
    assert (
        _error(set_prompts, channel_id="D_ALICE", thread_ts=plain["ts"], prompts=prompts)
        == "invalid_thread_ts"
    )
    set_prompts(channel_id="D_ALICE", prompts=prompts)  # agent_view: the DM's own prompts, no thread
    dm = sandbox.people.agent.thread("U_ALICE", "")
    assert dm is not None and dm["prompts"] == {"title": None, "prompts": prompts}
    set_prompts(channel_id="D_ALICE", thread_ts=ts, prompts=prompts, title="Try")
    thread = sandbox.people.agent.thread("U_ALICE", ts)
    assert thread is not None and thread["prompts"] == {"title": "Try", "prompts": prompts}


def test_titles_are_checked_and_shown_on_the_root(sandbox: Sandbox, client: WebClient) -> None:
    root, _ = sandbox.people.agent.open("U_ALICE")
    set_title = client.assistant_threads_setTitle
    assert _error(set_title, channel_id="D_ALICE", thread_ts=root["ts"], title=" ") == "invalid_arguments"
    assert _error(set_title, channel_id="D_ALICE", thread_ts="1.000001", title="x") == "invalid_thread_ts"
    set_title(channel_id="D_ALICE", thread_ts=root["ts"], title="Holidays in 2025")
    thread = sandbox.people.agent.thread("U_ALICE", root["ts"])
    assert thread is not None and thread["title"] == "Holidays in 2025"
    assert (sandbox.message("D_ALICE", root["ts"]) or {})["assistant_app_thread"][
        "title"
    ] == "Holidays in 2025"


def test_container_methods_need_assistant_write(make_sandbox: MakeSandbox) -> None:
    sandbox = make_sandbox(bot_scopes={"chat:write", "im:history"})
    client = WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)
    root, _ = sandbox.people.agent.open("U_ALICE")
    assert _error(
        client.assistant_threads_setTitle, channel_id="D_ALICE", thread_ts=root["ts"], title="x"
    ) == ("missing_scope")
