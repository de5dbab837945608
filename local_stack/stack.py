"""The whole local stack, started in order and stopped in reverse (the demo and the browser tests run it): local_glean and the Slack sandbox (threads
of this process), Redis, the RQ worker(s) (`gleanbot worker`, child processes) and the bot in HTTP mode.

The bot runs in this process on 127.0.0.1 through the same functions `gleanbot http` uses, with settings built
by `Settings.from_env` from the same variables a deployment sets, so a request from the sandbox takes the
production path: signature check, Bolt listeners, Redis, RQ, the worker, Slack's Web API (the sandbox's).
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rq import Worker

from core.contract import open_rq_redis
from core.logs import JsonFormatter, LibraryFilter
from core.settings import Settings
from local_glean import LocalGlean
from local_glean.config import SAMPLE_APPLICATIONS_FILE, SAMPLE_DOCS_DIR, LocalGleanConfig
from local_glean.pacing import REALISTIC, Pace
from local_stack.bot_server import BotServer
from local_stack.children import Child
from local_stack.env import bot_env, scrubbed
from local_stack.redis_server import RedisChoice, choose_redis
from slack_sandbox import Sandbox, SandboxConfig

__all__ = ["DEFAULT_UI_PORT", "Stack", "StackError", "StackOptions"]

DEFAULT_UI_PORT = 8730
WORKER_READY_TIMEOUT_S = 30.0
WORKER_STOP_GRACE_S = 5.0
DEMO_USER_TOKEN = "dev-token"
DEMO_GLOBAL_TOKEN = "dev-global-token"


class StackError(RuntimeError):
    """A part did not start; the message says which and why."""


@dataclass(frozen=True)
class StackOptions:
    port: int = DEFAULT_UI_PORT
    port_required: bool = False
    """False: if `port` is taken, any free port will do. True (`--port` given): fail instead."""
    act_as: bool = False
    pace: Pace = REALISTIC
    docs: Path = SAMPLE_DOCS_DIR
    workers: int = 1
    rate_limits: bool = True
    redis_url: str | None = None
    redis_server: str | None = None
    """A redis-server binary to use instead of the one on PATH (tests)."""
    extra_env: dict[str, str] = field(default_factory=dict)
    """More bot settings (e.g. GLEANBOT_CHANNELS), applied to the bot and the workers."""


class Stack:
    """`Stack(options).start()`, then `.url`; `.stop()` ends everything (safe to call twice)."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.folder = Path(tempfile.mkdtemp(prefix="gleanbot-demo-"))
        self.glean: LocalGlean | None = None
        self.sandbox: Sandbox | None = None
        self.redis: RedisChoice | None = None
        self.workers: list[Child] = []
        self.settings: Settings | None = None
        self.bot_port = 0
        self._stops: list[Callable[[], None]] = []
        self._log_handler: logging.Handler | None = None
        self._queue_name = f"gleanbot-demo-{secrets.token_hex(4)}"

    @property
    def url(self) -> str:
        if self.sandbox is None:
            raise RuntimeError("Stack.start() first")
        return self.sandbox.base_url

    @property
    def log_folder(self) -> Path:
        return self.folder

    def start(self) -> Stack:
        try:
            self._start_glean()
            self._start_sandbox()
            self.redis = choose_redis(
                self.options.redis_url, self.folder / "redis", self.options.redis_server
            )
            if self.redis.server is not None:
                self._stops.append(self.redis.server.stop)
            self.settings = Settings.from_env(self._bot_env()).require_for("http")
            self._start_workers()
            self._start_bot()
        except BaseException:
            self.stop(keep_logs=True)  # the caller decides what happens to the logs
            raise
        return self

    # ---- the parts ----------------------------------------------------------------------------------------

    def _start_glean(self) -> None:
        docs = self.options.docs.resolve()
        config = LocalGleanConfig(
            data_dir=self.folder / "local-glean",
            docs_dir=docs,
            pace=self.options.pace,
            applications_file=SAMPLE_APPLICATIONS_FILE if docs == SAMPLE_DOCS_DIR else None,
        )
        self.glean = LocalGlean(config).start()
        glean = self.glean
        self._stops.append(glean.stop)

    def _start_sandbox(self) -> None:
        def config(port: int) -> SandboxConfig:
            return SandboxConfig(
                signing_secret=secrets.token_hex(16),
                bot_token=f"xoxb-demo-{secrets.token_hex(12)}",
                rate_limits=self.options.rate_limits,
                port=port,
            )

        try:
            self.sandbox = Sandbox(config(self.options.port)).start()
        except OSError as exc:
            if self.options.port_required:
                raise StackError(f"port {self.options.port} is not available ({exc.strerror})") from None
            self.sandbox = Sandbox(config(0)).start()  # the usual port is busy: any free one will do
        sandbox = self.sandbox
        self._stops.append(sandbox.stop)

    def _bot_env(self) -> dict[str, str]:
        assert self.sandbox is not None and self.glean is not None and self.redis is not None
        return bot_env(
            self.sandbox,
            self.glean.url,
            self.redis.url,
            GLEAN_API_TOKEN=DEMO_GLOBAL_TOKEN if self.options.act_as else DEMO_USER_TOKEN,
            # Its own queue: on a shared Redis, the demo must not take a real deployment's jobs (or give it its).
            GLEANBOT_QUEUE=self._queue_name,
            LOG_LEVEL="INFO",
            **({"GLEAN_ACT_AS": "asker"} if self.options.act_as else {}),
            **self.options.extra_env,
        )

    def _child_env(self) -> dict[str, str]:
        env = scrubbed(os.environ)
        env.update(self._bot_env())
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _start_workers(self) -> None:
        assert self.settings is not None
        no_env_file = str(self.folder / "no.env")  # never read the caller's .env: the demo sets everything
        for number in range(1, self.options.workers + 1):
            argv = [sys.executable, "-m", "gleanbot", "--env-file", no_env_file, "worker"]
            child = Child(f"worker {number}", argv, self.folder / f"worker-{number}.log", self._child_env())
            self.workers.append(child)
            self._stops.append(functools.partial(child.stop, grace_s=WORKER_STOP_GRACE_S))
        self._wait_for_workers()

    def _wait_for_workers(self) -> None:
        assert self.settings is not None
        connection = open_rq_redis(self.settings.redis_url)
        deadline = time.monotonic() + WORKER_READY_TIMEOUT_S
        try:
            while True:
                for child in self.workers:
                    if not child.alive():
                        raise StackError(f"{child.name} stopped at start-up:\n{child.tail()}")
                ready = [
                    w
                    for w in Worker.all(connection=connection)
                    if self.settings.queue_name in w.queue_names()
                ]
                if len(ready) >= len(self.workers):
                    return
                if time.monotonic() > deadline:
                    raise StackError(f"the worker did not start within {WORKER_READY_TIMEOUT_S:.0f} s")
                time.sleep(0.1)
        finally:
            connection.close()

    def _start_bot(self) -> None:
        assert self.settings is not None and self.sandbox is not None
        self._log_to_file()
        bot = BotServer(self.settings).start()
        self._stops.append(bot.stop)
        self.bot_port = bot.port
        self.sandbox.set_bot_url(bot.events_url)

    def _log_to_file(self) -> None:
        """The bot's JSON log lines go to bot.log beside the workers' logs (the terminal stays readable)."""
        handler = logging.FileHandler(self.folder / "bot.log", encoding="utf-8")
        handler.setFormatter(JsonFormatter())
        handler.addFilter(LibraryFilter())
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        for noisy in ("slack_sdk", "slack_bolt", "httpx", "httpcore", "waitress", "urllib3", "local_glean"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        self._log_handler = handler

    # ---- running and stopping -----------------------------------------------------------------------------

    def dead_child(self) -> str | None:
        """What stopped on its own, a worker or the private Redis, and why (the demo cannot go on without it)."""
        for child in self.workers:
            if not child.alive():
                return f"{child.name} stopped unexpectedly:\n{child.tail()}"
        server = self.redis.server if self.redis else None
        if server is not None and not server.alive():
            return f"redis-server stopped unexpectedly:\n{server.tail()}"
        return None

    def stop(self, keep_logs: bool = False) -> None:
        while self._stops:
            stop = self._stops.pop()
            try:
                stop()
            except Exception:  # keep stopping the rest: leaving a child behind is worse than a traceback
                logging.getLogger("gleanbot.demo").exception("stopping a demo part failed")
        if self._log_handler is not None:
            logging.getLogger().removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler = None
        if keep_logs and any(self.folder.rglob("*.log")):
            shutil.rmtree(self.folder / "local-glean", ignore_errors=True)  # chats and uploads: not logs
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
