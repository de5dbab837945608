"""Slack's Web API rate limits for the methods the bot calls, as Slack documents them per method.

Slack limits each method per app per workspace in tiers (docs.slack.dev/apis/web-api/rate-limits): Tier 2
is 20+ calls a minute, Tier 3 50+, Tier 4 100+, "with occasional bursts". `chat.postMessage` is special:
about one message a second per channel. `assistant.threads.setStatus` is special too (no number
published): it is budgeted as Tier 3. The bot plans with the floor of each tier and a burst of a tenth of
it, so it never exceeds a tier knowingly; the Slack sandbox enforces the same table (a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SLACK_METHOD_LIMITS", "TIER_PER_MINUTE", "MethodLimit", "tier"]

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}


@dataclass(frozen=True)
class MethodLimit:
    per_minute: float
    burst: int
    per_channel: bool = False
    """Counted per channel (`chat.postMessage`) rather than per workspace."""


def tier(number: int) -> MethodLimit:
    per_minute = TIER_PER_MINUTE[number]
    return MethodLimit(per_minute=per_minute, burst=max(1, per_minute // 10))


SLACK_METHOD_LIMITS: dict[str, MethodLimit] = {
    "chat.postMessage": MethodLimit(per_minute=60, burst=3, per_channel=True),
    "chat.update": tier(3),
    "chat.delete": tier(3),
    "chat.postEphemeral": tier(4),
    "chat.startStream": tier(2),
    "chat.appendStream": tier(4),
    "chat.stopStream": tier(2),
    "reactions.add": tier(3),
    "reactions.remove": tier(2),
    "assistant.threads.setStatus": tier(3),
    "users.info": tier(4),
    "conversations.info": tier(3),
}
