"""`gleanbot http` before the signature: bodies over the limit are refused unread, a flood holds little memory."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.http import MAX_BODY_BYTES
from local_glean import LocalGlean
from local_stack.processes import GleanbotProcess, start_http
from slack_sandbox import Sandbox
from tests.harness import Bot, bot_env, signed_headers


def _host_port(url: str) -> tuple[str, int]:
    parts = httpx.URL(url)
    return parts.host, int(parts.port or 80)


def _status_line(sock: socket.socket) -> str:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode()


def test_a_body_over_the_limit_is_refused_before_it_is_sent(bot: Bot) -> None:
    # Only the headers go out: a 413 that arrives now was decided without reading (or waiting for) the body.
    with socket.create_connection(_host_port(bot.url), timeout=5) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % (50 * 1024 * 1024)
        )
        assert _status_line(sock).startswith("HTTP/1.1 413")


def test_a_chunked_body_is_cut_off_at_the_limit(bot: Bot) -> None:
    chunk = b"x" * 65_536
    sent = 0
    with socket.create_connection(_host_port(bot.url), timeout=5) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        try:
            while sent < 8 * MAX_BODY_BYTES:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection on us: it stopped reading
        assert _status_line(sock).startswith("HTTP/1.1 413")
    assert sent < 8 * MAX_BODY_BYTES, "the server read the whole oversized body"


def test_a_signed_event_near_the_limit_is_still_taken(bot: Bot) -> None:
    # Slack's payloads are far smaller; a real event padded to just under the limit must not be refused.
    event = {
        "type": "event_callback",
        "team_id": "T0SANDBOX",
        "event_id": "Ev_BIG",
        "event": {
            "type": "message",
            "subtype": "message_changed",  # an edit: taken (200) and ignored
            "channel": "C_GENERAL",
            "pad": "p" * (MAX_BODY_BYTES - 400),
        },
    }
    body = json.dumps(event)
    assert len(body) <= MAX_BODY_BYTES
    reply = httpx.post(f"{bot.url}/slack/events", content=body, headers=signed_headers(body), timeout=10)
    assert reply.status_code == 200


def _peak_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def http_process(sandbox: Sandbox, glean: LocalGlean, redis_url: str) -> Iterator[GleanbotProcess]:
    process = start_http(bot_env(sandbox, glean, redis_url), sandbox)
    yield process
    process.stop()


def test_a_flood_of_large_unsigned_bodies_holds_little_memory(
    sandbox: Sandbox, http_process: GleanbotProcess
) -> None:
    """16 clients at once, each sending a 16 MiB forged body: the bot's peak memory barely moves."""
    port = int(http_process.events("listening")[0]["port"])
    url = f"http://127.0.0.1:{port}/slack/events"
    httpx.post(url, content="{}", timeout=5)  # warm up the first request's imports
    before = _peak_rss_bytes(http_process.pid)
    body = b'{"type":"event_callback","event":{"text":"' + b"a" * (16 * 1024 * 1024) + b'"}}'
    statuses: list[int] = []

    def send() -> None:
        try:
            reply = httpx.post(url, content=body, headers=signed_headers("forged"), timeout=30)
            statuses.append(reply.status_code)
        except httpx.HTTPError:
            statuses.append(413)  # the server closed the connection mid-body: refused

    threads = [threading.Thread(target=send) for _ in range(16)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    grown = _peak_rss_bytes(http_process.pid) - before
    assert grown < 24 * 1024 * 1024, f"peak memory grew by {grown / 2**20:.0f} MiB"
    assert statuses == [413] * 16, statuses
    assert time.monotonic() - started < 30
