"""`gleanbot demo` as a newcomer runs it: one command, one URL, a real answer, and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.check import run_check
from local_stack.redis_server import RedisUnavailable, answers, choose_redis

REDIS_SERVER = shutil.which("redis-server")
needs_redis_server = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not on PATH")
START_TIMEOUT_S = 60


def demo_command(*flags: str) -> list[str]:
    return [sys.executable, "-m", "gleanbot", "demo", "--port", "0", "--pace", "off", "--no-open", *flags]


def clean_env() -> dict[str, str]:
    # The demo must not need (or be confused by) any setting of the caller's shell.
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "GLEAN_", "GLEANBOT_", "REDIS_URL"))
    }


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention `text` (the demo's temp folder names its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = (entry / "status").read_text()
        except OSError:
            continue
        if text in cmdline and "State:\tZ" not in status:
            found.append(cmdline)
    return found


class RunningDemo:
    def __init__(self, *flags: str) -> None:
        self.process = subprocess.Popen(
            demo_command(*flags), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=clean_env()
        )
        self.output: list[str] = []
        self.url = ""
        self.folder = ""
        deadline = time.monotonic() + START_TIMEOUT_S
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if match := re.search(r"logs\s+(\S+gleanbot-demo-\S+)", line):
                self.folder = match.group(1)
            if match := re.search(r"Open (http://127\.0\.0\.1:\d+/)", line):
                self.url = match.group(1)
                return
        self.process.kill()
        raise AssertionError("the demo did not start:\n" + "".join(self.output))

    def finish(self, timeout_s: float = 20) -> tuple[int, str]:
        out, _ = self.process.communicate(timeout=timeout_s)
        return self.process.returncode, "".join(self.output) + out


@pytest.fixture
def running_demo() -> Iterator[list[RunningDemo]]:
    started: list[RunningDemo] = []
    yield started
    for demo in started:
        if demo.process.poll() is None:
            demo.process.kill()
            demo.process.wait(10)


@needs_redis_server
def test_one_command_answers_a_question_from_the_page_and_stops_cleanly(
    running_demo: list[RunningDemo],
) -> None:
    demo = RunningDemo()
    running_demo.append(demo)
    assert demo.folder and processes_mentioning(demo.folder), "the worker and redis-server should be running"
    assert run_check(demo.url, timeout_s=30) < 30
    demo.process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
    code, output = demo.finish()
    assert code == 0, output
    assert "stopping" in output and "Traceback" not in output
    assert processes_mentioning(demo.folder) == []
    assert not Path(demo.folder).exists()


@needs_redis_server
def test_check_mode_is_the_whole_round_trip_in_one_command() -> None:
    result = subprocess.run(
        demo_command("--check"), capture_output=True, text=True, env=clean_env(), timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo check passed" in result.stdout
    folder = re.search(r"logs\s+(\S+gleanbot-demo-\S+)", result.stdout)
    assert folder is not None and processes_mentioning(folder.group(1)) == []


@needs_redis_server
def test_a_worker_that_dies_stops_the_demo_with_its_log(running_demo: list[RunningDemo]) -> None:
    demo = RunningDemo()
    running_demo.append(demo)
    workers = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
        and demo.folder.encode() in _cmdline(p)
        and b"worker" in _cmdline(p)
        and _ppid(p) == demo.process.pid
    ]
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGKILL)
    code, output = demo.finish()
    assert code == 1
    assert "worker 1 stopped unexpectedly" in output and "logs kept in" in output
    assert processes_mentioning(demo.folder) == []
    shutil.rmtree(demo.folder)


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


def _ppid(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def test_bad_flags_are_refused_before_anything_starts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gleanbot", "demo", "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "--workers must be at least 1" in result.stderr


# ---- which Redis --------------------------------------------------------------------------------------------


@needs_redis_server
def test_a_configured_redis_that_answers_is_used_as_is(tmp_path: Path) -> None:
    private = choose_redis(None, tmp_path / "first")
    try:
        assert private.server is not None and answers(private.url)
        reused = choose_redis(private.url, tmp_path / "second")
        assert (reused.url, reused.server, reused.description) == (private.url, None, "REDIS_URL")
    finally:
        assert private.server is not None
        private.server.stop()
    assert not answers(private.url)


@needs_redis_server
def test_an_unreachable_redis_url_falls_back_to_a_private_server(tmp_path: Path) -> None:
    choice = choose_redis("redis://127.0.0.1:1/0", tmp_path)
    try:
        assert choice.server is not None and answers(choice.url)
        assert choice.description.startswith("REDIS_URL does not answer; private redis-server on 127.0.0.1:")
        assert (tmp_path / "redis.log").exists()  # its data and log live in the demo's temp folder
    finally:
        assert choice.server is not None
        choice.server.stop()


def test_without_any_redis_the_message_says_how_to_install_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server anywhere
    with pytest.raises(RedisUnavailable) as raised:
        choose_redis("redis://127.0.0.1:1/0", tmp_path)
    message = str(raised.value)
    assert message.startswith("REDIS_URL does not answer; gleanbot demo needs Redis")
    assert "apt-get install redis-server" in message and "REDIS_URL=redis://" in message


def test_the_demo_command_says_the_same_when_redis_is_missing(tmp_path: Path) -> None:
    env = {**clean_env(), "PATH": str(tmp_path)}
    result = subprocess.run(demo_command(), capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "gleanbot demo needs Redis" in result.stderr and "redis-server" in result.stderr
    assert "logs kept" not in result.stderr  # nothing had started that wrote a log: nothing is left behind
