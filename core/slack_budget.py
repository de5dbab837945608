"""The bot's share of Slack's rate limits, kept in Redis so every worker and listener spends one budget.

One token bucket per workspace and method (per channel for `chat.postMessage`), shaped as
`core.slack_tiers` says. Taking is all or nothing across several methods (a stream needs both its start and
its stop), atomic in a Lua script, and never waits: a caller that finds no token chooses another way to
deliver (see workers/writers/public.py), so no answer queues behind Slack's limit.
"""

from __future__ import annotations

import time

import redis

from core.slack_tiers import SLACK_METHOD_LIMITS
from core.store import Store

__all__ = ["SlackBudget"]

BUCKET_TTL_S = 120
"""A bucket idle this long is full again anyway; its key can go."""
WAIT_STEP_S = 0.2

# KEYS: one bucket per method; ARGV: per bucket (rate per second, burst), then how many to take of each.
_TAKE_ALL = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local want = tonumber(ARGV[#ARGV])
local levels = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or burst
  local at = tonumber(state[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
  if tokens < want then return 0 end
  levels[i] = tokens
end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'tokens', tostring(levels[i] - want), 'at', tostring(now))
  redis.call('EXPIRE', key, tonumber(ARGV[#ARGV - 1]))
end
return 1
"""


class SlackBudget:
    """`take(...)` spends tokens if all are there; `wait(...)` for the few calls that must go out anyway."""

    def __init__(self, store: Store, team_id: str) -> None:
        self._store = store
        self._team_id = team_id
        self._script = store.redis.register_script(_TAKE_ALL)

    def take(self, *methods: str, channel_id: str | None = None) -> bool:
        """One token of each method, or none at all. Methods without a known limit are free."""
        keys: list[str] = []
        args: list[float] = []
        for method in methods:
            limit = SLACK_METHOD_LIMITS.get(method)
            if limit is None:
                continue
            keys.append(
                self._store.budget_key(self._team_id, method, channel_id if limit.per_channel else None)
            )
            args += [limit.per_minute / 60.0, float(limit.burst)]
        if not keys:
            return True
        try:
            return bool(self._script(keys=keys, args=[*args, BUCKET_TTL_S, 1]))
        except redis.RedisError:
            return True  # no budget to consult: Slack's own 429 (retried after Retry-After) still protects it

    def wait(self, method: str, *, channel_id: str | None = None, max_wait_s: float = 10.0) -> bool:
        """For a call that must happen (the answer itself): wait for its token, up to `max_wait_s`."""
        deadline = time.monotonic() + max_wait_s
        while not self.take(method, channel_id=channel_id):
            if time.monotonic() >= deadline:
                return False
            time.sleep(WAIT_STEP_S)
        return True
