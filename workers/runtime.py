"""The worker side's composition root: the settings, Store and clients every job and failure callback uses.

`gleanbot worker` installs the settings once before any job runs; jobs read them here instead of from their
payload, so no token is ever written into Redis. Clients are built lazily, once per process: RQ forks a work
horse per job, and a connection must not be shared across a fork.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from rq import Queue
from slack_sdk import WebClient

from core.clients import make_glean, make_slack_client
from core.contract import make_queue, open_rq_redis
from core.settings import Settings
from core.store import Store, open_redis
from glean_chat import Glean

__all__ = ["Runtime", "current", "install"]


@dataclass
class Runtime:
    """What a job works with. `glean()` is a new client per job (used as a context manager, then closed)."""

    settings: Settings
    _store: Store | None = field(default=None, repr=False)
    _slack: WebClient | None = field(default=None, repr=False)
    _queue: Queue | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(open_redis(self.settings.redis_url), self.settings.thread_ttl_s)
        return self._store

    @property
    def slack(self) -> WebClient:
        if self._slack is None:
            self._slack = make_slack_client(self.settings)
        return self._slack

    @property
    def queue(self) -> Queue:
        if self._queue is None:
            self._queue = make_queue(self.settings, open_rq_redis(self.settings.redis_url))
        return self._queue

    def glean(self) -> Glean:
        return make_glean(self.settings)


_settings: Settings | None = None
_runtime: tuple[int, Runtime] | None = None


def install(settings: Settings) -> None:
    """Called by `gleanbot worker` (and tests) before work starts; forked job processes inherit it."""
    global _settings, _runtime
    _settings = settings
    _runtime = None


def current() -> Runtime:
    """This process's runtime (a forked work horse builds its own on first use)."""
    global _runtime
    if _settings is None:
        raise RuntimeError("worker settings not installed: start workers with `gleanbot worker`")
    pid = os.getpid()
    if _runtime is None or _runtime[0] != pid:
        _runtime = (pid, Runtime(_settings))
    return _runtime[1]
