"""Ingest: signed Slack events POSTed into a real `gleanbot http` at fixed rates (default 50, 100 and 200 per
second for 10 s each), open loop: each request leaves at its scheduled time whether or not earlier ones are done.

Per rate it prints the ack latency p50/p99 (from the scheduled send time to the bot's HTTP answer, so a bot that
falls behind cannot hide it), non-2xx answers, jobs enqueued, events lost (acked but never decided: no outcome
log line) and duplicates (a message enqueued twice). The events are what Slack sends for a busy workspace:
channel questions (classified through Glean's `ask`), chatter (dropped by the prefilter), @-mentions (delivered
twice, as `app_mention` and `message`), and a few Slack redeliveries (`X-Slack-Retry-Num: 1`) of events already
sent. The sandbox (Slack) and local_glean (Glean) answer the bot's calls; no worker runs, jobs stay queued.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rq import Queue

from bench.harness import machine, percentile, stopping
from local_stack.checks import wait_until
from local_stack.env import bot_env
from local_stack.parts import start_glean, start_sandbox
from local_stack.processes import GleanbotProcess
from local_stack.redis_server import RedisServer
from slack_sandbox import Sandbox, sign

SENDERS = 48
"""Concurrent connections of the load generator: enough that a slow answer never delays the next send."""
REDELIVERY_EVERY = 20
"""One event in this many is sent a second time, as Slack's retry (x-slack-retry-num: 1)."""
SETTLE_TIMEOUT_S = 120.0
TOPICS = ("VPN", "expense", "holiday", "PTO", "on-call", "security", "travel", "benefits", "onboarding")
CHANNELS = tuple(f"C_BENCH{n}" for n in range(10))


@dataclass(frozen=True)
class Outgoing:
    body: str
    event_id: str
    retry_num: int | None


@dataclass(frozen=True)
class Result:
    scheduled: float
    sent: float
    done: float
    status: int
    event_id: str
    wall_sent: float


def make_events(sb: Sandbox, count: int, offset: int) -> list[Outgoing]:
    """`count` user messages as the sandbox delivers them (bot_url unset: recorded, not sent), plus redeliveries."""
    before = len(sb.deliveries("event"))
    for n in range(offset, offset + count):
        channel = CHANNELS[n % len(CHANNELS)]
        topic = TOPICS[n % len(TOPICS)]
        kind = n % 10
        if kind < 7:
            text = f"What is the {topic} policy for team {n}?"
        elif kind < 9:
            text = ("thanks!", "lol", "ok :+1:", "nice")[n % 4]
        else:
            text = f"<@UBOT> how do I get {topic} help for project {n}?"
        sb.post_message(("U_ALICE", "U_BOB")[n % 2], channel, text)
    out: list[Outgoing] = []
    for number, delivery in enumerate(sb.deliveries("event")[before:]):
        event_id = delivery.event_id or ""
        out.append(Outgoing(delivery.body, event_id, None))
        if number % REDELIVERY_EVERY == REDELIVERY_EVERY - 1:
            out.append(Outgoing(delivery.body, event_id, 1))
    return out


