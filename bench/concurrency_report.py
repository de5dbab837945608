"""What `bench.concurrency` measured, and the lines it prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bench.harness import machine, percentile
from local_glean.pacing import Pace

__all__ = ["WORKERS", "Outcome", "report"]

WORKERS = 1


@dataclass(frozen=True)
class Outcome:
    questions: int
    answered_once: int
    duplicates: int
    notices: int
    missing: int
    minutes: float
    latencies_s: list[float]
    indicator_s: list[float]
    no_indicator: int
    retry_after_ignored: list[str]
    rate_limited: Counter[str]
    calls: int
    sign_s: list[float]
    signs: Counter[str]
    first_text_s: list[float]
    inflight_peak: int
    pss_idle_bytes: int
    pss_peak_bytes: int
    concurrency: int
    signs_left: int
    cleanup_s: float


def report(outcome: Outcome, pace: Pace, channels: int) -> None:
    per_host = outcome.concurrency or "default"
    print(
        f"concurrency: {outcome.questions} questions in {channels} channels, {WORKERS} worker host "
        f"(concurrency {per_host}), Slack rate limits on; {machine()}"
    )
    print(f"local_glean pacing: first token {pace.first_token_ms} ms, {pace.tokens_per_s:g} tokens/s")
    print(f"answered exactly once: {outcome.answered_once}/{outcome.questions}")
    print(f"missing: {outcome.missing}, duplicates: {outcome.duplicates}, failure notices: {outcome.notices}")
    answered = outcome.questions - outcome.missing
    rate = answered / outcome.minutes if outcome.minutes else 0.0
    print(f"answers per minute: {rate:.1f} (first question to last answer: {outcome.minutes * 60:.0f} s)")
    lat = outcome.latencies_s
    print(
        f"question -> answer done: p50 {percentile(lat, 50):.1f} s, p95 {percentile(lat, 95):.1f} s, "
        f"max {max(lat, default=0.0):.1f} s"
    )
    sign = outcome.sign_s
    never = outcome.questions - sum(outcome.signs.values())
    print(
        f"event -> first sign of work: p50 {percentile(sign, 50) * 1000:.0f} ms, "
        f"p95 {percentile(sign, 95) * 1000:.0f} ms; by kind {dict(sorted(outcome.signs.items()))}; "
        f"askers who saw none: {never}"
    )
    print(f"signs of work left after answers + {outcome.cleanup_s:.0f} s of cleanup: {outcome.signs_left}")
    first = outcome.first_text_s
    print(f"question -> first text: p50 {percentile(first, 50):.1f} s, p95 {percentile(first, 95):.1f} s")
    inflight = max(1, outcome.inflight_peak)
    per_answer = max(0, outcome.pss_peak_bytes - outcome.pss_idle_bytes) / inflight
    print(
        f"answers in flight at peak: {outcome.inflight_peak}; worker host PSS idle "
        f"{outcome.pss_idle_bytes / 2**20:.0f} MiB, peak {outcome.pss_peak_bytes / 2**20:.0f} MiB, "
        f"{per_answer / 2**20:.1f} MiB per answer in flight"
    )
    print(f"Slack calls: {outcome.calls}; 429s by method: {dict(sorted(outcome.rate_limited.items()))}")
    print(f"requests that ignored Retry-After: {len(outcome.retry_after_ignored)}")
    for line in outcome.retry_after_ignored[:10]:
        print(f"  {line}")
