"""Where the Glean token may go (GLEAN_SERVER_URL or a GLEAN_INSTANCE label), and whom it acts as (GLEAN_PUBLIC_AS)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

__all__ = ["check_glean_instance", "check_glean_server_url", "check_public_as"]

# One DNS label: letters, digits and inner hyphens, at most 63 characters (RFC 1123). Anything else (a '#',
# '@', '/', ':' or '.') would move the token to a host other than `{instance}-be.glean.com`.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def check_glean_server_url(value: str) -> str | None:
    """Why GLEAN_SERVER_URL may not carry the token, or None when it may."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  # raises on a malformed port
    except ValueError:
        return f"must be an https URL, not {value!r}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an https URL, not {value!r}"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password (the token is sent as a header)"
    if parts.fragment or "#" in value:
        return "must not carry a '#' fragment"
    try:
        # httpx parses more strictly than urlsplit (control characters, IDNA), and the socket layer refuses
        # a host label over 63 characters: refused here, at start-up, instead of failing every question.
        httpx.Request("GET", value).url.raw_host.decode("ascii").encode("idna")
    except (httpx.InvalidURL, UnicodeError) as exc:
        return f"is not a valid URL ({type(exc).__name__}): {value!r}"
    if parts.scheme == "http" and parts.hostname.lower() not in _LOOPBACK_HOSTS:
        # The bearer token would cross the network in clear text.
        return "must be an https URL (plain http only on 127.0.0.1, ::1 or localhost)"
    return None


def check_glean_instance(value: str) -> str | None:
    """Why GLEAN_INSTANCE is not a bare instance name, or None when it is one."""
    if _LABEL.fullmatch(value) is None:
        return f"give the bare instance name (letters, digits and '-', e.g. 'acme'), not {value!r}"
    return None


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_public_as(value: str | None, *, acts_as_asker: bool) -> str | None:
    """Why GLEAN_PUBLIC_AS is unusable, or None. It names the account a global token acts as for answers
    everyone sees (hybrid channels), so it only means something with GLEAN_ACT_AS=asker."""
    if value is None:
        return None
    if not acts_as_asker:
        return "needs GLEAN_ACT_AS=asker (a global token); without it the token's own identity answers"
    return None if _EMAIL.fullmatch(value) else f"must be an email address, not {value!r}"
