"""Fits local_glean's relevance floor (local_glean/relevance.py) on the development questions only.

Each question of bench/retrieval_sets/dev.jsonl and heldout.jsonl (the development data) is retrieved in
process over a copy of the sample docs with the floor off, which gives the evidence about its lead
passage and the document it would cite. A logistic regression then separates the answerable questions
whose lead is a right document (answer) from the out-of-corpus ones (refuse); an answerable question whose
lead is wrong is left out, as answering and refusing it are equally wrong. It prints the fitted weights, in relevance.py's units, and the dev figures
for a range of cut-offs, for the current constants and the fitted ones. heldout2.jsonl is never read.

A tool, not a test: it prints, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from local_glean import relevance
from local_glean.config import SAMPLE_DOCS_DIR
from local_glean.index import Index
from local_glean.relevance import FEATURES, Evidence
from local_glean.retrieve import retrieve
from local_glean.semantic import release

SETS_DIR = Path(__file__).resolve().parent / "retrieval_sets"
# Development data only: dev.jsonl and the first held-out set, studied since it was measured. heldout2.jsonl
# is never read here.
DEV_SETS = (SETS_DIR / "dev.jsonl", SETS_DIR / "heldout.jsonl")
L2 = 0.1  # ridge penalty on the standardised weights: a dev set of ~140 questions overfits easily
STEPS = 4000
LEARNING_RATE = 0.5
SMOKE_EVERY = 4  # --smoke: every fourth question (both kinds, as the set mixes them)
CUTOFFS = tuple(c / 8 for c in range(-16, 9))  # -2 to 1, by 0.125


def collect(smoke: bool = False) -> list[tuple[dict[str, object], Evidence | None, str]]:
    """Per dev question: the row, the evidence about its lead (None: nothing matched), the lead's document."""
    rows = [json.loads(line) for path in DEV_SETS for line in path.read_text().splitlines() if line.strip()]
    if smoke:
        rows = rows[::SMOKE_EVERY]
    out: list[tuple[dict[str, object], Evidence | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp, "docs")
        shutil.copytree(SAMPLE_DOCS_DIR, docs)
        index = Index(Path(tmp, "index.sqlite3"), docs)
        index.sync_docs()
        try:
            for row in rows:
                found = retrieve(index, str(row["question"]), floor=False)
                lead = found.hits[0].passage.ref if found.hits else ""
                out.append((row, found.evidence, lead))
        finally:
            release(index)
            index.close()
    return out


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent on standardised features; weights back in raw units."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        w -= LEARNING_RATE * (z.T @ (p - y) / len(y) + L2 * w / len(y))
        b -= LEARNING_RATE * float(np.mean(p - y))
    raw = w / std
    return raw, b - float(raw @ mean)


def figures(
    collected: Sequence[tuple[dict[str, object], Evidence | None, str]],
    weights: Sequence[float],
    bias: float,
    cutoff: float,
) -> tuple[float, float]:
    """Dev document accuracy and out-of-corpus refusal, had the floor these weights and this cut-off."""
    doc_ok = answerable = refused = outside = 0
    for row, evidence, lead in collected:
        answered = evidence is not None and relevance.log_odds(evidence, weights, bias) > cutoff
        expected = list(row["docs"])  # type: ignore[call-overload]
        if expected:
            answerable += 1
            doc_ok += answered and lead in expected
        else:
            outside += 1
            refused += not answered
    return doc_ok / max(1, answerable), refused / max(1, outside)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="every fourth question only (CI)")
    parser.add_argument("--features", default=",".join(FEATURES), help="the features to fit on")
    parser.add_argument(
        "--show", action="store_true", help="print every question's features and fitted log-odds"
    )
    args = parser.parse_args(argv)
    collected = collect(args.smoke)
    usable = [(row, e, lead) for row, e, lead in collected if e is not None]
    labelled = [(e, 0.0) for row, e, _ in usable if not row["docs"]]
    labelled += [(e, 1.0) for row, e, lead in usable if row["docs"] and lead in row["docs"]]  # type: ignore[operator]
    mask = np.array([name in args.features.split(",") for name in FEATURES])
    x = np.array([e.features() for e, _ in labelled], float)
    y = np.array([label for _, label in labelled], float)
    weights, bias = np.zeros(len(FEATURES)), 0.0
    weights[mask], bias = fit(x[:, mask], y)
    print(
        f"dev: {len(collected)} questions, {len(labelled)} fitted on ({int(y.sum())} answer, {int(len(y) - y.sum())} refuse)"
    )
    print("fitted constants for local_glean/relevance.py:")
    print(f"  BIAS = {bias:.2f}")
    for name, weight in zip(FEATURES, weights, strict=True):
        print(f"  W_{name.upper()} = {weight:.2f}")
    for label, w, b in (("current", relevance.WEIGHTS, relevance.BIAS), ("fitted", tuple(weights), bias)):
        print(f"{label} weights, dev figures by cut-off (document accuracy / out-of-corpus refused):")
        for cutoff in CUTOFFS:
            doc, refused = figures(collected, w, b, cutoff)
            print(f"  {cutoff:+.2f}: {doc:.3f} / {refused:.3f}")
    if args.show:  # by the fitted weights, lowest log-odds first

        def odds_of(e: Evidence | None) -> float:
            return relevance.log_odds(e, tuple(weights), bias) if e else float("-inf")

        for row, e, lead in sorted(collected, key=lambda c: odds_of(c[1])):
            odds = odds_of(e)
            kind = "ooc" if not row["docs"] else ("ok " if lead in row["docs"] else "bad")  # type: ignore[operator]
            feats = (
                " ".join(f"{n}={v:.2f}" for n, v in zip(FEATURES, e.features(), strict=True)) if e else "-"
            )
            print(f"  {kind} {odds:+6.2f} {feats} {row['question']!r} -> {lead}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