class Generator:
    """Open-loop sender: request i leaves at start + i / rate from one of SENDERS keep-alive connections."""

    def __init__(self, port: int, secret: str, events: list[Outgoing], rate: float) -> None:
        self.port = port
        self.secret = secret
        self.events = events
        self.rate = rate
        self.results: list[Result] = []
        self._next = 0
        self._lock = threading.Lock()

    def run(self) -> list[Result]:
        self.start = time.monotonic() + 0.2
        threads = [threading.Thread(target=self._sender, daemon=True) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(len(self.events) / self.rate + 60)
        return sorted(self.results, key=lambda r: r.scheduled)

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= len(self.events):
                return None
            self._next += 1
            return self._next - 1

    def _sender(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while (index := self._take()) is not None:
            event = self.events[index]
            scheduled = self.start + index / self.rate
            time.sleep(max(0.0, scheduled - time.monotonic()))
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": str(timestamp),
                "X-Slack-Signature": sign(self.secret, timestamp, event.body),
            }
            if event.retry_num:
                headers |= {"X-Slack-Retry-Num": str(event.retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            wall_sent, sent = time.time(), time.monotonic()
            try:
                connection.request("POST", "/slack/events", body=event.body.encode(), headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                status = 0
            result = Result(scheduled, sent, time.monotonic(), status, event.event_id, wall_sent)
            with self._lock:
                self.results.append(result)
        connection.close()


@dataclass(frozen=True)
class Phase:
    rate: float
    sent: int
    achieved_rate: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    late_p99_ms: float
    non_2xx: int
    enqueued: int
    lost: int
    duplicates: int
    decide_p99_ms: float
    outcomes: Counter[str]


def run_phase(
    http: GleanbotProcess, sb: Sandbox, queue: Queue, port: int, rate: float, events: list[Outgoing]
) -> Phase:
    log_before = len(http.events_like("message_"))
    jobs_before = queue.count
    results = Generator(port, sb.config.signing_secret, events, rate).run()
    acked = [r for r in results if 200 <= r.status < 300]
    expected = Counter(r.event_id for r in acked)

    def settled() -> list[dict[str, object]] | None:
        lines = http.events_like("message_")[log_before:]
        return lines if len(lines) >= len(acked) else None

    try:
        lines = wait_until(settled, SETTLE_TIMEOUT_S, 0.2)
    except TimeoutError:
        lines = http.events_like("message_")[log_before:]
    decided = Counter(str(r.get("event_id")) for r in lines)
    lost = sum(max(0, n - decided[event_id]) for event_id, n in expected.items())
    enqueued_ts = Counter(str(r.get("message_ts")) for r in lines if r.get("event") == "message_enqueued")
    jobs = queue.count - jobs_before
    duplicates = sum(n - 1 for n in enqueued_ts.values()) + max(0, jobs - len(enqueued_ts))
    sent_at = {r.event_id: r.wall_sent for r in results if r.event_id}
    decide_ms = [
        (float(str(r["ts"])) - sent_at[str(r.get("event_id"))]) * 1000
        for r in lines
        if str(r.get("event_id")) in sent_at and "ts" in r
    ]
    latencies = [r.done - r.scheduled for r in results]
    span = max(r.sent for r in results) - min(r.sent for r in results)
    return Phase(
        rate=rate,
        sent=len(results),
        achieved_rate=(len(results) - 1) / span if span > 0 else float(len(results)),
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        max_ms=max(latencies) * 1000,
        late_p99_ms=percentile([r.sent - r.scheduled for r in results], 99) * 1000,
        non_2xx=len(results) - len(acked),
        enqueued=jobs,
        lost=lost,
        duplicates=duplicates,
        decide_p99_ms=percentile(decide_ms, 99),
        outcomes=Counter(f"{r.get('event')}:{str(r.get('reason') or '').split('(')[0]}" for r in lines),
    )


def run(rates: Sequence[float], seconds: float, processes: int = 1) -> tuple[list[Phase], int]:
    with tempfile.TemporaryDirectory(prefix="gleanbot-bench-") as tmp:
        folder = Path(tmp)
        redis_server = RedisServer(folder / "redis").start()
        sb = start_sandbox()
        glean = start_glean(folder / "glean")
        with stopping(redis_server.kill, sb.stop, glean.stop):
            for channel in CHANNELS:
                sb.add_channel(channel, name=channel.lower())
            batches, offset = [], 0
            for rate in rates:
                count = max(1, int(rate * seconds))
                batches.append(make_events(sb, count, offset))
                offset += count
            env = bot_env(
                sb,
                glean.base_url,
                redis_server.url,
                GLEAN_RETRY_S="0",
                GLEANBOT_HTTP_PROCESSES=str(processes),
            )
            http = GleanbotProcess(["http"], env)
            with stopping(http.stop):
                port = int(str(http.wait_event("listening")["port"]))
                queue = Queue("gleanbot", connection=redis_server.client())
                phases = [
                    run_phase(http, sb, queue, port, rate, batch)
                    for rate, batch in zip(rates, batches, strict=True)
                ]
                return phases, http.rss_bytes(with_children=True)


def report(phases: list[Phase], rss: int, seconds: float, processes: int) -> None:
    print(
        f"ingest: signed events into `gleanbot http` ({processes} process(es)), {seconds:g} s per rate, "
        f"open loop; {machine()}"
    )
    header = (
        "rate/s",
        "sent",
        "got/s",
        "ack p50",
        "ack p99",
        "ack max",
        "non-2xx",
        "jobs",
        "lost",
        "dups",
        "decided p99",
    )
    print("".join(f"{h:>12}" for h in header))
    for p in phases:
        row = (
            f"{p.rate:g}",
            str(p.sent),
            f"{p.achieved_rate:.0f}",
            f"{p.p50_ms:.1f}ms",
            f"{p.p99_ms:.1f}ms",
            f"{p.max_ms:.0f}ms",
            str(p.non_2xx),
            str(p.enqueued),
            str(p.lost),
            str(p.duplicates),
            f"{p.decide_p99_ms:.0f}ms",
        )
        print("".join(f"{v:>12}" for v in row))
    for p in phases:
        print(
            f"  {p.rate:g}/s: generator late p99 {p.late_p99_ms:.1f} ms; outcomes {dict(sorted(p.outcomes.items()))}"
        )
    print(f"gleanbot http resident memory (all its processes) after the run: {rss / 1024 / 1024:.0f} MiB")
    print("decided: from the send to the bot's outcome log line (filtered, classified, reacted, enqueued)")
    print("target: ack p99 < 100 ms at 100 events/s, zero lost, zero duplicates")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="20 events/s for 1 s (CI)")
    parser.add_argument("--rates", default="50,100,200", help="events per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each rate runs (at most 60)")
    parser.add_argument(
        "--processes", type=int, default=1, help="GLEANBOT_HTTP_PROCESSES of the bot (listeners on one port)"
    )
    args = parser.parse_args(argv)
    rates = [20.0] if args.smoke else [min(1000.0, float(r)) for r in args.rates.split(",") if r.strip()]
    seconds = 1.0 if args.smoke else max(1.0, min(args.seconds, 60.0))
    phases, rss = run(rates, seconds, max(1, args.processes))
    report(phases, rss, seconds, max(1, args.processes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
