"""Inbound Slack text: a message as the plain question a person reads (mentions, links and escapes resolved)."""

from __future__ import annotations

import re

from core.mrkdwn import unescape_mrkdwn

__all__ = ["slack_to_plain"]

_ANGLE = re.compile(r"<([^<>]+)>")


def slack_to_plain(text: str, bot_user_id: str | None = None) -> str:
    """The question as a person reads it: the bot's mention removed, links and mentions spelled out."""

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            return f"@{label or target[1:].split('^')[0]}"
        if label and label != target:
            return f"{label} ({target})"
        return target

    plain = _ANGLE.sub(replace, text)
    plain = unescape_mrkdwn(plain)
    return re.sub(r"[ \t]+", " ", plain).strip()
