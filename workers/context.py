"""The worker process's settings, installed once by the worker's main before any job runs.

Jobs read them here instead of from their payload, so no token is ever written into Redis.
"""

from __future__ import annotations

from bot.settings import Settings

__all__ = ["install", "settings"]

_settings: Settings | None = None


def install(value: Settings) -> None:
    """Called by `gleanbot worker` (and tests) before work starts; forked job processes inherit it."""
    global _settings
    _settings = value


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("worker settings not installed: start workers with `gleanbot worker`")
    return _settings
