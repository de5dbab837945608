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

# KEYS: the buckets of every option, in order. ARGV: the bucket TTL, then per option its number of buckets, then
# per bucket (rate per second, burst). Takes one token from each bucket of the first option that has them all
# and returns that option's number (1-based), or 0: one round trip however many ways of writing are tried.
_TAKE_FIRST = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local ttl = tonumber(ARGV[1])
local options = tonumber(ARGV[2])
local arg = 3 + options
local key = 1
for option = 1, options do
  local size = tonumber(ARGV[2 + option])
  local levels = {}
  local enough = true
  for i = 0, size - 1 do
    local rate = tonumber(ARGV[arg + 2 * i])
    local burst = tonumber(ARGV[arg + 2 * i + 1])
    local state = redis.call('HMGET', KEYS[key + i], 'tokens', 'at')
    local tokens = tonumber(state[1]) or burst
    local at = tonumber(state[2]) or now
    tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
    if tokens < 1 then enough = false break end
    levels[i] = tokens
  end
  if enough then
    for i = 0, size - 1 do
      redis.call('HSET', KEYS[key + i], 'tokens', tostring(levels[i] - 1), 'at', tostring(now))
      redis.call('EXPIRE', KEYS[key + i], ttl)
    end
    return option
  end
  arg = arg + 2 * size
  key = key + size
end
return 0
"""


class SlackBudget:
    """`take(...)` spends tokens if all are there; `first(...)` the first option that has them; `wait(...)`
    for the few calls that must go out anyway."""

    def __init__(self, store: Store, team_id: str) -> None:
        self._store = store
        self._team_id = team_id
        self._script = store.redis.register_script(_TAKE_FIRST)

    def take(self, *methods: str, channel_id: str | None = None) -> bool:
        """One token of each method, or none at all. Methods without a known limit are free."""
        return self.first(methods, channel_id=channel_id) == 0

    def first(self, *options: tuple[str, ...], channel_id: str | None = None) -> int | None:
        """The index of the first option (a tuple of methods) whose tokens are all there, taking them; None
        when no option has them. An option whose methods have no known limit is free."""
        if not options:
            return None
        keys: list[str] = []
        sizes: list[int] = []
        rates: list[float] = []
        for index, methods in enumerate(options):
            limits = [(m, SLACK_METHOD_LIMITS[m]) for m in methods if m in SLACK_METHOD_LIMITS]
            if not limits:
                if not keys:
                    return index
                break  # always available: the options after it are never reached
            sizes.append(len(limits))
            for method, limit in limits:
                keys.append(
                    self._store.budget_key(self._team_id, method, channel_id if limit.per_channel else None)
                )
                rates += [limit.per_minute / 60.0, float(limit.burst)]
        else:
            index = len(options)  # no free option: past the end means "none"
        try:
            chosen = int(self._script(keys=keys, args=[BUCKET_TTL_S, len(sizes), *sizes, *rates]))
        except redis.RedisError:
            return 0  # no budget to consult: Slack's own 429 (retried after Retry-After) still protects it
        if chosen:
            return chosen - 1
        return index if index < len(options) else None

    def wait(self, method: str, *, channel_id: str | None = None, max_wait_s: float = 10.0) -> bool:
        """For a call that must happen (the answer itself): wait for its token, up to `max_wait_s`."""
        deadline = time.monotonic() + max_wait_s
        while not self.take(method, channel_id=channel_id):
            if time.monotonic() >= deadline:
                return False
            time.sleep(WAIT_STEP_S)
        return True
