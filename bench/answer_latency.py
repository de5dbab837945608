"""Answer latency: how soon a question shows the bot working, and how closely Slack follows Glean's stream.

Real processes: `gleanbot http` and one forking `gleanbot worker`, a private Redis, the Slack sandbox (Slack's
rate limits on) and local_glean paced like a live instance (first token after 800 ms, then 40 tokens/s).
Questions are asked one after another, so each answer's calls and Glean lines fall in its own window.

Clocks: every time is `time.monotonic()` (one system-wide clock on Linux) taken in this process.
- event: when the sandbox starts POSTing the question's event to the bot;
- working indicator: when the sandbox has handled the bot's `reactions.add` on the question;
- Glean first token / last line: when local_glean has flushed the first CONTENT line / the last line of the
  NDJSON stream to the worker (its `on_stream_line` hook);
- first streamed text visible: when the sandbox has handled the first `chat.startStream`/`appendStream`
  carrying answer text (or the first `chat.postMessage` in chat.update mode);
- final message: when the sandbox has handled `chat.stopStream` with the Sources (or the last `chat.update`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import machine, percentile, stopping
from local_glean.pacing import Pace
from local_stack.checks import wait_until
from local_stack.env import bot_env
from local_stack.parts import start_glean, start_sandbox
from local_stack.processes import GleanbotProcess, start_http
from local_stack.redis_server import RedisServer
from slack_sandbox import Call, Sandbox

PACE = Pace(first_token_ms=800, tokens_per_s=40.0)
SMOKE_PACE = Pace(first_token_ms=100, tokens_per_s=2000.0)
QUESTIONS = (
    "What are the company holidays in 2025?",
    "How many PTO days do new employees get?",
    "How do I set up the VPN on my laptop?",
    "What is the expense policy for client dinners?",
    "Who do I call when I am on call and the pager fires?",
    "What does the security policy say about password managers?",
    "How does remote work stipend reimbursement work?",
    "What benefits do we offer for parental leave?",
)
ANSWER_TIMEOUT_S = 60.0
TARGETS_MS = {"indicator": 300.0, "first_text": 1200.0, "final": 250.0}


@dataclass(frozen=True)
class Sample:
    indicator_s: float
    first_text_s: float
    start_s: float
    final_s: float
    total_s: float
    calls: Counter[str]
    rate_limited: int


class StreamLines:
    """What local_glean flushed, with when: filled by its serving threads through `on_stream_line`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.lines: list[tuple[float, bytes]] = []

    def __call__(self, path: str, line: bytes) -> None:
        at = time.monotonic()
        with self._lock:
            self.lines.append((at, line))

    def between(self, start: float, end: float) -> list[tuple[float, dict[str, Any]]]:
        with self._lock:
            picked = [(at, line) for at, line in self.lines if start <= at <= end]
        return [(at, json.loads(line)) for at, line in picked]


def streamed_text(call: Call) -> str:
    """The answer text a streaming (or posting) call carries."""
    params = call.params
    text = params.get("markdown_text") or ""
    chunks: Any = params.get("chunks")
    if isinstance(chunks, str):
        chunks = json.loads(chunks)
    for chunk in chunks or []:
        if isinstance(chunk, dict) and chunk.get("type") == "markdown_text":
            text += str(chunk.get("text") or "")
    blocks: Any = params.get("blocks")  # chat.update mode: the text so far is a markdown block
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    for block in blocks or []:
        if isinstance(block, dict) and block.get("type") == "markdown":
            text += str(block.get("text") or "")
    return str(text)


def _is_content(line: dict[str, Any]) -> bool:
    return any(m.get("messageType") == "CONTENT" for m in line.get("messages") or [])


