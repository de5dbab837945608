"""Fault injection for tests: make the next N calls of an operation fail, queue (202), stall, break off or garble."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

# Operation names as they appear in the path (`/rest/api/v1/<operation>`); `chat-files` is the download.
OPERATIONS = frozenset(
    {
        "ask",
        "chat",
        "deleteallchats",
        "deletechats",
        "getchat",
        "listchats",
        "getchatapplication",
        "uploadchatfiles",
        "getchatfiles",
        "deletechatfiles",
        "feedback",
        "chat-files",
    }
)
MAX_DELAY_MS = 600_000
GARBAGE_LINE = b"<html><body>502 Bad Gateway: GARBAGE-CANARY upstream reply</body></html>\n"
"""What `garbage_after_lines` sends: a proxy's error page, not JSON (tests look for its canary word)."""
MAX_COUNT = 10_000


@dataclass(frozen=True)
class Fault:
    operation: str
    status: int | None = None  # 4XX/5XX: fail with it; 202 (chat only): answer "queued"; None: only delay
    count: int = 1
    retry_after_s: int | None = None  # sent as Retry-After with a failure
    delay_ms: int = 0  # wait this long before answering (counts against the request's timeoutMillis)
    truncate_after_lines: int | None = None  # streamed chat only: cut the connection after N NDJSON lines
    garbage_after_lines: int | None = None  # streamed chat only: after N lines, one that is not JSON

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _int(body: dict[str, Any], key: str, default: int | None, low: int, high: int) -> int | None:
    value = body.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise ValueError(f"'{key}' must be an integer")
    if not low <= value <= high:
        raise ValueError(f"'{key}' must be between {low} and {high}")
    return int(value)


def parse_fault(body: Any) -> Fault:
    """A Fault from the JSON body of `POST /_local/faults`; ValueError with a readable reason if invalid."""
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    unknown = set(body) - {
        "operation",
        "status",
        "count",
        "retry_after_s",
        "delay_ms",
        "truncate_after_lines",
        "garbage_after_lines",
    }
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    operation = body.get("operation")
    if operation not in OPERATIONS:
        raise ValueError(f"'operation' must be one of: {', '.join(sorted(OPERATIONS))}")
    status = _int(body, "status", None, 200, 599)
    if status is not None and status != 202 and status < 400:
        raise ValueError("'status' must be 202 (chat only) or a 4XX/5XX status")
    if status == 202 and operation != "chat":
        raise ValueError("'status' 202 (queued) only applies to 'chat'")
    truncate = _int(body, "truncate_after_lines", None, 0, 100_000)
    if truncate is not None and operation != "chat":
        raise ValueError("'truncate_after_lines' only applies to 'chat'")
    garbage = _int(body, "garbage_after_lines", None, 0, 100_000)
    if garbage is not None and operation != "chat":
        raise ValueError("'garbage_after_lines' only applies to 'chat'")
    fault = Fault(
        operation=operation,
        status=status,
        count=_int(body, "count", 1, 1, MAX_COUNT) or 1,
        retry_after_s=_int(body, "retry_after_s", None, 0, 86_400),
        delay_ms=_int(body, "delay_ms", 0, 0, MAX_DELAY_MS) or 0,
        truncate_after_lines=truncate,
        garbage_after_lines=garbage,
    )
    if fault.status is None and not fault.delay_ms and truncate is None and garbage is None:
        raise ValueError(
            "nothing to inject: give 'status', 'delay_ms', 'truncate_after_lines' or 'garbage_after_lines'"
        )
    return fault


class Faults:
    """The queue of armed faults, per operation; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, deque[list[Any]]] = {}  # operation -> [[fault, calls left], ...]

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._armed.setdefault(fault.operation, deque()).append([fault, fault.count])

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, operation: str) -> Fault | None:
        """The fault to apply to this call of `operation`, if one is armed; uses up one of its calls."""
        with self._lock:
            queue = self._armed.get(operation)
            if not queue:
                return None
            entry = queue[0]
            entry[1] -= 1
            if entry[1] <= 0:
                queue.popleft()
            fault: Fault = entry[0]
            return fault

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {**fault.to_json(), "remaining": left}
                for queue in self._armed.values()
                for fault, left in queue
            ]
