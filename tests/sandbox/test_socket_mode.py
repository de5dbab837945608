"""Socket Mode in the sandbox: apps.connections.open, the RFC 6455 link, hello, envelopes, acks and retries."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from slack_sandbox import Sandbox
from tests.sandbox.helpers import BOT_TOKEN, MakeSandbox

APP_TOKEN = "xapp-1-test"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk's Socket Mode client tunnels through HTTPS_PROXY when set, even to loopback.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sandbox(make_sandbox: MakeSandbox) -> Sandbox:
    return make_sandbox(app_token=APP_TOKEN)


@dataclass
class App:
    """slack_sdk's builtin SocketModeClient plus what it received; `ack` decides per request what to answer."""

    client: SocketModeClient
    requests: list[SocketModeRequest] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # every text frame, even those the client consumes itself
    ack: Callable[[SocketModeRequest], dict[str, Any] | bool | None] = lambda _req: None

    def on_request(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        self.requests.append(req)
        answer = self.ack(req)
        if answer is False:
            return  # no ack at all
        payload = answer if isinstance(answer, dict) else None
        client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id, payload=payload))

    def on_message(self, _client: BaseSocketModeClient, message: dict[Any, Any], _raw: str | None) -> None:
        self.messages.append(message)


@pytest.fixture
def connect(sandbox: Sandbox) -> Iterator[Callable[[], App]]:
    apps: list[App] = []

    def make() -> App:
        web = WebClient(token=BOT_TOKEN, base_url=sandbox.api_url)
        app = App(SocketModeClient(app_token=APP_TOKEN, web_client=web))
        app.client.socket_mode_request_listeners.append(app.on_request)
        app.client.message_listeners.append(app.on_message)
        app.client.on_message_listeners.append(app.raw.append)
        app.client.connect()
        assert sandbox.socket_mode.wait_connected(len(apps) + 1)
        apps.append(app)
        return app

    yield make
    for app in apps:
        # Closing from the server side first spares the client's 3 s blocking read on teardown.
        app.client.auto_reconnect_enabled = False
    sandbox.socket_mode.close_connections()
    for app in apps:
        app.client.close()


def test_connections_open_takes_only_the_app_level_token(sandbox: Sandbox) -> None:
    web = WebClient(base_url=sandbox.api_url)
    url = web.apps_connections_open(app_token=APP_TOKEN)["url"]
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == ("ws", "127.0.0.1", "/link/")
    assert parts.query.startswith("ticket=")
    assert url != web.apps_connections_open(app_token=APP_TOKEN)["url"]  # a fresh ticket every time
    errors = {}
    for name, token in {"wrong": "xapp-1-nope", "bot": BOT_TOKEN}.items():
        with pytest.raises(SlackApiError) as caught:
            web.apps_connections_open(app_token=token)
        errors[name] = caught.value.response["error"]
    with pytest.raises(SlackApiError) as caught:
        WebClient(token=APP_TOKEN, base_url=sandbox.api_url).auth_test()
    errors["app_token_elsewhere"] = caught.value.response["error"]
    assert errors == {
        "wrong": "invalid_auth",
        "bot": "not_allowed_token_type",
        "app_token_elsewhere": "not_allowed_token_type",
    }
    calls = sandbox.calls("apps.connections.open")
    assert [c.ok for c in calls] == [True, True, False, False]
    assert all("token" not in c.params for c in calls)


def test_hello_then_events_as_envelopes_acked_by_the_builtin_client(
    sandbox: Sandbox, connect: Callable[[], App]
) -> None:
    app = connect()
    question = sandbox.post_message("U_ALICE", "C_GENERAL", "<@UBOT> when are the holidays?")
    hello = sandbox.wait_for(lambda: next((m for m in app.messages if m.get("type") == "hello"), None))
    assert hello["type"] == "hello" and hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": "A0SANDBOX"}
    assert hello["debug_info"]["approximate_connection_time"] > 0
    deliveries = sandbox.deliveries("event")
    assert [(d.transport, d.status, d.event_type) for d in deliveries] == [
        ("socket", 200, "app_mention"),
        ("socket", 200, "message"),
    ]
    assert deliveries[0].headers == {}  # no signature: the WebSocket is already authenticated
    mention = json.loads(deliveries[0].body)
    assert mention["type"] == "events_api" and mention["envelope_id"] == deliveries[0].envelope_id
    assert (mention["accepts_response_payload"], mention["retry_attempt"], mention["retry_reason"]) == (
        False,
        0,
        "",
    )
    assert mention["payload"]["type"] == "event_callback"
    assert mention["payload"]["event"]["ts"] == question["ts"]
    assert [r.type for r in app.requests] == ["events_api", "events_api"]
    assert [e["event"]["type"] for e in sandbox.events()] == ["app_mention", "message"]
    acks = sandbox.socket_mode.received()
    assert [a["envelope_id"] for a in acks] == [d.envelope_id for d in deliveries]


