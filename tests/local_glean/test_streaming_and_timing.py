"""Streaming framing on the wire, realistic pacing, timeoutMillis (408) and fault injection."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from local_glean import LocalGlean, Pace

from .helpers import API, GLOBAL_TOKEN, answer_text, ask_chat, headers, post


@pytest.fixture(autouse=True)
def _no_leftover_faults(server: LocalGlean) -> Any:
    yield
    httpx.delete(f"{server.url}/_local/faults")


def _stream_lines(
    server: LocalGlean, user: str, text: str, **fields: Any
) -> tuple[httpx.Response, list[Any]]:
    body = {"messages": [{"fragments": [{"text": text}]}], "stream": True, **fields}
    arrivals: list[Any] = []
    with httpx.stream(
        "POST",
        f"{server.url}{API}/chat",
        headers=headers(user) | {"Accept": "text/plain"},
        json=body,
        timeout=20,
    ) as reply:
        for line in reply.iter_lines():
            if line:
                arrivals.append((time.monotonic(), json.loads(line)))
    return reply, arrivals


def test_stream_is_chunked_ndjson_text_plain(server: LocalGlean, user: str) -> None:
    reply, lines = _stream_lines(server, user, "What is the wellness stipend?", saveChat=True)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain")
    assert reply.headers["transfer-encoding"] == "chunked"
    payloads = [p for _, p in lines]
    assert all(p["chatSessionTrackingToken"] == payloads[0]["chatSessionTrackingToken"] for p in payloads)
    assert all(p["chatId"] == payloads[0]["chatId"] for p in payloads)
    kinds = [p["messages"][0]["messageType"] for p in payloads]
    assert kinds[:2] == ["UPDATE", "UPDATE"] and set(kinds[2:]) == {"CONTENT"}
    deltas = [p["messages"][0]["fragments"][0] for p in payloads[2:]]
    assert sum("citation" in d for d in deltas) >= 1
    text = "".join(d.get("text", "") for d in deltas)
    assert "60 USD per month" in text
    assert max(len(d.get("text", "").split()) for d in deltas) <= 3  # deltas of a few words
    assert "followUpPrompts" in payloads[-1] and "followUpPrompts" not in payloads[-2]
    # The saved chat holds the same answer, merged into one message.
    saved = post(server, "getchat", {"id": payloads[0]["chatId"]}, user=user).json()["chatResult"]["chat"]
    assert answer_text({"messages": saved["messages"]}) == text


def test_stream_false_or_absent_answers_json(server: LocalGlean, user: str) -> None:
    for extra in ({}, {"stream": False}):
        body = {"messages": [{"fragments": [{"text": "VPN gateways"}]}], **extra}
        reply = post(server, "chat", body, user=user)
        assert reply.headers["content-type"] == "application/json"
        assert "transfer-encoding" not in reply.headers


def test_realistic_pacing_streams_visibly(make_server: Callable[..., LocalGlean], user: str) -> None:
    server = make_server(pace=Pace(first_token_ms=400, tokens_per_s=400))
    start = time.monotonic()
    _, lines = _stream_lines(server, user, "What are the company holidays?")
    first_update = lines[0][0] - start
    content = [t for t, p in lines if p["messages"][0]["messageType"] == "CONTENT"]
    assert first_update < 0.3  # "Searching" goes out at once
    assert content[0] - start >= 0.4  # time to first token
    spread = content[-1] - content[0]
    assert spread >= 0.15  # ~700 characters at 400 tokens/s: the deltas arrive over time, not at once


def test_pacing_is_off_by_default(server: LocalGlean, user: str) -> None:
    start = time.monotonic()
    ask_chat(server, user, "What are the company holidays?")
    assert time.monotonic() - start < 1.0


def test_timeout_millis_gives_408_when_exceeded(make_server: Callable[..., LocalGlean], user: str) -> None:
    server = make_server(pace=Pace(first_token_ms=2000, tokens_per_s=50))
    body = {"messages": [{"fragments": [{"text": "What are the company holidays?"}]}], "saveChat": True}
    start = time.monotonic()
    reply = post(server, "chat", body | {"timeoutMillis": 300}, user=user)
    elapsed = time.monotonic() - start
    assert reply.status_code == 408 and "timeoutMillis=300" in reply.text
    assert 0.25 <= elapsed < 1.5  # answered at the deadline, not after the whole answer
    streamed = post(server, "chat", body | {"timeoutMillis": 300, "stream": True}, user=user)
    assert streamed.status_code == 408
    assert post(server, "listchats", user=user).json()["chatResults"] == []  # nothing half-saved


def test_timeout_not_hit_when_generous(make_server: Callable[..., LocalGlean], user: str) -> None:
    server = make_server(pace=Pace(first_token_ms=100, tokens_per_s=0))
    reply = ask_chat(server, user, "What is the wellness stipend?", timeoutMillis=5000)
    assert "60 USD" in answer_text(reply)


def _fault(server: LocalGlean, **spec: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/_local/faults", json=spec)


def test_fault_fails_the_next_n_calls_with_retry_after(server: LocalGlean, user: str) -> None:
    assert _fault(server, operation="chat", status=503, count=2, retry_after_s=1).status_code == 200
    body = {"messages": [{"fragments": [{"text": "What is the per diem?"}]}]}
    for _ in range(2):
        failed = post(server, "chat", body, user=user)
        assert failed.status_code == 503 and failed.headers["retry-after"] == "1"
    assert post(server, "chat", body, user=user).status_code == 200
    assert post(server, "listchats", user=user).status_code == 200  # other operations untouched


def test_fault_429_on_listchats_and_clearing(server: LocalGlean, user: str) -> None:
    _fault(server, operation="listchats", status=429, count=5)
    assert post(server, "listchats", user=user).status_code == 429
    listed = httpx.get(f"{server.url}/_local/faults").json()["faults"]
    assert listed == [{"operation": "listchats", "status": 429, "count": 5, "delay_ms": 0, "remaining": 4}]
    assert httpx.delete(f"{server.url}/_local/faults").status_code == 200
    assert post(server, "listchats", user=user).status_code == 200


def test_fault_delay_counts_against_timeout(server: LocalGlean, user: str) -> None:
    _fault(server, operation="chat", delay_ms=400, count=2)
    body = {"messages": [{"fragments": [{"text": "What is the per diem?"}]}]}
    start = time.monotonic()
    assert post(server, "chat", body, user=user).status_code == 200
    assert time.monotonic() - start >= 0.4
    assert post(server, "chat", body | {"timeoutMillis": 150}, user=user).status_code == 408


def test_fault_202_queues_the_turn_into_the_chat(server: LocalGlean, user: str) -> None:
    _fault(server, operation="chat", status=202)
    body = {"messages": [{"fragments": [{"text": "How do I report a lost laptop?"}]}], "saveChat": True}
    queued = post(server, "chat", body, user=user)
    assert queued.status_code == 202
    result = queued.json()
    assert result["isSavedToChatHistory"] is True and result["queuedRequestId"]
    chat = post(server, "getchat", {"id": result["chatId"]}, user=user).json()["chatResult"]["chat"]
    assert "security" in answer_text({"messages": chat["messages"]}).lower()


def test_fault_truncates_a_stream(server: LocalGlean, user: str) -> None:
    _fault(server, operation="chat", truncate_after_lines=3)
    body = {"messages": [{"fragments": [{"text": "What is the per diem?"}]}], "stream": True}
    received: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream("POST", f"{server.url}{API}/chat", headers=headers(user), json=body) as reply,
    ):
        received.extend(line for line in reply.iter_lines() if line)
    assert len(received) == 3


def test_fault_on_download(server: LocalGlean, user: str) -> None:
    _fault(server, operation="chat-files", status=500)
    assert httpx.get(f"{server.url}{API}/chat-files/file_x", headers=headers(user)).status_code == 500


@pytest.mark.parametrize(
    "spec",
    [
        {"operation": "nope", "status": 503},
        {"operation": "chat"},
        {"operation": "chat", "status": 302},
        {"operation": "chat", "status": "503"},
        {"operation": "listchats", "status": 202},
        {"operation": "chat", "status": 503, "count": 0},
        {"operation": "chat", "status": 503, "extra": 1},
        [],
    ],
)
def test_bad_fault_specs_are_400(server: LocalGlean, spec: Any) -> None:
    reply = httpx.post(f"{server.url}/_local/faults", json=spec)
    assert reply.status_code == 400 and reply.text.startswith("Invalid fault")


def test_faults_endpoint_is_off_unless_enabled(make_server: Callable[..., LocalGlean]) -> None:
    server = make_server(faults_enabled=False)
    reply = _fault(server, operation="chat", status=503)
    assert reply.status_code == 404 and "--faults" in reply.text


def test_chunked_request_bodies_and_http_1_0_streams(server: LocalGlean, user: str) -> None:
    payload = json.dumps({"messages": [{"fragments": [{"text": "What is the per diem?"}]}]}).encode()
    chunked = httpx.post(
        f"{server.url}{API}/chat",
        headers=headers(user) | {"Content-Type": "application/json"},
        content=iter([payload[:10], payload[10:]]),  # an iterator: httpx sends Transfer-Encoding: chunked
    )
    assert chunked.status_code == 200 and "60 EUR" in answer_text(chunked.json())

    host, port = server.url.removeprefix("http://").split(":")
    body = json.dumps(
        {"messages": [{"fragments": [{"text": "What is the per diem?"}]}], "stream": True}
    ).encode()
    request = (
        f"POST {API}/chat HTTP/1.0\r\nHost: {host}\r\nAuthorization: Bearer {GLOBAL_TOKEN}\r\n"
        f"X-Glean-ActAs: {user}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        raw = b"".join(iter(lambda: sock.recv(65536), b""))  # HTTP/1.0: the body ends when the server closes
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].endswith(b"200 OK") and b"chunked" not in head.lower()
    lines = [json.loads(line) for line in rest.splitlines() if line]
    assert lines[-1]["messages"][0]["hasMoreFragments"] is False
