"""Held replies (`sandbox.holds`): Slack applies a call, then its reply is held, so a test can kill the caller
in the one window no other fault reaches (the message is in Slack, the bot never learned its ts)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["HOLD_MAX_S", "Hold", "Holds"]

HOLD_MAX_S = 60.0
"""A held reply goes out after this long even if the test never releases it (no thread waits forever)."""


@dataclass
class Hold:
    """One held reply: `reached` is set once the call was applied and its reply is waiting."""

    method: str
    skip: int
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def wait_reached(self, timeout_s: float = 20.0) -> bool:
        return self.reached.wait(timeout_s)

    def release(self) -> None:
        self.released.set()


class Holds:
    """Holds queued per method, each taking the call after `skip` more successful calls of that method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: dict[str, list[Hold]] = {}

    def after(self, method: str, skip: int = 0) -> Hold:
        """Hold the reply of the next successful `method` call (after `skip` of them pass untouched)."""
        hold = Hold(method, skip)
        with self._lock:
            self._queued.setdefault(method, []).append(hold)
        return hold

    def take(self, method: str) -> Hold | None:
        with self._lock:
            queue = self._queued.get(method)
            if not queue:
                return None
            head = queue[0]
            if head.skip > 0:
                head.skip -= 1
                return None
            queue.pop(0)
            return head

    def release_all(self) -> None:
        with self._lock:
            queued = [h for q in self._queued.values() for h in q]
            self._queued.clear()
        for hold in queued:
            hold.release()

    @staticmethod
    def keep(hold: Hold) -> None:
        """Called on the request's thread with the call applied: wait for the test to release the reply."""
        hold.reached.set()
        hold.released.wait(HOLD_MAX_S)
