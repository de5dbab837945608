"""What the benchmarks share beyond the local stack: the statistics they print and the machine they ran on."""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

__all__ = ["machine", "peak_overlap", "percentile", "stopping"]


def percentile(values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile (`pct` in 0..100) of `values`; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


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


@contextlib.contextmanager
def stopping(*stops: Callable[[], None]) -> Iterator[None]:
    """Run every stop function on exit, last first, even when one of them fails."""
    try:
        yield
    finally:
        for stop in reversed(stops):
            with contextlib.suppress(Exception):
                stop()


def peak_overlap(spans: list[tuple[float, float]]) -> int:
    """The most (start, end) spans open at one moment."""
    edges = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    peak = level = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak
