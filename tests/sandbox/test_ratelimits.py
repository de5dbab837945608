"""Rate limits (HTTP 429 + Retry-After), injected failures, and a real slack_sdk retry handler honouring them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from slack_sandbox import Sandbox


def ratelimited(call: Callable[[], object]) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        call()
    assert info.value.response.status_code == 429
    assert info.value.response["error"] == "ratelimited"
    return info.value


def test_post_message_is_limited_per_channel(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox(rate_limits=True)
    client = WebClient(token=sb.config.bot_token, base_url=sb.api_url)
    for i in range(3):  # the burst Slack tolerates
        client.chat_postMessage(channel="C_GENERAL", text=str(i))
    error = ratelimited(lambda: client.chat_postMessage(channel="C_GENERAL", text="too fast"))
    assert int(error.response.headers["Retry-After"]) >= 1
    client.chat_postMessage(channel="D_ALICE", text="another channel has its own budget")
    assert [c.status for c in sb.calls("chat.postMessage")] == [200, 200, 200, 429, 200]
    assert [m["text"] for m in sb.messages("C_GENERAL")] == ["0", "1", "2"]


def test_tier4_append_stream_allows_a_larger_burst(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox(rate_limits=True)
    client = WebClient(token=sb.config.bot_token, base_url=sb.api_url)
    question = sb.post_message("U_ALICE", "D_ALICE", "q?")
    ts = client.chat_startStream(channel="D_ALICE", thread_ts=question["ts"])["ts"]
    for _ in range(10):
        client.chat_appendStream(channel="D_ALICE", ts=ts, markdown_text="x")
    ratelimited(lambda: client.chat_appendStream(channel="D_ALICE", ts=ts, markdown_text="x"))


def test_limits_are_off_by_default_and_switchable(client: WebClient, sandbox: Sandbox) -> None:
    for i in range(5):
        client.chat_postMessage(channel="C_GENERAL", text=str(i))
    sandbox.rate_limits = True
    ratelimited(lambda: [client.chat_postMessage(channel="C_GENERAL", text="x") for _ in range(4)])


def test_explicit_limit_applies_with_global_limits_off(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.set_rate_limit("chat.update", per_minute=60, burst=1)
    posted = client.chat_postMessage(channel="C_GENERAL", text="v1")
    client.chat_update(channel="C_GENERAL", ts=posted["ts"], text="v2")
    error = ratelimited(lambda: client.chat_update(channel="C_GENERAL", ts=posted["ts"], text="v3"))
    assert error.response.headers["Retry-After"] == "1"
    sandbox.set_rate_limit("chat.update", None)
    client.chat_update(channel="C_GENERAL", ts=posted["ts"], text="v3")


def test_retry_handler_waits_retry_after(sandbox: Sandbox) -> None:
    sandbox.fail_next("chat.postMessage", retry_after_s=1)
    client = WebClient(
        token=sandbox.config.bot_token,
        base_url=sandbox.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    client.chat_postMessage(channel="C_GENERAL", text="eventually")
    first, second = sandbox.calls("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.0  # the client slept Retry-After before retrying
    assert [m["text"] for m in sandbox.messages("C_GENERAL")] == ["eventually"]


def test_injected_errors(client: WebClient, sandbox: Sandbox) -> None:
    sandbox.fail_next("users.info", error="fatal_error", count=2, status=500)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            client.users_info(user="U_ALICE")
        assert info.value.response.status_code == 500 and info.value.response["error"] == "fatal_error"
    assert client.users_info(user="U_ALICE")["ok"] is True
    sandbox.fail_next("chat.postMessage", error="is_archived")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C_GENERAL", text="x")
    assert info.value.response.status_code == 200 and info.value.response["error"] == "is_archived"
    assert [(c.method, c.status, c.error) for c in sandbox.calls()][-1] == (
        "chat.postMessage",
        200,
        "is_archived",
    )
