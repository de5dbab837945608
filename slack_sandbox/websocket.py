"""RFC 6455 server side on a plain socket: the opening handshake and reading/writing frames (stdlib only).

Clients must mask every frame (section 5.1) and servers must not; control frames carry at most 125 bytes and are
never fragmented (5.5); reserved bits stay zero without an extension (5.2). A broken rule is a `ProtocolError`
carrying the close code the connection should end with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass
from typing import BinaryIO

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
WEBSOCKET_VERSION = "13"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
_OPCODES = frozenset({OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG})

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_NO_STATUS = 1005
CLOSE_INVALID_PAYLOAD = 1007
CLOSE_TOO_BIG = 1009

MAX_CONTROL_PAYLOAD_BYTES = 125
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
MAX_HEADER_LINE_BYTES = 8 * 1024
MAX_HEADER_LINES = 100


class ProtocolError(Exception):
    """The peer broke RFC 6455; close the connection with `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class HandshakeError(Exception):
    """The opening handshake is refused with an HTTP error (`status`, and extra response headers)."""

    def __init__(self, status: int, reason: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers


class ConnectionClosed(Exception):
    """The TCP stream ended (or failed) in the middle of a read."""


@dataclass(frozen=True)
class Request:
    """The parts of the client's opening HTTP request that the server checks."""

    method: str
    target: str
    version: str
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: int
    payload: bytes

    @property
    def is_control(self) -> bool:
        return self.opcode >= OP_CLOSE


def accept_key(client_key: str) -> str:
    """`Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (RFC 6455 section 4.2.2)."""
    digest = hashlib.sha1((client_key + WEBSOCKET_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def read_request(stream: BinaryIO) -> Request:
    """Read the request line and headers (up to the blank line); raises HandshakeError or ConnectionClosed."""
    lines: list[str] = []
    while True:
        raw = stream.readline(MAX_HEADER_LINE_BYTES + 1)
        if not raw:
            raise ConnectionClosed("connection closed during the handshake")
        if len(raw) > MAX_HEADER_LINE_BYTES or len(lines) > MAX_HEADER_LINES:
            raise HandshakeError(431, "request header fields too large")
        line = raw.decode("latin-1").rstrip("\r\n")
        if not line:
            break
        lines.append(line)
    if not lines:
        raise HandshakeError(400, "empty request")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise HandshakeError(400, "malformed request line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise HandshakeError(400, "malformed header line")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return Request(method=parts[0], target=parts[1], version=parts[2], headers=headers)


def check_upgrade(request: Request) -> str:
    """Validate a WebSocket upgrade request (RFC 6455 section 4.2.1) and return its `Sec-WebSocket-Key`."""
    if request.method != "GET":
        raise HandshakeError(405, "the opening handshake must be a GET")
    if request.version != "HTTP/1.1":
        raise HandshakeError(400, "the opening handshake needs HTTP/1.1")
    if request.headers.get("upgrade", "").lower() != "websocket":
        raise HandshakeError(400, "missing 'Upgrade: websocket'")
    tokens = {t.strip().lower() for t in request.headers.get("connection", "").split(",")}
    if "upgrade" not in tokens:
        raise HandshakeError(400, "missing 'Connection: Upgrade'")
    if request.headers.get("sec-websocket-version") != WEBSOCKET_VERSION:
        raise HandshakeError(
            426, "unsupported WebSocket version", (("Sec-WebSocket-Version", WEBSOCKET_VERSION),)
        )
    key = request.headers.get("sec-websocket-key", "")
    try:
        valid = len(base64.b64decode(key, validate=True)) == 16
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise HandshakeError(400, "Sec-WebSocket-Key must be 16 random bytes in base64")
    return key


def upgrade_response(client_key: str) -> bytes:
    return (
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept_key(client_key)}\r\n"
        "\r\n"
    ).encode("ascii")


def error_response(error: HandshakeError) -> bytes:
    body = f"{error.reason}\n".encode()
    head = [f"HTTP/1.1 {error.status} {_REASONS.get(error.status, 'Error')}"]
    head += [f"{name}: {value}" for name, value in error.headers]
    head += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    426: "Upgrade Required",
    431: "Request Header Fields Too Large",
}


def read_exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size) if size else b""
    if data is None or len(data) < size:
        raise ConnectionClosed("connection closed in the middle of a frame")
    return data


def read_frame(stream: BinaryIO, max_payload_bytes: int = MAX_MESSAGE_BYTES) -> Frame:
    """One client frame, unmasked. Raises ProtocolError for frames the RFC forbids, ConnectionClosed at EOF."""
    first, second = read_exact(stream, 2)
    fin = bool(first & 0x80)
    opcode = first & 0x0F
    if first & 0x70:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "reserved bits set without an extension")
    if opcode not in _OPCODES:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"unknown opcode {opcode:#x}")
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", read_exact(stream, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", read_exact(stream, 8))
        if length >> 63:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "payload length has its top bit set")
    if opcode >= OP_CLOSE and (length > MAX_CONTROL_PAYLOAD_BYTES or not fin):
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "control frames are short and never fragmented")
    if not second & 0x80:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "client frames must be masked")
    if length > max_payload_bytes:
        raise ProtocolError(CLOSE_TOO_BIG, "message too big")
    mask = read_exact(stream, 4)
    return Frame(fin=fin, opcode=opcode, payload=apply_mask(read_exact(stream, length), mask))


def apply_mask(data: bytes, mask: bytes) -> bytes:
    """XOR `data` with the 4-byte `mask` repeated (masking and unmasking are the same operation)."""
    if not data:
        return b""
    size = len(data)
    key = (mask * (size // 4 + 1))[:size]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(size, "big")


def encode_frame(opcode: int, payload: bytes, *, fin: bool = True, mask: bytes | None = None) -> bytes:
    """A frame as bytes: unmasked (server to client) unless `mask` is given (what a client sends)."""
    size = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    if size < 126:
        head += bytes([mask_bit | size])
    elif size < 1 << 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", size)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", size)
    if mask is None:
        return head + payload
    return head + mask + apply_mask(payload, mask)


def close_payload(code: int, reason: str = "") -> bytes:
    return struct.pack("!H", code) + reason.encode()[: MAX_CONTROL_PAYLOAD_BYTES - 2]


def parse_close(payload: bytes) -> tuple[int, str]:
    """(code, reason) of a received close frame; 1005 when it carries no status."""
    if not payload:
        return CLOSE_NO_STATUS, ""
    if len(payload) == 1:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "a close payload needs a 2-byte code")
    (code,) = struct.unpack("!H", payload[:2])
    if code < 1000 or code in (1004, CLOSE_NO_STATUS, 1006, 1015) or 1016 <= code < 3000 or code >= 5000:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"invalid close code {code}")
    try:
        return code, payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(CLOSE_INVALID_PAYLOAD, "close reason is not UTF-8") from None


class MessageAssembler:
    """Joins fragmented data frames into whole messages; control frames pass straight through."""

    def __init__(self, max_message_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self._max = max_message_bytes
        self._opcode: int | None = None
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, frame: Frame) -> tuple[int, bytes] | None:
        """(opcode, payload) once a message (or a control frame) is complete, else None."""
        if frame.is_control:
            return frame.opcode, frame.payload
        if frame.opcode == OP_CONTINUATION:
            if self._opcode is None:
                raise ProtocolError(CLOSE_PROTOCOL_ERROR, "continuation frame outside a message")
        elif self._opcode is not None:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "new message before the previous one ended")
        else:
            self._opcode = frame.opcode
        self._size += len(frame.payload)
        if self._size > self._max:
            raise ProtocolError(CLOSE_TOO_BIG, "message too big")
        self._parts.append(frame.payload)
        if not frame.fin:
            return None
        opcode, payload = self._opcode, b"".join(self._parts)
        self._opcode, self._parts, self._size = None, [], 0
        return opcode, payload
