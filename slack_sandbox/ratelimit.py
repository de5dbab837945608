"""Per-method rate limits shaped like Slack's tiers, plus injected failures (`fail_next`).

Slack limits each method per app per workspace ("Tier 3: 50+ per minute"), with short bursts allowed, and
`chat.postMessage` per channel (about one per second). A token bucket models that: `burst` calls at once, then
`per_minute / 60` per second. A refused call gets HTTP 429, `Retry-After` (whole seconds until a token is back)
and `{"ok": false, "error": "ratelimited"}`.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}


@dataclass(frozen=True)
class Limit:
    """`per_minute` sustained, `burst` at once; `per_channel` keys the bucket by the `channel` argument."""

    per_minute: float
    burst: int
    per_channel: bool = False


def tier(number: int) -> Limit:
    per_minute = TIER_PER_MINUTE[number]
    return Limit(per_minute=per_minute, burst=max(1, per_minute // 10))


# Tiers from Slack's method reference (docs.slack.dev); "special" methods get the nearest tier.
SLACK_LIMITS: dict[str, Limit] = {
    "auth.test": tier(4),
    "chat.postMessage": Limit(per_minute=60, burst=3, per_channel=True),
    "chat.update": tier(3),
    "chat.delete": tier(3),
    "chat.postEphemeral": tier(4),
    "chat.getPermalink": tier(4),
    "chat.startStream": tier(2),
    "chat.appendStream": tier(4),
    "chat.stopStream": tier(2),
    "users.info": tier(4),
    "conversations.info": tier(3),
    "conversations.history": tier(3),
    "conversations.replies": tier(3),
    "reactions.add": tier(3),
    "reactions.remove": tier(2),
    "assistant.threads.setStatus": tier(3),
    "assistant.threads.setSuggestedPrompts": tier(4),
    "assistant.threads.setTitle": tier(4),
    "files.info": tier(4),
    "views.publish": tier(4),
}


@dataclass
class Injected:
    """A failure queued by `fail_next`: answered instead of running the method, `count` times."""

    error: str
    count: int
    retry_after_s: int
    status: int


class RateLimiter:
    """Token buckets keyed by (method, channel-or-None), and the queue of injected failures."""

    def __init__(self, enabled: bool) -> None:
        self._lock = threading.Lock()
        self.enabled = enabled
        self._overrides: dict[str, Limit] = {}
        self._buckets: dict[tuple[str, str | None], tuple[float, float]] = {}  # key -> (tokens, updated_at)
        self._injected: dict[str, list[Injected]] = {}

    def set_limit(self, method: str, per_minute: float | None, burst: int | None = None) -> None:
        """An explicit limit applies even while `enabled` is off; `per_minute=None` removes it."""
        with self._lock:
            for key in [k for k in self._buckets if k[0] == method]:
                del self._buckets[key]
            if per_minute is None:
                self._overrides.pop(method, None)
                return
            default = SLACK_LIMITS.get(method)
            per_channel = default.per_channel if default else False
            self._overrides[method] = Limit(per_minute, burst if burst is not None else 1, per_channel)

    def fail_next(self, method: str, error: str, count: int, retry_after_s: int, status: int) -> None:
        with self._lock:
            self._injected.setdefault(method, []).append(Injected(error, count, retry_after_s, status))

    def take_injected(self, method: str) -> Injected | None:
        with self._lock:
            queue = self._injected.get(method)
            if not queue:
                return None
            head = queue[0]
            head.count -= 1
            if head.count <= 0:
                queue.pop(0)
            return head

    def check(self, method: str, channel: str | None) -> int | None:
        """Spend a token; returns None when allowed, or the Retry-After seconds when refused."""
        with self._lock:
            limit = self._overrides.get(method) or (SLACK_LIMITS.get(method) if self.enabled else None)
            if limit is None:
                return None
            key = (method, channel if limit.per_channel else None)
            now = time.monotonic()
            rate_per_s = limit.per_minute / 60.0
            tokens, updated = self._buckets.get(key, (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + (now - updated) * rate_per_s)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate_per_s))

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._injected.clear()
