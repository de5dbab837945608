"""Finding a Redis for the demo: `REDIS_URL` if it answers, else a private `redis-server` from PATH on a free
port with its data in the demo's temporary folder, else a clear message on how to install one."""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from demo.children import Child
from demo.ports import free_port

__all__ = ["RedisChoice", "RedisUnavailable", "choose_redis", "install_hint"]

START_TIMEOUT_S = 10.0
PING_TIMEOUT_S = 2.0


class RedisUnavailable(RuntimeError):
    """No Redis to use; the message says how to get one."""


@dataclass
class RedisChoice:
    url: str
    description: str
    child: Child | None = None  # the private redis-server, stopped with the demo


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


def choose_redis(configured_url: str | None, folder: Path, redis_server: str | None = None) -> RedisChoice:
    """`configured_url` (REDIS_URL) if it answers; else start a private server (data under `folder`)."""
    notes = ""
    if configured_url:
        if answers(configured_url):
            return RedisChoice(configured_url, "REDIS_URL")
        notes = "REDIS_URL does not answer; "
    binary = redis_server or shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(notes + install_hint())
    return _start_private(binary, folder, notes)


def _start_private(binary: str, folder: Path, notes: str) -> RedisChoice:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [
        binary,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
        "--protected-mode",
        "yes",
    ]
    child = Child("redis-server", argv, folder / "redis.log")
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not answers(url):
        if not child.alive() or time.monotonic() > deadline:
            child.stop(grace_s=1)
            raise RedisUnavailable(f"{notes}redis-server did not start:\n{child.tail()}")
        time.sleep(0.05)
    return RedisChoice(url, f"{notes}private redis-server on 127.0.0.1:{port}", child)
