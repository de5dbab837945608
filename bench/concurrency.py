"""Concurrency: a burst of questions, one worker host, Slack's rate limits on. Is every question answered exactly
once, how soon does each asker see a sign of work, the first words and the whole answer, how many answers per
minute come out, how much memory an answer in flight costs, and did any request ignore a `Retry-After`?

Real processes: `gleanbot http` and one `gleanbot worker` (GLEANBOT_WORKER_CONCURRENCY answers at once), a
private Redis, the Slack sandbox with its per-method tiers (chat.startStream/stopStream and reactions.remove
are Tier 2: 20 a minute per workspace) and local_glean paced like a live instance. Questions (default 100) go to 20 channels: per channel three top-level
questions, then a follow-up in the threads of the first two, posted round-robin over about 20 s.

"Answered exactly once": the worker logged `answered` once for the question, its thread holds exactly one bot
answer per question asked there, and no notice was posted. "Ignored Retry-After": a call repeated with the same
arguments sooner than the `Retry-After` of the 429 it got (from the sandbox's call record).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.concurrency_report import WORKERS, Outcome, report
from bench.harness import peak_overlap, stopping
from core.working import PLACEHOLDER_TEXT
from local_glean.pacing import OFF, Pace
from local_stack.checks import ignored_retry_after, wait_until
from local_stack.env import bot_env
from local_stack.parts import start_glean, start_sandbox
from local_stack.processes import GleanbotProcess, descendants, pss_bytes, start_http
from local_stack.redis_server import RedisServer
from slack_sandbox import Sandbox

REALISTIC = Pace(first_token_ms=800, tokens_per_s=40.0)

SAMPLE_INTERVAL_S = 0.5
CLEANUP_WAIT_S = 120.0
"""Signs of work whose removal waited for Slack's budget are given this long to go."""
POST_SPACING_S = 0.2
DONE_TIMEOUT_S = 900.0
TOPICS = (
    "What are the company holidays in 2025?",
    "How do I set up the VPN on a new laptop?",
    "What is the expense limit for client dinners?",
    "How many PTO days do new employees get?",
    "What does the on-call runbook say about paging?",
)
FOLLOW_UPS = ("And what about contractors?", "Is there an exception for managers?")


@dataclass(frozen=True)
class Asked:
    channel: str
    ts: str
    thread_ts: str
    at: float


def ask_all(sb: Sandbox, count: int, channels: int) -> list[Asked]:
    """Post `count` questions round-robin over `channels`: top-level questions first, then follow-ups."""
    asked: list[Asked] = []
    names = [f"C_CONC{n:02d}" for n in range(channels)]
    for name in names:
        sb.add_channel(name, name=name.lower())
    roots: dict[str, list[str]] = {name: [] for name in names}
    for n in range(count):
        channel = names[n % channels]
        round_number = n // channels
        roots_here = roots[channel]
        if round_number < 3 or not roots_here:
            text = TOPICS[n % len(TOPICS)]
            message = sb.post_message("U_ALICE", channel, text)
            roots_here.append(message["ts"])
            thread_ts = message["ts"]
        else:
            thread_ts = roots_here[(round_number - 3) % len(roots_here)]
            message = sb.post_message("U_BOB", channel, FOLLOW_UPS[n % 2], thread_ts=thread_ts)
        asked.append(Asked(channel, message["ts"], thread_ts, time.monotonic()))
        time.sleep(POST_SPACING_S)
    return asked


