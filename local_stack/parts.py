"""The two stand-ins started for tests and benchmarks: the Slack sandbox and local_glean, on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from local_glean import LocalGlean
from local_glean.config import LocalGleanConfig
from local_glean.pacing import Pace
from slack_sandbox import Sandbox, SandboxConfig

__all__ = ["BOT_TOKEN", "SIGNING_SECRET", "start_glean", "start_sandbox"]

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"


def start_sandbox(*, rate_limits: bool = False, deliver_bot_messages: bool = False) -> Sandbox:
    """The Slack fake. The bot's own posts are not echoed back by default: the benchmarks measure questions."""
    config = SandboxConfig(
        signing_secret=SIGNING_SECRET,
        bot_token=BOT_TOKEN,
        rate_limits=rate_limits,
        deliver_bot_messages=deliver_bot_messages,
    )
    return Sandbox(config).start()


def start_glean(
    data_dir: Path,
    *,
    pace: Pace | None = None,
    docs_dir: Path | None = None,
    on_stream_line: Callable[[str, bytes], None] | None = None,
) -> LocalGlean:
    kwargs: dict[str, Any] = {"data_dir": data_dir, "faults_enabled": True, "on_stream_line": on_stream_line}
    if pace is not None:
        kwargs["pace"] = pace
    if docs_dir is not None:
        kwargs["docs_dir"] = docs_dir
    return LocalGlean(LocalGleanConfig(**kwargs)).start()
