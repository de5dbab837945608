"""Retrieval quality and speed of local_glean: questions as people type them, over the sample handbook.

Each question of `bench/retrieval_sets/` is asked over real HTTP (`/rest/api/v1/chat`, pacing off) of a
local_glean serving a copy of the sample docs. For a question the handbook answers: is the first cited
document one that answers it (document accuracy), and does the answer quote the fact it asks for (fact
accuracy)? For an out-of-corpus question: is it refused ("I couldn't find anything"), with no citation?

- dev.jsonl: the set the retrieval was tuned on. heldout.jsonl: written before the first tuning, measured
  and its errors discussed, so now a second development set. heldout2.jsonl: written before the change
  after that, never tuned on; its figures are the honest ones.
- Index build: a folder of 1,000 generated documents (sentences of the handbook recombined, plus names and
  terms of their own, so the vocabulary grows as a real folder's does) indexed from scratch: extraction,
  full-text index, word vectors and passage vectors, ready to answer (the model's sentence vectors of so
  big a folder are then read on a background thread, not timed here). Answer p95 is measured over the
  sample docs and again over those 1,000 documents plus the handbook, while their sentences are read.

A benchmark, not a test: it prints figures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from bench.harness import machine, percentile, stopping
from local_glean import LocalGlean, LocalGleanConfig
from local_glean.config import SAMPLE_DOCS_DIR
from local_glean.embed import shared_embedder
from local_glean.extract import extract
from local_glean.index import Index
from local_glean.semantic import corpus_for, release

SETS_DIR = Path(__file__).resolve().parent / "retrieval_sets"
TOKEN = "dev-token"
REFUSAL = "couldn't find anything"
GENERATED_DOCS = 1000
SMOKE_DOCS = 40
SMOKE_QUESTIONS = 6  # per kind of question, per set
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Outcome:
    question: str
    kind: str
    expected: tuple[str, ...]  # document paths; empty for out-of-corpus
    cited: tuple[str, ...]
    fact_found: bool
    refused: bool
    latency_s: float

    @property
    def doc_ok(self) -> bool:
        return bool(self.cited) and self.cited[0] in self.expected


def load(name: str, smoke: bool) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (SETS_DIR / name).read_text().splitlines() if line.strip()]
    if smoke:
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_kind.setdefault(row["kind"], []).append(row)
        rows = [r for kind in sorted(by_kind) for r in by_kind[kind][:SMOKE_QUESTIONS]]
    return rows


def ask(client: httpx.Client, url: str, row: dict[str, Any]) -> Outcome:
    body = {"messages": [{"author": "USER", "fragments": [{"text": row["question"]}]}], "saveChat": False}
    started = time.perf_counter()
    reply = client.post(f"{url}/rest/api/v1/chat", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    latency = time.perf_counter() - started
    reply.raise_for_status()
    content = [m for m in reply.json()["messages"] if m.get("messageType") == "CONTENT"]
    fragments = [f for m in content for f in m.get("fragments", [])]
    text = "".join(f.get("text", "") for f in fragments)
    cited: list[str] = []
    for fragment in fragments:
        source = (fragment.get("citation") or {}).get("sourceDocument") or {}
        path = str(source.get("url", "")).split("/docs/", 1)[-1]
        if path and path not in cited:
            cited.append(path)
    return Outcome(
        question=row["question"],
        kind=row["kind"],
        expected=tuple(row["docs"]),
        cited=tuple(cited),
        fact_found=bool(cited) and any(fact in text for fact in row["facts"]),
        refused=REFUSAL in text and not cited,
        latency_s=latency,
    )


def report(title: str, outcomes: list[Outcome], show_misses: bool) -> None:
    answerable = [o for o in outcomes if o.expected]
    outside = [o for o in outcomes if not o.expected]
    doc_ok = sum(o.doc_ok for o in answerable)
    fact_ok = sum(o.fact_found for o in answerable)
    refused = sum(o.refused for o in outside)
    print(f"== {title}: {len(answerable)} answerable, {len(outside)} out-of-corpus")
    print(
        f"  document accuracy: {doc_ok / max(1, len(answerable)):.2f} ({doc_ok}/{len(answerable)}; target 0.90)"
    )
    print(
        f"  fact accuracy: {fact_ok / max(1, len(answerable)):.2f} ({fact_ok}/{len(answerable)}; target 0.85)"
    )
    print(
        f"  out-of-corpus refused: {refused / max(1, len(outside)):.2f} ({refused}/{len(outside)}; target 0.90)"
    )
    for kind in sorted({o.kind for o in answerable}):
        some = [o for o in answerable if o.kind == kind]
        print(
            f"    {kind}: document {sum(o.doc_ok for o in some)}/{len(some)}, fact {sum(o.fact_found for o in some)}/{len(some)}"
        )
    if show_misses:
        for o in answerable:
            if not (o.doc_ok and o.fact_found):
                print(
                    f"    miss: {o.question!r} -> {list(o.cited)} (fact {'found' if o.fact_found else 'missing'})"
                )
        for o in outside:
            if not o.refused:
                print(f"    answered out-of-corpus: {o.question!r} -> {list(o.cited)}")


_SYLLABLES = tuple("ka lo mi ner pa qua ri sto tel vo wex yan zu bri cor dal fen gri hol jor".split(" "))  # noqa: SIM905


def generate_docs(folder: Path, count: int, seed: int = 7) -> None:
    """`count` Markdown documents recombined from the handbook's sentences, each with names of its own."""
    rng = random.Random(seed)
    sentences: list[str] = []
    for path in sorted(SAMPLE_DOCS_DIR.iterdir()):
        for passage in extract(path.name, path.read_bytes()).passages:
            sentences += [
                s.strip() for s in passage.text.replace("\n", " ").split(". ") if len(s.split()) > 4
            ]

    def name() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        system, team = name(), name()
        lines = [f"# {system} {rng.choice(['Guide', 'Runbook', 'Policy', 'Handbook', 'FAQ'])} {number}", ""]
        for _section in range(rng.randint(3, 6)):
            lines += [f"## {name()} {rng.choice(['setup', 'access', 'rules', 'contacts', 'limits'])}", ""]
            picked = rng.sample(sentences, 3)
            lines += [f"{s}. The {team} team owns {system} and {name()}." for s in picked] + [""]
        (folder / f"generated-{number:04d}.md").write_text("\n".join(lines))


