"""Socket Mode envelopes as Slack sends them, the ack each one waits for, and the delivery record it leaves."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .delivery import Delivery

__all__ = ["ENVELOPE_TYPES", "Pending", "envelope_delivery", "make_envelope"]

JsonDict = dict[str, Any]

ENVELOPE_TYPES = {"event": "events_api", "command": "slash_commands", "action": "interactive"}


@dataclass
class Pending:
    """An envelope waiting for its ack."""

    event: threading.Event = field(default_factory=threading.Event)
    acked: bool = False
    payload: JsonDict | None = None


def make_envelope(kind: str, payload: JsonDict, attempt: int, reason: str) -> tuple[str, str]:
    """A fresh envelope id and the envelope's JSON text; events carry Slack's retry fields."""
    envelope_id = str(uuid.uuid4())
    envelope: JsonDict = {
        "envelope_id": envelope_id,
        "type": ENVELOPE_TYPES[kind],
        "payload": payload,
        "accepts_response_payload": kind != "event",
    }
    if kind == "event":
        envelope.update({"retry_attempt": attempt, "retry_reason": reason})
    body = json.dumps(envelope)
    return envelope_id, body


def envelope_delivery(
    kind: str,
    payload: JsonDict,
    body: str,
    envelope_id: str,
    pending: Pending,
    error: str | None,
    started: float,
    attempt: int,
) -> Delivery:
    """What one send over the socket amounted to, recorded like an HTTP delivery."""
    response_body = json.dumps(pending.payload) if pending.payload is not None else ""
    return Delivery(
        kind=kind,
        payload=payload,
        body=body,
        headers={},
        status=None if error else 200,
        response_body=response_body,
        response_headers={"content-type": "application/json"} if response_body else {},
        error=error,
        at=started,
        elapsed_s=time.monotonic() - started,
        retry_num=attempt or None,
        transport="socket",
        envelope_id=envelope_id,
    )