def _answers_in(sb: Sandbox, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    return [
        m
        for m in sb.messages(channel, thread_ts=thread_ts)
        if m.get("user") == "UBOT" and m.get("ts") != thread_ts
    ]


def run(count: int, channels: int, pace: Pace, concurrency: int | None = None) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="gleanbot-bench-") as tmp:
        folder = Path(tmp)
        redis_server = RedisServer(folder / "redis").start()
        sb = start_sandbox(rate_limits=True, deliver_bot_messages=True)
        glean = start_glean(folder / "glean", pace=pace)
        extra = {"GLEANBOT_WORKER_CONCURRENCY": str(concurrency)} if concurrency else {}
        env = bot_env(sb, glean.base_url, redis_server.url, **extra)
        with stopping(redis_server.kill, sb.stop, glean.stop):
            http = start_http(env, sb)
            workers = [GleanbotProcess(["worker"], env) for _ in range(WORKERS)]
            with stopping(http.stop, *(w.stop for w in workers)):
                for worker in workers:
                    worker.wait_event("pool_started" if concurrency != 1 else "starting")
                time.sleep(1.0)  # the pool's workers register

                def tree() -> list[int]:
                    return [p for w in workers for p in [w.pid, *descendants(w.pid)]]

                pss_idle = pss_bytes(tree())
                pss_peak = [pss_idle]
                sampling = True

                def sample() -> None:
                    while sampling:
                        pss_peak[0] = max(pss_peak[0], pss_bytes(tree()))
                        time.sleep(SAMPLE_INTERVAL_S)

                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
                started = time.monotonic()
                asked = ask_all(sb, count, channels)

                def answered() -> Counter[str]:
                    return Counter(str(r.get("message_ts")) for w in workers for r in w.events("answered"))

                def failed() -> set[str]:
                    return {str(r.get("message_ts")) for w in workers for r in w.events("answer_failed")}

                def all_done() -> bool:
                    done, bad = answered(), failed()
                    return all(a.ts in done or a.ts in bad for a in asked)

                with contextlib.suppress(TimeoutError):
                    wait_until(all_done, DONE_TIMEOUT_S, 0.5)
                finished = time.monotonic()
                sampling = False
                sampler.join(2)
                sb.wait_for_deliveries(10)
                done = answered()
                per_thread = Counter((a.channel, a.thread_ts) for a in asked)

                def signs_left() -> int:
                    """Placeholders and 👀 still shown (cleanups wait for Slack's budget)."""
                    left = 0
                    for channel, thread_ts in per_thread:
                        for m in sb.messages(channel, thread_ts=thread_ts):
                            left += m.get("text") == PLACEHOLDER_TEXT
                            left += any(r.get("name") == "eyes" for r in m.get("reactions") or [])
                    return left

                with contextlib.suppress(TimeoutError):
                    wait_until(lambda: signs_left() == 0, CLEANUP_WAIT_S, 0.5)
                duplicates = notices = 0
                for (channel, thread_ts), expected in per_thread.items():
                    replies = [
                        m for m in _answers_in(sb, channel, thread_ts) if m.get("text") != PLACEHOLDER_TEXT
                    ]
                    warnings = [m for m in replies if str(m.get("text", "")).startswith(":warning:")]
                    notices += len(warnings)
                    duplicates += max(0, len(replies) - len(warnings) - expected)
                done_at = {
                    str(r.get("message_ts")): float(str(r.get("ts")))
                    for w in workers
                    for r in w.events("answered")
                }
                wall_offset = time.time() - time.monotonic()
                latencies = [done_at[a.ts] - (a.at + wall_offset) for a in asked if a.ts in done_at]
                calls = sb.calls()
                delivered = {
                    str((d.payload.get("event") or {}).get("ts")): d.at for d in sb.deliveries("event")
                }
                reacted = {
                    str(c.params.get("timestamp")): c.at
                    for c in calls
                    if c.method == "reactions.add" and c.ok
                }
                indicator = [reacted[a.ts] - delivered[a.ts] for a in asked if a.ts in reacted]
                shown = {str(r.get("message_ts")): r for r in http.events("working_shown")}
                signs = Counter(str(shown[a.ts].get("kind")) for a in asked if a.ts in shown)
                sign_s = [
                    float(shown[a.ts]["ts"]) - wall_offset - delivered[a.ts] for a in asked if a.ts in shown
                ]
                visible = {
                    str(r.get("message_ts")): float(str(r.get("ts")))
                    for w in workers
                    for r in w.events("answer_visible")
                }
                first_text = [visible[a.ts] - (a.at + wall_offset) for a in asked if a.ts in visible]
                spans = [
                    (float(str(r["ts"])) - int(r.get("elapsed_ms") or 0) / 1000, float(str(r["ts"])))
                    for w in workers
                    for r in w.events("answered")
                ]
                return Outcome(
                    questions=len(asked),
                    answered_once=sum(1 for a in asked if done[a.ts] == 1),
                    duplicates=duplicates + sum(n - 1 for n in done.values() if n > 1),
                    notices=notices,
                    missing=sum(1 for a in asked if a.ts not in done),
                    # From the first question to the last answer (not to the timeout, if some never came).
                    minutes=((max(done_at.values()) - wall_offset if done_at else finished) - started) / 60,
                    latencies_s=latencies,
                    indicator_s=indicator,
                    no_indicator=sum(1 for a in asked if a.ts not in reacted),
                    retry_after_ignored=ignored_retry_after(calls),
                    rate_limited=Counter(c.method for c in calls if c.status == 429),
                    calls=len(calls),
                    sign_s=sign_s,
                    signs=signs,
                    first_text_s=first_text,
                    inflight_peak=peak_overlap(spans),
                    pss_idle_bytes=pss_idle,
                    pss_peak_bytes=pss_peak[0],
                    concurrency=concurrency or 0,
                    signs_left=signs_left(),
                    cleanup_s=time.monotonic() - finished,
                )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="two unpaced questions in two channels (CI)")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--unpaced", action="store_true", help="local_glean answers as fast as it can")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="answers per worker host (default: the bot's)"
    )
    args = parser.parse_args(argv)
    count = 2 if args.smoke else max(1, min(args.questions, 1000))
    channels = 2 if args.smoke else max(1, min(args.channels, 100))
    pace = OFF if args.smoke or args.unpaced else REALISTIC
    outcome = run(count, channels, pace, args.concurrency)
    report(outcome, pace, channels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
