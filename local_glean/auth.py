"""Who is calling: bearer tokens (user tokens and global tokens with X-Glean-ActAs / X-Scio-Actas)."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

GLOBAL = "*"  # the "email" of a global token: it acts as whoever X-Glean-ActAs names
DEFAULT_TOKENS: Mapping[str, str] = {"dev-token": "demo@example.com", "dev-global-token": GLOBAL}
ACT_AS_HEADERS = ("X-Glean-ActAs", "X-Scio-Actas")  # the second is the deprecated name, still accepted

_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")


@dataclass(frozen=True)
class Identity:
    email: str  # lower-cased
    acting: bool  # a global token acting as this user


class AuthError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_tokens(spec: str) -> dict[str, str]:
    """`TOKEN=EMAIL,TOKEN=*` (as in LOCAL_GLEAN_TOKENS) -> {token: email or "*"}; ValueError if malformed."""
    tokens: dict[str, str] = {}
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        token, sep, who = item.partition("=")
        token, who = token.strip(), who.strip()
        if not sep or not token or not who:
            raise ValueError(f"expected TOKEN=EMAIL or TOKEN=*, got {item.split('=')[0]!r}=...")
        if who != GLOBAL and not _EMAIL.fullmatch(who):
            raise ValueError(f"not an email address for token {token[:4]}...: {who!r}")
        tokens[token] = who.lower()
    if not tokens:
        raise ValueError("no tokens given")
    return tokens


def _lookup(tokens: Mapping[str, str], presented: str) -> str | None:
    # Compare against every token in constant time, so response timing does not reveal a prefix match.
    found: str | None = None
    for token, who in tokens.items():
        if hmac.compare_digest(token.encode(), presented.encode()):
            found = who
    return found


def authenticate(headers: Mapping[str, str], tokens: Mapping[str, str]) -> Identity:
    """The caller's identity, or AuthError(401/403, plain-text reason). `headers` keys are lower-case."""
    authorization = headers.get("authorization", "")
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise AuthError(401, "Missing bearer token: send 'Authorization: Bearer <token>'.")
    who = _lookup(tokens, presented.strip())
    if who is None:
        raise AuthError(401, "Invalid token.")
    act_as = next((headers[h.lower()].strip() for h in ACT_AS_HEADERS if headers.get(h.lower())), "")
    if who == GLOBAL:
        if not act_as:
            raise AuthError(401, "Required header missing: X-Glean-ActAs\nNot allowed")
        if not _EMAIL.fullmatch(act_as):
            raise AuthError(403, f"X-Glean-ActAs must be an email address, got {act_as!r}.")
        return Identity(act_as.lower(), acting=True)
    if act_as and act_as.lower() != who:
        raise AuthError(
            403, "A user token cannot act as another user; use a global token with X-Glean-ActAs."
        )
    return Identity(who, acting=False)
