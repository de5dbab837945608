"""`gleanbot` as a child process (http, socket, worker) with its JSON log lines collected, and /proc readings."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from local_stack.checks import wait_until
from local_stack.env import scrubbed
from slack_sandbox import Sandbox

__all__ = [
    "REPO_ROOT",
    "GleanbotProcess",
    "LineLog",
    "children",
    "descendants",
    "pss_bytes",
    "rss_bytes",
    "start_http",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 20.0


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (Linux /proc); 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def pss_bytes(pids: list[int]) -> int:
    """Proportional set size of these processes (Linux smaps_rollup): shared pages split among sharers."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
    return total


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(p) for p in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def descendants(pid: int) -> list[int]:
    """Every process below `pid`: a pool's workers, their job processes, RQ's scheduler."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        below = children(frontier.pop())
        found += below
        frontier += below
    return found


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


class GleanbotProcess:
    """`python -m gleanbot <args>` (that is, `gleanbot <args>`) with its JSON log lines collected."""

    def __init__(self, args: Sequence[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "gleanbot", "--env-file", os.devnull, *args],
            env={**scrubbed(os.environ), **env},
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log = LineLog([self.popen.stderr, self.popen.stdout])

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def lines(self) -> list[str]:
        """Everything it wrote so far, stdout and stderr interleaved as read."""
        return list(self.log.lines)

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
        pids = [self.pid, *(descendants(self.pid) if with_children else [])]
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


def start_http(env: dict[str, str], sandbox: Sandbox) -> GleanbotProcess:
    """Start `gleanbot http` on a free port and point the sandbox's event delivery at it."""
    http = GleanbotProcess(["http"], env)
    listening = http.wait_event("listening")
    sandbox.set_bot_url(f"http://127.0.0.1:{listening['port']}/slack/events")
    return http
