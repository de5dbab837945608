"""Which URLs may receive the bot token (file downloads) or a private answer (response_url): Slack's own hosts.

The rule, in one place so it can be reviewed and tested on its own:

- `https` on `slack.com` or any `*.slack.com` host (files.slack.com, hooks.slack.com, ...), or the GovSlack
  equivalents (`*.slack-gov.com`), on the default port, with no user-info in the URL;
- otherwise, only when `SLACK_API_URL` itself is a loopback URL (tests, the offline demo): that same
  scheme, host and port. The token already goes there with every Web API call, so this opens nothing new.

Anything else is refused: plain http on a slack.com name, look-alike hosts (`slack.com.evil.example`),
other ports, and every other host, including the target of a redirect (callers re-check each hop).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["is_loopback", "slack_host_refusal", "token_may_go_to"]

_SLACK_DOMAINS = ("slack.com", "slack-gov.com")


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (localhost or a loopback address): only tests and the demo live there."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an absolute http(s) URL without user-info; None when it is anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or parts.username is not None or "@" in parts.netloc:
        return None
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, host, default if port is None else port


def slack_host_refusal(url: str, slack_api_url: str) -> str | None:
    """None when `url` is on Slack's own hosts (see the module docstring); else why it is refused."""
    origin = _origin(url)
    if origin is None:
        return "not an http(s) URL"
    scheme, host, port = origin
    on_slack = any(host == domain or host.endswith("." + domain) for domain in _SLACK_DOMAINS)
    if on_slack:
        if scheme != "https":
            return "Slack hosts are only reached over https"
        if port != 443:
            return "not Slack's standard https port"
        return None
    api = _origin(slack_api_url)
    if api is not None and is_loopback(api[1]) and origin == api:
        return None  # the loopback Slack the bot is configured with (tests, demo)
    return f"{host} is not a Slack host"


def token_may_go_to(url: str, slack_api_url: str) -> bool:
    return slack_host_refusal(url, slack_api_url) is None
