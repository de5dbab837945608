"""`gleanbot`, the command line above every process: http (events over HTTP), socket (Socket Mode), worker (RQ),
demo (all of it offline, with a Slack sandbox in the browser)."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.dotenv import read_dotenv
from core.logs import configure_logging, log_event
from core.policy import PolicyError
from core.redis_auth import warn_if_redis_without_auth
from core.settings import Command, Settings, SettingsError

__all__ = ["main"]

log = logging.getLogger("gleanbot.cli")

STANDIN_MODULES = ("pypdf", "numpy", "onnxruntime", "tokenizers")
"""What the `standins` extra brings (local_glean's documents and search); production images leave it out."""


def _standins_missing() -> str | None:
    """Why `demo`/`local-glean` cannot run here, or None: the `standins` extra is not installed."""
    missing = []
    for name in STANDIN_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a blocked or broken module counts as missing
            found = False
        if not found:
            missing.append(name)
    if not missing:
        return None
    return (
        f"gleanbot: the offline stand-ins need {', '.join(missing)}, which this install leaves out: "
        "pip install 'gleanbot[standins]' (./dev installs everything)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gleanbot", description="Glean answers for Slack.")
    parser.add_argument("--env-file", default=".env", help="read settings from this file too (default: .env)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("http", help="serve Slack's events, commands and actions at POST /slack/events on $PORT")
    sub.add_parser("socket", help="connect to Slack over Socket Mode (needs SLACK_APP_TOKEN)")
    worker = sub.add_parser("worker", help="run the RQ worker that answers questions")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    sub.add_parser("local-glean", help="run the local stand-in Glean server", add_help=False)
    sub.add_parser("demo", help="try it offline: the bot, local_glean and a Slack sandbox in the browser")
    return parser


def load_settings(env_file: Path, environ: Mapping[str, str], command: Command) -> Settings:
    """The process environment wins over the .env file."""
    return Settings.from_env({**read_dotenv(env_file), **environ}).require_for(command)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] in (["local-glean"], ["demo"]) and (why := _standins_missing()):
        print(why, file=sys.stderr)
        return 2
    if args_list[:1] == ["local-glean"]:
        # Everything after the subcommand belongs to local_glean's own CLI.
        from local_glean.cli import main as local_glean_main

        return int(local_glean_main(args_list[1:]) or 0)
    if args_list[:1] == ["demo"]:
        from demo.cli import main as demo_main  # the demo's own flags; it sets every bot setting itself

        return demo_main(args_list[1:])
    args = _parser().parse_args(args_list)
    command: Command = args.command
    try:
        settings = load_settings(Path(args.env_file), os.environ, command)
    except (SettingsError, PolicyError, ValueError) as exc:
        print(f"gleanbot: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    log_event(log, "starting", mode=command)
    warn_if_redis_without_auth(settings.redis_url, log)
    if command == "worker":
        from workers.pool import run_pool

        return run_pool(settings, burst=args.burst)
    if command == "socket":
        from bot.socket_mode import run_socket_mode

        return run_socket_mode(settings)
    from bot.serve import run_http

    return run_http(settings)
