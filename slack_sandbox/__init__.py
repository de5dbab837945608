"""slack_sandbox: the project's single fake of Slack (Web API, file host, signed event delivery) on loopback."""

from __future__ import annotations

from .config import DEFAULT_BOT_EVENTS, DEFAULT_BOT_SCOPES, SandboxConfig
from .delivery import Delivery, sign
from .sandbox import Sandbox
from .webapi import Call

__all__ = [
    "DEFAULT_BOT_EVENTS",
    "DEFAULT_BOT_SCOPES",
    "Call",
    "Delivery",
    "Sandbox",
    "SandboxConfig",
    "sign",
]
