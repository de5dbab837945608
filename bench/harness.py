"""Real processes for benchmarks and fault drills: a private redis-server, `gleanbot http`/`worker` subprocesses,
the Slack sandbox and local_glean on loopback, and the small statistics the benchmarks print.

Everything binds 127.0.0.1 (port 0) or a unix socket in a temporary folder; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import redis

from local_glean import LocalGlean
from local_glean.config import LocalGleanConfig
from local_glean.pacing import Pace
from slack_sandbox import Call, Sandbox, SandboxConfig

__all__ = [
    "BOT_TOKEN",
    "REPO_ROOT",
    "SIGNING_SECRET",
    "BotProcess",
    "LineLog",
    "RedisServer",
    "bot_env",
    "children",
    "ignored_retry_after",
    "machine",
    "percentile",
    "rss_bytes",
    "start_glean",
    "start_http",
    "start_sandbox",
    "stopping",
    "wait_until",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
START_TIMEOUT_S = 20.0
T = TypeVar("T")


def wait_until(predicate: Callable[[], T | None], timeout_s: float, interval_s: float = 0.02) -> T:
    """Poll `predicate` until it returns something truthy; TimeoutError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        time.sleep(interval_s)


def percentile(values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile (`pct` in 0..100) of `values`; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (Linux /proc); 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def ignored_retry_after(calls: list[Call]) -> list[str]:
    """Calls repeated with identical arguments sooner than the Retry-After of the 429 before them."""
    bad: list[str] = []
    for index, call in enumerate(calls):
        if call.status != 429 or call.retry_after_s is None:
            continue
        key = json.dumps(call.params, sort_keys=True, default=str)
        for later in calls[index + 1 :]:
            if later.method == call.method and json.dumps(later.params, sort_keys=True, default=str) == key:
                if later.at - call.at < call.retry_after_s:
                    bad.append(
                        f"{call.method} after {later.at - call.at:.2f}s < Retry-After {call.retry_after_s}s"
                    )
                break
    return bad


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(p) for p in (task / "children").read_text().split()]
    return found


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cores = os.cpu_count()
    try:
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        memory = "RAM unknown"
    python = sys.version.split()[0]
    return f"{cores} cores, {memory}, Python {python}, {time.strftime('%Y-%m-%d')}"


class RedisServer:
    """A private redis-server on a unix socket in `folder`; it can be killed and started again on the same
    socket (with `appendonly`, what it had accepted survives the restart)."""

    def __init__(self, folder: Path, *, appendonly: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)")
        self.binary = binary
        self.folder = folder
        self.appendonly = appendonly
        self.socket = folder / "redis.sock"
        self.url = f"unix://{self.socket}?db=0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        # appendfsync always: every write the bot was told succeeded is on disk before the reply.
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else ["--appendonly", "no"]
        )
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--save",
                "",
                "--dir",
                str(self.folder),
                *persistence,
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            wait_until(lambda: self._pings(client), START_TIMEOUT_S, 0.02)
        finally:
            client.close()
        return self

    def _pings(self, client: redis.Redis) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError("redis-server exited at start-up")
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown save; only the append-only file (if on) keeps the data."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()

    def client(self, **kwargs: Any) -> redis.Redis:
        return redis.Redis.from_url(self.url, **kwargs)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


class LineLog:
    """Collects a subprocess's output lines in the background; its JSON log lines can be searched."""

    def __init__(self, streams: Sequence[IO[str] | None]) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._read, args=(s,), daemon=True) for s in streams]
        for thread in self._threads:
            thread.start()

    def _read(self, stream: IO[str] | None) -> None:
        if stream is None:
            return
        for line in stream:
            with self._lock:
                self.lines.append(line)

    def records(self) -> list[dict[str, Any]]:
        with self._lock:
            lines = list(self.lines)
        out: list[dict[str, Any]] = []
        for line in lines:
            with contextlib.suppress(json.JSONDecodeError):
                record = json.loads(line)
                if isinstance(record, dict):
                    out.append(record)
        return out

    def events(self, name: str) -> list[dict[str, Any]]:
        return [r for r in self.records() if r.get("event") == name]

    def join(self, timeout_s: float) -> None:
        for thread in self._threads:
            thread.join(timeout_s)


def bot_env(sandbox: Sandbox, glean_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `gleanbot` process wired to the sandbox, local_glean and a private Redis."""
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


class BotProcess:
    """`python -m bot <args>` (that is, `gleanbot <args>`) with its JSON log lines collected."""

    def __init__(self, args: Sequence[str], env: dict[str, str]) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GLEAN_", "GLEANBOT_"))}
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bot", "--env-file", os.devnull, *args],
            env={**clean, **env},
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log = LineLog([self.popen.stderr, self.popen.stdout])

    @property
    def pid(self) -> int:
        return self.popen.pid

    def events(self, name: str) -> list[dict[str, Any]]:
        return self.log.events(name)

    def events_like(self, prefix: str) -> list[dict[str, Any]]:
        return [r for r in self.log.records() if str(r.get("event", "")).startswith(prefix)]

    def wait_event(self, name: str, timeout_s: float = START_TIMEOUT_S) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            if self.popen.poll() is not None and not self.events(name):
                raise RuntimeError(f"gleanbot exited ({self.popen.returncode}):\n" + "".join(self.log.lines))
            events = self.events(name)
            return events[0] if events else None

        return wait_until(found, timeout_s, 0.05)

    def rss_bytes(self, *, with_children: bool = False) -> int:
        pids = [self.pid, *(children(self.pid) if with_children else [])]
        return sum(rss_bytes(pid) for pid in pids)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it has not exited within `timeout_s`."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self.log.join(2)


def start_http(env: dict[str, str], sandbox: Sandbox) -> BotProcess:
    """Start `gleanbot http` on a free port and point the sandbox's event delivery at it."""
    http = BotProcess(["http"], env)
    listening = http.wait_event("listening")
    sandbox.set_bot_url(f"http://127.0.0.1:{listening['port']}/slack/events")
    return http


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


@contextlib.contextmanager
def stopping(*stops: Callable[[], None]) -> Iterator[None]:
    """Run every stop function on exit, last first, even when one of them fails."""
    try:
        yield
    finally:
        for stop in reversed(stops):
            with contextlib.suppress(Exception):
                stop()
