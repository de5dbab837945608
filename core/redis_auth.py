"""Whether Redis asks for a password: whoever can write to it decides what the workers do and read every thread."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from core.file_hosts import is_loopback
from core.logs import log_event

__all__ = ["redis_needs_auth_warning", "warn_if_redis_without_auth"]


def redis_needs_auth_warning(url: str) -> str | None:
    """The reason to warn about `url` (a non-loopback Redis reached without a password), or None."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return None  # a socket file: reachable only by this host's users, guarded by its permissions
    if is_loopback(parts.hostname or "localhost"):
        return None
    if parts.password:
        return None
    if "password=" in parts.query:  # redis-py also reads ?password=
        return None
    return "no password" if parts.scheme == "redis" else "no password over tls"


def warn_if_redis_without_auth(url: str, log: logging.Logger) -> None:
    """Log `redis_without_auth` at start-up when the Redis at `url` takes anyone (the URL itself is not logged)."""
    reason = redis_needs_auth_warning(url)
    if reason is not None:
        log_event(log, "redis_without_auth", logging.WARNING, reason=reason)
