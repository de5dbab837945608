"""Benchmark: accuracy figures of the question classifier on its labelled sets, and its throughput.

Run with ``python bench/classifier_eval.py``. A benchmark, not a test: it prints numbers, it asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from questions.classifier import detect
from questions.evaluate import HELDOUT_PATH, LABELLED_PATH, evaluate, format_report, load

# Enough passes over the set for a stable per-message time on a slow CI machine.
THROUGHPUT_PASSES = 20


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="one throughput pass (CI)")
    passes = 1 if parser.parse_args(argv).smoke else THROUGHPUT_PASSES
    for title, path in (
        ("development set (rules were written against it)", LABELLED_PATH),
        ("held-out set (never used to tune the rules)", HELDOUT_PATH),
    ):
        print(format_report(evaluate(path), title=f"== {title}: {path.name}"))
        print()

    texts = [example.text for example in load(LABELLED_PATH) + load(HELDOUT_PATH)]
    started = time.perf_counter()
    for _ in range(passes):
        for text in texts:
            detect(text)
    elapsed_s = time.perf_counter() - started
    calls = passes * len(texts)
    print(f"throughput: {calls} calls in {elapsed_s:.3f} s = {elapsed_s / calls * 1e6:.1f} µs per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