def time_index_build(count: int) -> tuple[float, int]:
    """Seconds to index `count` generated documents from scratch, ready to answer; and the passages."""
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp, "docs")
        generate_docs(docs, count)
        index = Index(Path(tmp, "index.sqlite3"), docs)
        started = time.perf_counter()
        index.sync_docs()
        corpus = corpus_for(index, index.generation, shared_embedder())
        elapsed = time.perf_counter() - started
        release(index)  # the sentence vectors it reads behind would only slow the rest of the bench
        index.close()
        return elapsed, len(corpus.rows)


def run_set(client: httpx.Client, url: str, rows: list[dict[str, Any]]) -> list[Outcome]:
    return [ask(client, url, row) for row in rows]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="a few questions per kind, 40 documents (CI)")
    parser.add_argument(
        "--set", choices=["dev", "heldout", "heldout2", "all"], default="all", help="which questions"
    )
    parser.add_argument("--docs", type=int, default=GENERATED_DOCS, help="documents for the index build")
    parser.add_argument("--keyword-only", action="store_true", help="without the embedding model")
    parser.add_argument("--show-misses", action="store_true", help="list the questions answered wrongly")
    parser.add_argument(
        "--after-reading",
        action="store_true",
        help="then wait for the big folder's sentences to be read (minutes) and measure again",
    )
    args = parser.parse_args(argv)
    count = SMOKE_DOCS if args.smoke else args.docs
    print(f"machine: {machine()}")
    mode = "keywords only" if args.keyword_only else "keywords + embedding model"
    started = time.perf_counter()
    loaded = args.keyword_only or shared_embedder() is not None
    print(
        f"retrieval: {mode}; model load {time.perf_counter() - started:.2f} s{'' if loaded else ' (FAILED)'}"
    )

    # First, while the process has computed no word vectors yet, so the build pays for all of its own.
    build_s, passages = time_index_build(count) if not args.keyword_only else (float("nan"), 0)
    print(f"index build, {count} documents ({passages} passages): {build_s:.1f} s (target < 60 s for 1,000)")

    names = {name: [f"{name}.jsonl"] for name in ("dev", "heldout", "heldout2")}
    names["all"] = ["dev.jsonl", "heldout.jsonl", "heldout2.jsonl"]
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp, "docs")
        shutil.copytree(SAMPLE_DOCS_DIR, docs)
        config = LocalGleanConfig(
            data_dir=Path(tmp, "data"), docs_dir=docs, semantic_search=not args.keyword_only
        )
        server = LocalGlean(config).start()
        with stopping(server.stop), httpx.Client(timeout=TIMEOUT_S) as client:
            ask(client, server.url, {"question": "warm-up", "docs": [], "facts": [], "kind": "-"})
            for name in names[args.set]:
                outcomes = run_set(client, server.url, load(name, args.smoke))
                latencies += [o.latency_s for o in outcomes]
                report(name, outcomes, args.show_misses)
        print(
            f"answer p95, sample docs: {percentile(latencies, 95) * 1000:.0f} ms (p50 {percentile(latencies, 50) * 1000:.0f} ms; target < 150 ms)"
        )

        big = Path(tmp, "big")
        shutil.copytree(SAMPLE_DOCS_DIR, big)
        generate_docs(big, count)
        server = LocalGlean(replace(config, data_dir=Path(tmp, "data-big"), docs_dir=big)).start()
        with stopping(server.stop), httpx.Client(timeout=TIMEOUT_S) as client:
            ask(client, server.url, {"question": "warm-up", "docs": [], "facts": [], "kind": "-"})
            rows = load("dev.jsonl", args.smoke)
            big_latencies = [o.latency_s for o in run_set(client, server.url, rows)]
            print(
                f"answer p95, {count} documents + sample docs, sentences still being read: {percentile(big_latencies, 95) * 1000:.0f} ms (p50 {percentile(big_latencies, 50) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f})"
            )
            if args.after_reading and not args.keyword_only and server.service is not None:
                started = time.perf_counter()
                index = server.service.index
                corpus = corpus_for(index, index.generation, shared_embedder())
                if corpus.contextual is not None:
                    corpus.contextual.done.wait()
                print(f"  sentences read behind in {time.perf_counter() - started:.0f} s more")
                after = [o.latency_s for o in run_set(client, server.url, rows)]
                print(
                    f"answer p95, {count} documents + sample docs, after its sentences are read: {percentile(after, 95) * 1000:.0f} ms (p50 {percentile(after, 50) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f})"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
