"""`gleanbot demo`: parse the flags, start the stack, print the one URL to open, and stop cleanly on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from demo.check import CheckFailed, run_check
from local_glean.config import SAMPLE_DOCS_DIR
from local_glean.pacing import PRESETS
from local_stack.redis_server import RedisUnavailable
from local_stack.stack import DEFAULT_UI_PORT, Stack, StackError, StackOptions

__all__ = ["main"]

WATCH_INTERVAL_S = 0.5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gleanbot demo",
        description=(
            "Run gleanbot offline: local_glean over sample docs, Redis, a worker, the bot in HTTP mode and a "
            "Slack sandbox in your browser. No Slack app and no Glean token needed."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"port of the sandbox page (default {DEFAULT_UI_PORT}; 0 = any)",
    )
    parser.add_argument(
        "--act-as",
        action="store_true",
        help="GLEAN_ACT_AS=asker: answer as each person (with a global token); channel answers become private",
    )
    parser.add_argument(
        "--pace",
        choices=sorted(PRESETS),
        default="realistic",
        help="local_glean's answer speed; realistic (default) makes the streaming visible",
    )
    parser.add_argument("--docs", type=Path, default=SAMPLE_DOCS_DIR, help="answer from this folder instead")
    parser.add_argument("--workers", type=int, default=1, help="RQ worker processes (default 1)")
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="do not answer over Slack's rate limits with 429"
    )
    parser.add_argument(
        "--no-open",
        action="store_true",
        help="do not open the page in a browser (it opens when there is a desktop)",
    )
    parser.add_argument(
        "--check", action="store_true", help="ask one question through the page's API, print the result, stop"
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the log folder after stopping")
    return parser


def _has_desktop() -> bool:
    """Whether a graphical browser can open (never a text browser taking over this terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class _Stop(Exception):
    """SIGTERM or SIGHUP: stop like Ctrl-C."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def _options(args: argparse.Namespace) -> StackOptions:
    if args.workers < 1:
        raise ValueError("--workers must be at least 1")
    if not args.docs.is_dir():
        raise ValueError(f"--docs: no such folder: {args.docs}")
    return StackOptions(
        port=DEFAULT_UI_PORT if args.port is None else args.port,
        port_required=args.port is not None,
        act_as=args.act_as,
        pace=PRESETS[args.pace],
        docs=args.docs,
        workers=args.workers,
        rate_limits=not args.no_rate_limits,
        redis_url=os.environ.get("REDIS_URL") or None,
    )


def _summary(stack: Stack, args: argparse.Namespace, elapsed_s: float) -> str:
    assert stack.glean is not None and stack.glean.service is not None and stack.redis is not None
    documents = len(stack.glean.service.index.doc_sources())
    docs = "the sample docs" if args.docs.resolve() == SAMPLE_DOCS_DIR else str(args.docs)
    identity = "as each asker (private answers in channels)" if args.act_as else "as the token's own identity"
    logs = ", ".join(["bot.log", *(f"worker-{n}.log" for n in range(1, args.workers + 1))])
    return "\n".join(
        [
            "gleanbot demo (offline: no Slack app, no Glean token)",
            f"  local_glean  {documents} documents from {docs}, {args.pace} pacing",
            f"  Redis        {stack.redis.description}",
            f"  bot          HTTP mode, {args.workers} worker(s), answering {identity}",
            f"  logs         {stack.log_folder} ({logs})",
            "",
            f"  Ready in {elapsed_s:.1f} s. Open {stack.url}",
            "  Ctrl-C stops everything.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        options = _options(args)
    except ValueError as exc:
        print(f"gleanbot demo: {exc}", file=sys.stderr)
        return 2
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.getsignal(signum) for signum in handled}
    # Explicitly: a shell starting us in the background leaves SIGINT ignored, and Python then keeps it so.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    started = time.monotonic()
    stack = Stack(options)
    failed = False
    try:
        print(
            "gleanbot demo: starting local_glean, Redis, the worker, the bot and the Slack sandbox…",
            flush=True,
        )
        stack.start()
        print(_summary(stack, args, time.monotonic() - started), flush=True)
        if args.check:
            elapsed = run_check(stack.url)
            print(f"demo check passed: the bot answered with sources {elapsed:.1f} s after the question")
            return 0
        if not args.no_open and _has_desktop():
            webbrowser.open(stack.url)
        while True:
            time.sleep(WATCH_INTERVAL_S)
            dead = stack.dead_child()
            if dead is not None:
                failed = True
                print(f"gleanbot demo: {dead}", file=sys.stderr)
                return 1
    except (KeyboardInterrupt, _Stop):
        print("\ngleanbot demo: stopping…", flush=True)
        return 0
    except (RedisUnavailable, StackError, CheckFailed, OSError) as exc:
        failed = True
        print(f"gleanbot demo: {exc}", file=sys.stderr)
        return 1
    finally:
        # Stopping must not be cut short by a second Ctrl-C (or a SIGTERM), or children would be left behind.
        for signum in handled:
            signal.signal(signum, signal.SIG_IGN)
        keep = args.keep_logs or failed
        stack.stop(keep_logs=keep)
        if keep and stack.log_folder.exists():
            print(f"gleanbot demo: logs kept in {stack.log_folder}", file=sys.stderr)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
