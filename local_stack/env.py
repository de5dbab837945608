"""The environment of a bot wired to the local stack, and the one scrub of the caller's own bot settings."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sandbox import Sandbox

__all__ = ["OWN_NAMES", "OWN_PREFIXES", "bot_env", "scrubbed"]

OWN_PREFIXES = ("SLACK_", "GLEAN_", "GLEANBOT_", "LOCAL_GLEAN_")
"""Settings that must come from the stack, never from the caller's shell or .env (a real token, say)."""
OWN_NAMES = ("REDIS_URL", "PORT", "LOG_LEVEL")
KEEP = ("GLEANBOT_TEST_REDIS_URL",)
"""The tests' own choice of Redis, not a bot setting."""


def is_own(name: str) -> bool:
    return (name.startswith(OWN_PREFIXES) or name in OWN_NAMES) and name not in KEEP


def scrubbed(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without any bot setting: what a child process of the stack starts from."""
    return {k: v for k, v in environ.items() if not is_own(k)}


def bot_env(sandbox: Sandbox, glean_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The settings of a `gleanbot` process wired to the sandbox, local_glean and a Redis; `extra` wins."""
    return {
        "SLACK_BOT_TOKEN": sandbox.config.bot_token,
        "SLACK_SIGNING_SECRET": sandbox.config.signing_secret,
        "SLACK_API_URL": sandbox.api_url,
        "GLEAN_SERVER_URL": glean_url,
        "GLEAN_API_TOKEN": "dev-token",
        "REDIS_URL": redis_url,
        "PORT": "0",
        **extra,
    }