def test_slash_command_ack_payload_is_shown_like_an_http_ack(
    sandbox: Sandbox, connect: Callable[[], App]
) -> None:
    app = connect()
    app.ack = lambda req: (
        {"text": f"Cleared: {req.payload['text']}"} if req.type == "slash_commands" else None
    )
    delivery = sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "history")
    assert (delivery.transport, delivery.ok, delivery.json()) == (
        "socket",
        True,
        {"text": "Cleared: history"},
    )
    [req] = app.requests
    assert (req.type, req.accepts_response_payload) == ("slash_commands", True)
    assert req.payload["command"] == "/glean" and req.payload["response_url"].startswith(sandbox.base_url)
    assert [m["text"] for m in sandbox.ephemerals("C_GENERAL", "U_ALICE")] == ["Cleared: history"]


def test_a_click_is_an_interactive_envelope(sandbox: Sandbox, connect: Callable[[], App]) -> None:
    app = connect()
    button = {
        "type": "actions",
        "elements": [{"type": "button", "action_id": "vote", "text": {"type": "plain_text", "text": "Up"}}],
    }
    posted = WebClient(token=BOT_TOKEN, base_url=sandbox.api_url).chat_postMessage(
        channel="C_GENERAL", text="Vote", blocks=[button]
    )
    sandbox.wait_for_deliveries()
    delivery = sandbox.click("U_BOB", "C_GENERAL", str(posted["ts"]), "vote", value="up")
    assert (delivery.transport, delivery.ok) == ("socket", True)
    [req] = [r for r in app.requests if r.type == "interactive"]
    assert req.payload["type"] == "block_actions"
    assert req.payload["actions"][0]["value"] == "up" and req.payload["user"]["id"] == "U_BOB"


