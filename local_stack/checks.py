"""Bounded waiting, and the check that nothing ignored a 429's Retry-After."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TypeVar

from slack_sandbox import Call

__all__ = ["ignored_retry_after", "wait_until"]

T = TypeVar("T")


def wait_until(predicate: Callable[[], T | None], timeout_s: float, interval_s: float = 0.02) -> T:
    """Poll `predicate` until it returns something truthy; TimeoutError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        time.sleep(interval_s)


def ignored_retry_after(calls: list[Call]) -> list[str]:
    """Calls repeated with identical arguments sooner than the Retry-After of the 429 before them."""
    bad: list[str] = []
    for index, call in enumerate(calls):
        if call.status != 429 or call.retry_after_s is None:
            continue
        key = json.dumps(call.params, sort_keys=True, default=str)
        for later in calls[index + 1 :]:
            if later.method == call.method and json.dumps(later.params, sort_keys=True, default=str) == key:
                if later.at - call.at < call.retry_after_s:
                    bad.append(
                        f"{call.method} after {later.at - call.at:.2f}s < Retry-After {call.retry_after_s}s"
                    )
                break
    return bad
