"""Footprint: Redis bytes per active thread, and the resident memory of `gleanbot http` and `gleanbot worker`.

Real processes answer N questions (default 100), each in its own thread, then every key in the private Redis is
sized with `MEMORY USAGE` and grouped by what it is for. Two figures per thread:
- kept for the thread's life (30 days by default): its Glean chat id and the "bot answered here" marker;
- kept about a day per answer: the event and message dedupe keys, the answer's progress hash, RQ's job hash.
Redis `used_memory` before and after is printed too (it includes allocator and key-space overhead).
Resident memory (VmRSS) is read from /proc: the bot after the run, the worker parent, and the largest job
process (the worker forks one per answer) sampled while answering.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import redis

from bench.harness import machine, stopping
from core.contract import RESULT_TTL_S
from local_stack.checks import wait_until
from local_stack.env import bot_env
from local_stack.parts import start_glean, start_sandbox
from local_stack.processes import GleanbotProcess, children, rss_bytes, start_http
from local_stack.redis_server import RedisServer

QUESTIONS = (
    "What are the company holidays in 2025?",
    "How do I set up the VPN on a new laptop?",
    "What is the expense limit for client dinners?",
    "How many PTO days do new employees get?",
)
CHANNELS = ("C_GENERAL", "C_FOOT1", "C_FOOT2", "C_FOOT3")
ANSWER_TIMEOUT_S = 300.0
THREAD_KEYS = ("chat", "thread", "participants", "mythreads")
DAY_KEYS = ("answer", "msg", "event")
RQ_GROUPS = ("rq job (answer)", "rq result (answer)", "rq executions")
# Key patterns, most specific first: (regex, group).
GROUPS = (
    (re.compile(r"^gleanbot:[^:]+:(\w+):"), None),
    (re.compile(r"^rq:job:answer-"), "rq job (answer)"),
    (re.compile(r"^rq:results:answer-"), "rq result (answer)"),
    (re.compile(r"^rq:execution"), "rq executions"),
    (re.compile(r"^rq:"), "rq bookkeeping (shared)"),
)


def group_of(key: str) -> str:
    for pattern, name in GROUPS:
        match = pattern.match(key)
        if match:
            return name or f"gleanbot {match.group(1)}"
    return "other"


@dataclass(frozen=True)
class Footprint:
    threads: int
    bytes_by_group: dict[str, int]
    keys_by_group: Counter[str]
    used_before: int
    used_after: int
    dataset_before: int
    dataset_after: int
    http_rss: int
    worker_rss: int
    horse_rss: int


class HorseWatch:
    """Samples the resident memory of the worker's job processes while they run."""

    def __init__(self, worker_pid: int) -> None:
        self.worker_pid = worker_pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            for pid in children(self.worker_pid):
                self.peak = max(self.peak, rss_bytes(pid))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(2)
        return self.peak


def measure(client: redis.Redis) -> tuple[dict[str, int], Counter[str]]:
    sizes: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for raw in client.scan_iter(count=1000):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        group = group_of(key)
        sizes[group] += int(client.memory_usage(key, samples=0) or 0)
        keys[group] += 1
    return dict(sizes), keys


def run(count: int) -> Footprint:
    with tempfile.TemporaryDirectory(prefix="gleanbot-bench-") as tmp:
        folder = Path(tmp)
        redis_server = RedisServer(folder / "redis").start()
        sb = start_sandbox()
        glean = start_glean(folder / "glean")
        env = bot_env(sb, glean.base_url, redis_server.url)
        client = redis_server.client()
        with stopping(redis_server.kill, sb.stop, glean.stop, client.close):
            for channel in CHANNELS[1:]:
                sb.add_channel(channel, name=channel.lower())
            http = start_http(env, sb)
            worker = GleanbotProcess(["worker"], env)
            with stopping(http.stop, worker.stop):
                worker.wait_event("starting")
                time.sleep(1.0)  # let the worker register itself before the baseline
                before = client.info("memory")
                watch = HorseWatch(worker.pid)
                for n in range(count):
                    sb.post_message("U_ALICE", CHANNELS[n % len(CHANNELS)], QUESTIONS[n % len(QUESTIONS)])
                wait_until(lambda: len(worker.events("answered")) >= count, ANSWER_TIMEOUT_S, 0.2)
                horse = watch.stop()
                time.sleep(0.5)  # the last job's bookkeeping
                sizes, keys = measure(client)
                after = client.info("memory")
                return Footprint(
                    threads=count,
                    bytes_by_group=sizes,
                    keys_by_group=keys,
                    used_before=int(before["used_memory"]),
                    used_after=int(after["used_memory"]),
                    dataset_before=int(before["used_memory_dataset"]),
                    dataset_after=int(after["used_memory_dataset"]),
                    http_rss=http.rss_bytes(),
                    worker_rss=worker.rss_bytes(),
                    horse_rss=horse,
                )


def report(f: Footprint) -> None:
    print(f"footprint: {f.threads} questions answered, each in its own thread; {machine()}")
    print(f"{'key group':<28}{'keys':>8}{'bytes':>12}{'per thread':>12}")
    for group in sorted(f.bytes_by_group, key=lambda g: -f.bytes_by_group[g]):
        size = f.bytes_by_group[group]
        print(f"{group:<28}{f.keys_by_group[group]:>8}{size:>12}{size / f.threads:>12.0f}")

    def per_thread(groups: Sequence[str]) -> float:
        return sum(f.bytes_by_group.get(g, 0) for g in groups) / f.threads

    kept = per_thread([f"gleanbot {k}" for k in THREAD_KEYS])
    daily = per_thread([f"gleanbot {k}" for k in DAY_KEYS])
    rq = per_thread(RQ_GROUPS)
    print(f"Redis bytes per active thread, kept for the thread's life: {kept:.0f} (target < 1024)")
    print(f"  + per answer, kept a day (dedupe keys, progress hash): {daily:.0f}")
    print(f"  + per answer, RQ's job hash and result, kept {RESULT_TTL_S // 60} min after success: {rq:.0f}")
    print(
        f"Redis used_memory: {f.used_before} -> {f.used_after} bytes, "
        f"{(f.used_after - f.used_before) / f.threads:.0f} per thread all included "
        f"(dataset {(f.dataset_after - f.dataset_before) / f.threads:.0f}; the rest is Redis's own overhead)"
    )
    mib = 1024 * 1024
    print(
        f"resident memory: gleanbot http {f.http_rss / mib:.0f} MiB, gleanbot worker {f.worker_rss / mib:.0f} MiB "
        f"(+ one job process, peak {f.horse_rss / mib:.0f} MiB, mostly shared with the worker by fork)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="three questions (CI)")
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args(argv)
    count = 3 if args.smoke else max(1, min(args.questions, 2000))
    report(run(count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
