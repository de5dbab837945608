"""A private `redis-server` for the demo, the tests and the benchmarks, and the demo's choice of Redis.

`RedisServer` listens on a unix socket in its folder (nothing to clash over) or, for the demo, on a free
loopback port; it can be killed and started again in place (with `appendonly`, what it had accepted
survives). `choose_redis` is the demo's rule: `REDIS_URL` if it answers, else a private server, else a clear
message on how to install one.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from local_stack.children import Child
from local_stack.ports import free_port

__all__ = ["RedisChoice", "RedisServer", "RedisUnavailable", "answers", "choose_redis", "install_hint"]

START_TIMEOUT_S = 10.0
PING_TIMEOUT_S = 2.0


class RedisUnavailable(RuntimeError):
    """No Redis to use; the message says how to get one."""


def answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=PING_TIMEOUT_S, socket_timeout=PING_TIMEOUT_S
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, ValueError, OSError):
        return False


class RedisServer:
    """One private redis-server: `start()`, then `url`; `kill()` (SIGKILL) or `stop()`; `start()` again."""

    def __init__(
        self, folder: Path, *, appendonly: bool = False, tcp: bool = False, binary: str | None = None
    ) -> None:
        found = binary or shutil.which("redis-server")
        if found is None:
            raise RedisUnavailable(install_hint())
        self.binary = found
        self.folder = folder
        self.appendonly = appendonly
        self.socket = folder / "redis.sock"
        self.port = free_port() if tcp else 0
        self.url = f"redis://127.0.0.1:{self.port}/0" if tcp else f"unix://{self.socket}?db=0"
        self.child: Child | None = None

    def start(self) -> RedisServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        # appendfsync always: every write the bot was told succeeded is on disk before the reply.
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else ["--appendonly", "no"]
        )
        listen = (
            ["--bind", "127.0.0.1", "--port", str(self.port), "--protected-mode", "yes"]
            if self.port
            else ["--port", "0", "--unixsocket", str(self.socket)]
        )
        argv = [self.binary, *listen, "--save", "", "--dir", str(self.folder), *persistence]
        self.child = Child("redis-server", argv, self.folder / "redis.log")
        deadline = time.monotonic() + START_TIMEOUT_S
        while not answers(self.url):
            if not self.child.alive() or time.monotonic() > deadline:
                tail = self.child.tail()
                self.stop(grace_s=1)
                raise RedisUnavailable(f"redis-server did not start:\n{tail}")
            time.sleep(0.02)
        return self

    def alive(self) -> bool:
        return self.child is not None and self.child.alive()

    def tail(self) -> str:
        return self.child.tail() if self.child is not None else ""

    def stop(self, grace_s: float = 3.0) -> None:
        if self.child is not None:
            self.child.stop(grace_s=grace_s)
            self.child = None
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()

    def kill(self) -> None:
        """SIGKILL: no shutdown save; only the append-only file (if on) keeps the data."""
        if self.child is not None:
            self.child.kill()
            self.child = None
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()

    def client(self, **kwargs: Any) -> redis.Redis:
        return redis.Redis.from_url(self.url, **kwargs)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


@dataclass
class RedisChoice:
    url: str
    description: str
    server: RedisServer | None = None
    """The private redis-server, stopped with the demo."""


def install_hint() -> str:
    if sys.platform == "darwin":
        how = "brew install redis"
    else:
        how = "sudo apt-get install redis-server   (Fedora: sudo dnf install redis)"
    return (
        "gleanbot demo needs Redis (the bot's queue and thread state). Either install it, so that "
        f"`redis-server` is on PATH:\n    {how}\nor point REDIS_URL at a running one, e.g. "
        "REDIS_URL=redis://127.0.0.1:6379/0 (the demo keeps its keys apart, under its own queue name)."
    )


def choose_redis(configured_url: str | None, folder: Path, redis_server: str | None = None) -> RedisChoice:
    """`configured_url` (REDIS_URL) if it answers; else start a private server (data under `folder`)."""
    notes = ""
    if configured_url:
        if answers(configured_url):
            return RedisChoice(configured_url, "REDIS_URL")
        notes = "REDIS_URL does not answer; "
    try:
        server = RedisServer(folder, tcp=True, binary=redis_server).start()
    except RedisUnavailable as exc:
        raise RedisUnavailable(notes + str(exc)) from None
    return RedisChoice(server.url, f"{notes}private redis-server on 127.0.0.1:{server.port}", server)
