"""Every benchmark in bench/ runs in its short `--smoke` mode and prints its figures.

A smoke check, not a performance test: it proves the scripts still run against the current code (real
processes, loopback only) and print what bench/README.md reports. Whether targets are met is for the full runs.
"""

from __future__ import annotations

import importlib
import re

import pytest

# (module, text every run must print: the figures' labels, each followed by a number somewhere on the line)
BENCHES = [
    ("bench.classifier_eval", ["throughput:"]),
    ("bench.client_bench", ["list", "stream, long", "parse long only"]),
    ("bench.ingest", ["ack p99", "lost", "dups"]),
    (
        "bench.answer_latency",
        ["event -> working indicator", "Glean first token -> first text", "Slack calls per answer"],
    ),
    ("bench.concurrency", ["answered exactly once:", "answers per minute:", "ignored Retry-After:"]),
    ("bench.footprint", ["Redis bytes per active thread", "resident memory:"]),
    (
        "bench.retrieval_eval",
        ["document accuracy:", "fact accuracy:", "out-of-corpus refused:", "index build,", "answer p95"],
    ),
    ("bench.relevance_fit", ["BIAS =", "W_SUPPORT =", "+0.00:"]),
]
_NUMBER = re.compile(r"\d")


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("module", "labels"), BENCHES, ids=[m for m, _ in BENCHES])
def test_bench_runs_in_smoke_mode_and_prints_its_figures(
    module: str, labels: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main = importlib.import_module(module).main
    assert main(["--smoke"]) == 0
    out = capsys.readouterr().out
    for label in labels:
        lines = [line for line in out.splitlines() if label in line]
        assert lines, f"{module} printed no {label!r}:\n{out}"
    # Every figure line carries a number (the header row of a table may not).
    assert sum(1 for line in out.splitlines() if _NUMBER.search(line)) >= len(labels)
