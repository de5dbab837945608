"""The bot's end-to-end harness: real Redis, real RQ, local_glean, the Slack sandbox, `gleanbot http` on loopback."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer

from bot.app import build_app
from bot.http import make_server, make_wsgi_app, redis_health, stop_server
from bot.jobs import make_queue, open_rq_redis
from bot.settings import Settings
from bot.store import Store, open_redis
from local_glean import LocalGlean
from local_glean.config import LocalGleanConfig
from slack_sandbox import Sandbox, SandboxConfig
from workers import context

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bolt falls back to these when an argument is missing; the tests must never depend on them.
    for name in list(os.environ):
        if name.startswith(("SLACK_", "GLEAN_", "GLEANBOT_")) and name != "GLEANBOT_TEST_REDIS_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """GLEANBOT_TEST_REDIS_URL if set (its database is flushed!), else a private redis-server on a unix
    socket for this session: no port to clash over, and no other test run can flush our keys. Without a
    redis-server binary, database 15 of the Redis on 127.0.0.1:6379."""
    configured = os.environ.get("GLEANBOT_TEST_REDIS_URL")
    if configured:
        yield configured
        return
    if REDIS_SERVER is None:
        # No binary to start a private one: use the shared Redis that `./dev test` makes sure of.
        shared = "redis://127.0.0.1:6379/15"
        redis.Redis.from_url(shared, socket_connect_timeout=2).ping()  # fails loudly, never skips
        yield shared
        return
    folder = tmp_path_factory.mktemp("redis")
    socket_path = folder / "redis.sock"
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"unix://{socket_path}?db=0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.05)
    client.close()
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture
def redis_url(redis_server_url: str) -> Iterator[str]:
    client = redis.Redis.from_url(redis_server_url)
    client.flushdb()
    yield redis_server_url
    client.flushdb()
    client.close()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox(SandboxConfig(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN)).start()
    yield sb
    sb.stop()


@pytest.fixture
def glean(tmp_path: Path) -> Iterator[LocalGlean]:
    server = LocalGlean(LocalGleanConfig(data_dir=tmp_path / "glean", faults_enabled=True))
    server.start()
    yield server
    server.stop()


class Outcomes(logging.Handler):
    """Collects the intake's one log line per event (its outcome), so tests can wait for listeners."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "event", "")
        if event.startswith("message_"):
            with self._lock:
                self.records.append({"outcome": event.removeprefix("message_"), **record.__dict__})

    def for_ts(self, ts: str) -> list[str]:
        with self._lock:
            return [f"{r['outcome']}:{r.get('reason')}" for r in self.records if r.get("message_ts") == ts]


@dataclass
class Bot:
    """A running `gleanbot http` plus handles on its Redis, queue and the worker."""

    settings: Settings
    sandbox: Sandbox
    glean: LocalGlean
    queue: Queue
    store: Store
    outcomes: Outcomes
    url: str
    _stops: list[Callable[[], None]] = field(default_factory=list)

    def wait_outcomes(self, ts: str, count: int = 1, timeout_s: float = 10.0) -> list[str]:
        return self.sandbox.wait_for(
            lambda: (o := self.outcomes.for_ts(ts)) and len(o) >= count and o, timeout_s
        )

    def ask(
        self,
        text: str,
        *,
        user: str = "U_ALICE",
        channel: str = "C_GENERAL",
        thread_ts: str | None = None,
        events: int | None = None,
    ) -> dict[str, Any]:
        """A user posts; returns the message once the bot's listeners have decided about every event."""
        message = self.sandbox.post_message(user, channel, text, thread_ts=thread_ts)
        expected = events or (2 if "<@UBOT>" in text and not channel.startswith("D") else 1)
        self.wait_outcomes(message["ts"], expected)
        return message

    def work(self, *, with_scheduler: bool = False) -> None:
        """Run queued jobs now, in this (main) thread, as `gleanbot worker --burst` would."""
        context.install(self.settings)
        connection = open_rq_redis(self.settings.redis_url)
        SimpleWorker([self.queue], connection=connection, serializer=JSONSerializer).work(
            burst=True, with_scheduler=with_scheduler
        )

    def glean_fault(self, operation: str, **fault: Any) -> None:
        reply = httpx.post(f"{self.glean.base_url}/_local/faults", json={"operation": operation, **fault})
        reply.raise_for_status()

    def replies(self, ts: str, channel: str = "C_GENERAL") -> list[dict[str, Any]]:
        """The bot's visible replies in the thread of `ts`."""
        return [m for m in self.sandbox.messages(channel, thread_ts=ts) if m.get("user") == "UBOT"]

    def stop(self) -> None:
        for stop in reversed(self._stops):
            stop()


def bot_env(sandbox: Sandbox, glean: LocalGlean, redis_url: str, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "GLEAN_SERVER_URL": glean.base_url,
        "GLEAN_API_TOKEN": "dev-token",
        "REDIS_URL": redis_url,
        "PORT": "0",
        "GLEAN_RETRY_S": "0",
        "GLEAN_TIMEOUT_S": "20",
        "GLEANBOT_JOB_RETRIES": "1",
        "GLEANBOT_JOB_RETRY_DELAYS_S": "0",
        **extra,
    }


def start_bot(sandbox: Sandbox, glean: LocalGlean, redis_url: str, **extra: str) -> Bot:
    settings = Settings.from_env(bot_env(sandbox, glean, redis_url, **extra)).require_for("http")
    app = build_app(settings)
    health = redis_health(open_redis(settings.redis_url))
    server = make_server(make_wsgi_app(app, health), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    sandbox.set_bot_url(f"{url}/slack/events")
    outcomes = Outcomes()
    logging.getLogger("gleanbot.intake").addHandler(outcomes)
    logging.getLogger("gleanbot").setLevel(logging.INFO)
    store = Store(open_redis(settings.redis_url), settings.thread_ttl_s)
    bot = Bot(
        settings,
        sandbox,
        glean,
        make_queue(settings, open_rq_redis(settings.redis_url)),
        store,
        outcomes,
        url,
    )

    def stop_http() -> None:
        stop_server(server)
        thread.join(10)

    bot._stops += [stop_http, lambda: logging.getLogger("gleanbot.intake").removeHandler(outcomes)]
    return bot


@pytest.fixture
def make_bot(sandbox: Sandbox, glean: LocalGlean, redis_url: str) -> Iterator[Callable[..., Bot]]:
    bots: list[Bot] = []

    def make(**extra: str) -> Bot:
        bot = start_bot(sandbox, glean, redis_url, **extra)
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        bot.stop()


@pytest.fixture
def bot(make_bot: Callable[..., Bot]) -> Bot:
    return make_bot()
