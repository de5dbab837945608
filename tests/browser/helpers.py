"""Shared pieces of the browser tests: Debian's Chromium and its flags, the pace, the viewport, the stack."""

from __future__ import annotations

import os
from typing import Any

from local_glean.pacing import Pace
from local_stack.stack import Stack, StackOptions

CHROMIUM = os.environ.get("GLEANBOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEST_PACE = Pace(first_token_ms=300, tokens_per_s=250)
"""Fast enough for a quick suite, slow enough that an answer streams in several visible steps."""
VIEWPORT = {"width": 1280, "height": 800}
FINISHED_ANSWER = (
    '#thread-messages .msg[data-user="UBOT"]:not([data-stream="streaming"])'
    ':has(button[data-action-id="gleanbot_feedback"])'
)
"""A finished answer, streamed or (when Slack's stream budget is spent) posted whole."""


def start_stack(**options: Any) -> Stack:
    """The demo's stack on free ports, with the suite's Redis if one is configured."""
    settings: dict[str, Any] = {
        "port": 0,
        "port_required": True,
        "pace": TEST_PACE,
        "redis_url": os.environ.get("GLEANBOT_TEST_REDIS_URL"),
        **options,
    }
    return Stack(StackOptions(**settings)).start()