def test_an_unacked_event_is_retried_with_the_next_retry_attempt(
    make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = make_sandbox(app_token=APP_TOKEN, delivery_timeout_s=0.3)
    web = WebClient(token=BOT_TOKEN, base_url=sandbox.api_url)
    app = App(SocketModeClient(app_token=APP_TOKEN, web_client=web))
    app.ack = lambda req: None if (req.retry_attempt or 0) >= 2 else False  # acks the third attempt
    app.client.socket_mode_request_listeners.append(app.on_request)
    app.client.connect()
    try:
        assert sandbox.socket_mode.wait_connected()
        sandbox.post_message("U_BOB", "C_GENERAL", "is the VPN down?")
        attempts = sandbox.deliveries("event")
        assert [(d.retry_num, d.error, d.status) for d in attempts] == [
            (None, "timeout", None),
            (1, "timeout", None),
            (2, None, 200),
        ]
        assert len({d.event_id for d in attempts}) == 1 and len({d.envelope_id for d in attempts}) == 3
        assert [(r.retry_attempt, r.retry_reason) for r in app.requests] == [
            (0, ""),
            (1, "timeout"),
            (2, "timeout"),
        ]
        app.ack = lambda _req: False  # never acks: Slack gives up after 3 retries
        sandbox.post_message("U_BOB", "C_GENERAL", "and the wiki?")
        given_up = sandbox.deliveries("event")[3:]
        assert [(d.retry_num, d.error) for d in given_up] == [
            (None, "timeout"),
            (1, "timeout"),
            (2, "timeout"),
            (3, "timeout"),
        ]
        assert len(sandbox.events()) == 2  # first attempts only
    finally:
        app.client.auto_reconnect_enabled = False
        sandbox.socket_mode.close_connections()
        app.client.close()


def test_redeliver_sends_the_same_event_with_retry_attempt(
    sandbox: Sandbox, connect: Callable[[], App]
) -> None:
    app = connect()
    sandbox.post_message("U_ALICE", "C_GENERAL", "where is the handbook?")
    again = sandbox.redeliver_last(reason="timeout")
    assert (again.transport, again.ok, again.retry_num) == ("socket", True, 1)
    first, retry = app.requests
    assert (retry.retry_attempt, retry.retry_reason) == (1, "timeout")
    assert retry.payload == first.payload and retry.envelope_id != first.envelope_id


def test_refresh_requested_moves_the_app_to_a_new_connection(
    sandbox: Sandbox, connect: Callable[[], App]
) -> None:
    app = connect()
    assert sandbox.socket_mode.disconnect("refresh_requested") == 1
    # The client asks for a new URL, connects, then drops the old connection.
    sandbox.wait_for(lambda: [c.open for c in sandbox.socket_mode.connections()] == [False, True])
    assert len(sandbox.calls("apps.connections.open")) == 2
    told = json.loads(app.raw[1])
    assert (told["type"], told["reason"]) == ("disconnect", "refresh_requested")
    sandbox.post_message("U_ALICE", "D_ALICE", "what's the guest wifi password?")
    [event] = sandbox.deliveries("event")
    assert (event.transport, event.ok) == ("socket", True)


def test_a_connection_closed_by_slack_is_reopened(sandbox: Sandbox) -> None:
    web = WebClient(token=BOT_TOKEN, base_url=sandbox.api_url)
    client = SocketModeClient(app_token=APP_TOKEN, web_client=web, ping_interval=0.3)
    client.connect()
    try:
        assert sandbox.socket_mode.wait_connected()
        assert sandbox.socket_mode.close_connections(1001, "restarting") == 1
        # The builtin client notices the closed session on its next health check and asks for a new URL.
        assert sandbox.socket_mode.wait_connected(timeout_s=5)
        assert [c.open for c in sandbox.socket_mode.connections()] == [False, True]
        assert len(sandbox.calls("apps.connections.open")) == 2
    finally:
        client.auto_reconnect_enabled = False
        sandbox.socket_mode.close_connections()
        client.close()


def test_delivery_modes(make_sandbox: MakeSandbox, connect: Callable[[], App], sandbox: Sandbox) -> None:
    connect()
    sandbox.set_bot_url("http://127.0.0.1:9/slack/events")  # a Request URL wins in "auto" mode
    sandbox.post_message("U_ALICE", "C_GENERAL", "first")
    sandbox.set_bot_url(None)
    sandbox.post_message("U_ALICE", "C_GENERAL", "second")
    assert [(d.transport, d.error) for d in sandbox.deliveries("event")] == [
        ("http", "connection_failed"),
        ("socket", None),
    ]
    http_only = make_sandbox(app_token=APP_TOKEN, delivery="http")
    http_only.post_message("U_ALICE", "C_GENERAL", "third")
    assert [(d.transport, d.error) for d in http_only.deliveries()] == [("http", "no_bot_url")]
    socket_only = make_sandbox(app_token=APP_TOKEN, delivery="socket", delivery_timeout_s=0.2)
    socket_only.set_bot_url("http://127.0.0.1:9/slack/events")
    socket_only.post_message("U_ALICE", "C_GENERAL", "fourth")
    assert [(d.transport, d.error, d.retry_num) for d in socket_only.deliveries()] == [
        ("socket", "no_socket_connection", None)
    ]


# ---- the wire, with a hand-rolled client (independent of the server's own framing code) -------------------


class RawClient:
    """A minimal RFC 6455 client over a plain socket, to check what slack_sdk's client never does."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        assert parts.hostname and parts.port
        self.target = f"{parts.path}?{parts.query}"
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        self.buffer = b""

    def handshake(
        self, *, key: str | None = None, version: str = "13", method: str = "GET"
    ) -> tuple[int, str]:
        key = key or base64.b64encode(os.urandom(16)).decode()
        request = (
            f"{method} {self.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: {version}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            assert chunk, "server closed during the handshake"
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ", 2)[1])
        return status, head.decode()

    def send(self, opcode: int, payload: bytes, *, fin: bool = True, masked: bool = True) -> None:
        mask = os.urandom(4) if masked else b""
        size = len(payload)
        length = (
            bytes([size | (0x80 if masked else 0)])
            if size < 126
            else bytes([126 | 0x80]) + struct.pack("!H", size)
        )
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if masked else payload
        self.sock.sendall(bytes([(0x80 if fin else 0) | opcode]) + length + mask + body)

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def recv(self) -> tuple[int, bytes]:
        first, second = self._read(2)
        assert not second & 0x80, "server frames must not be masked"
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", self._read(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", self._read(8))
        return first & 0x0F, self._read(size)

    def recv_json(self) -> dict[str, Any]:
        opcode, data = self.recv()
        assert opcode == 0x1
        decoded: dict[str, Any] = json.loads(data)
        return decoded

    def closed_by_server(self) -> bool:
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True


def _ticket_url(sandbox: Sandbox) -> str:
    return str(WebClient(base_url=sandbox.api_url).apps_connections_open(app_token=APP_TOKEN)["url"])


def test_rfc6455_handshake_hello_ping_fragments_and_close(sandbox: Sandbox) -> None:
    raw = RawClient(_ticket_url(sandbox))
    key = base64.b64encode(os.urandom(16)).decode()
    status, head = raw.handshake(key=key)
    expected = base64.b64encode(
        hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
    )
    assert status == 101 and f"Sec-WebSocket-Accept: {expected.decode()}" in head
    assert raw.recv_json()["type"] == "hello"
    raw.send(0x9, b"are you there")
    assert raw.recv() == (0xA, b"are you there")
    result: list[Any] = []
    poster = threading.Thread(
        target=lambda: result.append(sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "help"))
    )
    poster.start()
    envelope = raw.recv_json()
    assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"] is True
    ack = json.dumps(
        {"envelope_id": envelope["envelope_id"], "payload": {"text": "Usage: /glean help"}}
    ).encode()
    raw.send(0x1, ack[:10], fin=False)  # a fragmented message, with a ping in between (allowed by 5.4)
    raw.send(0x9, b"")
    raw.send(0x0, ack[10:])
    assert raw.recv() == (0xA, b"")
    poster.join(5)
    assert result[0].ok and result[0].json() == {"text": "Usage: /glean help"}
    raw.send(0x8, struct.pack("!H", 1000) + b"bye")
    assert raw.recv() == (0x8, struct.pack("!H", 1000) + b"bye")  # the close is echoed
    assert raw.closed_by_server()
    sandbox.wait_for(lambda: sandbox.socket_mode.connections()[0].close_code == 1000)


def test_bad_handshakes_are_refused(sandbox: Sandbox) -> None:
    url = _ticket_url(sandbox)
    statuses = {}
    statuses["version"] = RawClient(url).handshake(version="8")
    statuses["method"] = RawClient(url).handshake(method="POST")
    statuses["path"] = RawClient(url.replace("/link/", "/other/")).handshake()
    statuses["no_ticket"] = RawClient(url.split("?")[0]).handshake()
    assert RawClient(url).handshake()[0] == 101
    statuses["reused_ticket"] = RawClient(url).handshake()
    assert {name: status for name, (status, _head) in statuses.items()} == {
        "version": 426,
        "method": 405,
        "path": 404,
        "no_ticket": 401,
        "reused_ticket": 401,
    }
    assert "Sec-WebSocket-Version: 13" in statuses["version"][1]


def test_protocol_errors_close_the_connection(sandbox: Sandbox) -> None:
    unmasked = RawClient(_ticket_url(sandbox))
    assert unmasked.handshake()[0] == 101
    unmasked.recv_json()
    unmasked.send(0x1, b'{"envelope_id": "x"}', masked=False)
    assert unmasked.recv() == (0x8, struct.pack("!H", 1002) + b"client frames must be masked")
    binary = RawClient(_ticket_url(sandbox))
    binary.handshake()
    binary.recv_json()
    binary.send(0x2, b"\x00\x01")
    assert binary.recv()[1][:2] == struct.pack("!H", 1003)
    assert unmasked.closed_by_server() and binary.closed_by_server()
    assert not sandbox.socket_mode.is_connected


def test_stopping_the_sandbox_says_going_away(make_sandbox: MakeSandbox) -> None:
    sandbox = make_sandbox(app_token=APP_TOKEN)
    raw = RawClient(_ticket_url(sandbox))
    raw.handshake()
    raw.recv_json()
    sandbox.stop()
    opcode, payload = raw.recv()
    assert (opcode, payload[:2]) == (0x8, struct.pack("!H", 1001))