def measure_one(sb: Sandbox, lines: StreamLines, question: str) -> Sample:
    """Ask one question and time it from the sandbox's and local_glean's records."""
    before = len(sb.calls())
    message = sb.post_message("U_ALICE", "C_GENERAL", question)
    ts = message["ts"]
    [delivery] = [d for d in sb.deliveries("event") if (d.payload.get("event") or {}).get("ts") == ts][:1]
    event_at = delivery.at

    def finished() -> Call | None:
        for call in sb.calls()[before:]:
            if call.method == "reactions.remove" and call.params.get("timestamp") == ts and call.ok:
                return call
        return None

    done = wait_until(finished, ANSWER_TIMEOUT_S, 0.01)
    calls = [c for c in sb.calls()[before:] if c.at <= done.at]
    ok = [c for c in calls if c.status == 200]
    indicator = next(c for c in ok if c.method == "reactions.add" and c.params.get("timestamp") == ts)
    streamed = [
        c
        for c in ok
        if c.method in ("chat.startStream", "chat.appendStream", "chat.postMessage") and streamed_text(c)
    ]
    finals = [c for c in ok if c.method in ("chat.stopStream", "chat.update")]
    glean = lines.between(event_at, done.at)
    content = [at for at, line in glean if _is_content(line)]
    if not streamed or not finals or not content:
        raise RuntimeError(f"answer to {question!r} incomplete: {Counter(c.method for c in calls)}")
    return Sample(
        indicator_s=indicator.at - event_at,
        first_text_s=streamed[0].at - content[0],
        start_s=streamed[0].at - event_at,
        final_s=finals[-1].at - glean[-1][0],
        total_s=finals[-1].at - event_at,
        calls=Counter(c.method for c in calls),
        rate_limited=sum(1 for c in calls if c.status == 429),
    )


def run(count: int, streaming: bool, pace: Pace) -> list[Sample]:
    lines = StreamLines()
    with tempfile.TemporaryDirectory(prefix="gleanbot-bench-") as tmp:
        folder = Path(tmp)
        redis_server = RedisServer(folder / "redis").start()
        sb = start_sandbox(rate_limits=True, deliver_bot_messages=True)
        glean = start_glean(folder / "glean", pace=pace, on_stream_line=lines)
        env = bot_env(sb, glean.base_url, redis_server.url, GLEANBOT_STREAMING=str(streaming).lower())
        with stopping(redis_server.kill, sb.stop, glean.stop):
            http = start_http(env, sb)
            worker = GleanbotProcess(["worker"], env)
            with stopping(http.stop, worker.stop):
                worker.wait_event("starting")
                measure_one(sb, lines, QUESTIONS[-1])  # warm-up: first imports and connections, not counted
                return [measure_one(sb, lines, QUESTIONS[n % len(QUESTIONS)]) for n in range(count)]


def _ms(values: Sequence[float], pct: float) -> float:
    return percentile(values, pct) * 1000


def report(samples: list[Sample], streaming: bool, pace: Pace) -> None:
    mode = "streaming (chat.startStream)" if streaming else "chat.update fallback"
    print(f"answer latency, {mode}: {len(samples)} questions, one at a time; {machine()}")
    print(f"local_glean pacing: first token after {pace.first_token_ms} ms, {pace.tokens_per_s:g} tokens/s")
    print(f"{'figure':<44}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'target':>12}")
    rows = (
        ("event -> working indicator (reactions.add)", [s.indicator_s for s in samples], "indicator"),
        ("Glean first token -> first text in Slack", [s.first_text_s for s in samples], "first_text"),
        ("Glean last line -> final message", [s.final_s for s in samples], "final"),
        ("event -> first text in Slack", [s.start_s for s in samples], None),
        ("event -> final message (total)", [s.total_s for s in samples], None),
    )
    for label, values, target in rows:
        goal = f"p95<{TARGETS_MS[target]:.0f}" if target else "-"
        print(
            f"{label:<44}{_ms(values, 50):>9.0f}{_ms(values, 95):>9.0f}{max(values) * 1000:>9.0f}{goal:>12}"
        )
    per_answer = sum((s.calls for s in samples), Counter())
    total = sum(per_answer.values()) / len(samples)
    methods = ", ".join(f"{m} {n / len(samples):.1f}" for m, n in sorted(per_answer.items()))
    print(f"Slack calls per answer: {total:.1f} ({methods})")
    print(f"429s per answer: {statistics.mean(s.rate_limited for s in samples):.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="one quick question after the warm-up (CI)")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--no-streaming", action="store_true", help="measure the chat.update fallback")
    args = parser.parse_args(argv)
    count = 1 if args.smoke else max(1, min(args.questions, 500))
    streaming = not args.no_streaming
    pace = SMOKE_PACE if args.smoke else PACE
    report(run(count, streaming, pace), streaming, pace)
    return 0


if __name__ == "__main__":
    sys.exit(main())
