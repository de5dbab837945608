"""The tests' end-to-end harness on the local stack: real Redis, RQ, local_glean, the Slack sandbox, the bot.

Tests import from here (never from a conftest); each conftest only re-exports the fixtures it needs.
"""

from __future__ import annotations

import json
import logging
import os
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

from bot.socket_mode import connect_socket_mode
from core.contract import make_queue, open_rq_redis
from core.settings import Settings
from core.store import Store, open_redis
from glean_chat import Glean
from local_glean import LocalGlean
from local_glean.config import LocalGleanConfig
from local_stack import env as stack_env
from local_stack.bot_server import BotServer
from local_stack.redis_server import RedisServer, RedisUnavailable
from slack_sandbox import Sandbox, SandboxConfig, sign
from workers import runtime
from workers.worker import QuickCommandChannel

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
ACT_AS = {"GLEAN_API_TOKEN": "dev-global-token", "GLEAN_ACT_AS": "asker"}
"""Settings of a bot that asks Glean as each asker (local_glean's global token)."""


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bolt falls back to these when an argument is missing; the tests must never depend on them.
    for name in list(os.environ):
        if stack_env.is_own(name):
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
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    except RedisUnavailable:
        # No binary to start a private one: use the shared Redis that `./dev test` makes sure of.
        shared = "redis://127.0.0.1:6379/15"
        redis.Redis.from_url(shared, socket_connect_timeout=2).ping()  # fails loudly, never skips
        yield shared
        return
    yield server.url
    server.stop()


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


class InlineWorker(QuickCommandChannel, SimpleWorker):
    """RQ's in-thread worker with the product's command channel: its burst ends without RQ's 60 s wait."""


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
        runtime.install(self.settings)
        connection = open_rq_redis(self.settings.redis_url)
        InlineWorker([self.queue], connection=connection, serializer=JSONSerializer).work(
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
    """A bot's settings for tests: no Glean retries inside a call, one job retry at once."""
    return stack_env.bot_env(
        sandbox,
        glean.base_url,
        redis_url,
        **{
            "GLEAN_RETRY_S": "0",
            "GLEAN_TIMEOUT_S": "20",
            "GLEANBOT_JOB_RETRIES": "1",
            "GLEANBOT_JOB_RETRY_DELAYS_S": "0",
            **extra,
        },
    )


def start_bot(sandbox: Sandbox, glean: LocalGlean, redis_url: str, **extra: str) -> Bot:
    settings = Settings.from_env(bot_env(sandbox, glean, redis_url, **extra)).require_for("http")
    server = BotServer(settings).start()
    sandbox.set_bot_url(server.events_url)
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
        server.url,
    )
    bot._stops += [server.stop, lambda: logging.getLogger("gleanbot.intake").removeHandler(outcomes)]
    return bot


def start_socket_bot(sandbox: Sandbox, glean: LocalGlean, redis_url: str, **extra: str) -> Bot:
    """What `gleanbot socket` runs, in-process, against the sandbox's Socket Mode (no Request URL needed):
    the same connect, without blocking the test's thread. Its app-level token is the sandbox's."""
    env = bot_env(sandbox, glean, redis_url, SLACK_APP_TOKEN=str(sandbox.config.app_token), **extra)
    del env["SLACK_SIGNING_SECRET"]  # Socket Mode needs no signing secret
    settings = Settings.from_env(env).require_for("socket")
    handler = connect_socket_mode(settings)
    assert sandbox.socket_mode.wait_connected()
    outcomes = Outcomes()
    logging.getLogger("gleanbot.intake").addHandler(outcomes)
    logging.getLogger("gleanbot").setLevel(logging.INFO)
    store = Store(open_redis(settings.redis_url), settings.thread_ttl_s)
    queue = make_queue(settings, open_rq_redis(settings.redis_url))
    bot = Bot(settings, sandbox, glean, queue, store, outcomes, url="")

    def stop() -> None:
        # The server closes first: the builtin client would otherwise sit in a 3 s blocking read while closing.
        handler.client.auto_reconnect_enabled = False
        sandbox.socket_mode.close_connections()
        handler.close()  # type: ignore[no-untyped-call]
        logging.getLogger("gleanbot.intake").removeHandler(outcomes)

    bot._stops.append(stop)
    return bot


def clear_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk's Socket Mode client tunnels through HTTPS_PROXY when one is set, even to loopback."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


def saved_chats(bot: Bot, token: str = "dev-token", act_as: str | None = None) -> list[Any]:
    """The Glean chats the bot saved, as local_glean returns them to `token` (acting as `act_as`)."""
    with Glean(bearer_auth=token, server_url=bot.glean.base_url) as g:
        listed = g.client.chat.list(x_scio_actas=act_as).chat_results or []
        return [g.client.chat.get(id=r.chat.id, x_scio_actas=act_as).chat_result.chat for r in listed]


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack would send with `body`, signed with `secret` at `timestamp` (default: now)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "x-slack-request-timestamp": str(ts),
        "x-slack-signature": sign(secret, ts, body),
        "content-type": "application/json",
    }


def message_event_body(text: str, *, event_id: str, ts: str, user_id: str = "U_ALICE") -> str:
    """The Events API envelope of a message in #general, as Slack POSTs it (to be signed and sent by hand)."""
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0SANDBOX",
            "api_app_id": "A0SANDBOX",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "channel": "C_GENERAL",
                "channel_type": "channel",
                "user": user_id,
                "text": text,
                "ts": ts,
            },
        }
    )


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


def forged_click(
    bot: Bot,
    user: str,
    channel: str,
    action_id: str,
    value: str,
    message_ts: str,
    *,
    element_type: str = "button",
    response_url: bool = True,
) -> dict[str, Any]:
    """A block_actions payload Slack would never send (a click on a message the user cannot see, or with
    someone else's value), to be signed and delivered by the test."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0SANDBOX"},
        "team": {"id": "T0SANDBOX"},
        "channel": {"id": channel},
        "container": {
            "type": "message",
            "channel_id": channel,
            "message_ts": message_ts,
            "is_ephemeral": True,
        },
        "trigger_id": "1.2.3",
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "type": element_type,
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
    if response_url:  # a channel the sandbox knows
        payload["response_url"] = bot.sandbox.response_url(channel, user)
    return payload
