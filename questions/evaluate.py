"""Scores the question classifier against a labelled JSONL set; ``python -m questions.evaluate [PATH]``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from questions.classifier import detect

LABELLED_PATH = Path(__file__).with_name("labelled.jsonl")
# Written before the classifier and never used to tune it: an estimate of how the rules generalise.
HELDOUT_PATH = Path(__file__).with_name("heldout.jsonl")
# A second blind batch for issue 12 (imperatives, typos, urgent openers, rhetorical and social questions),
# written and committed before the rules for those were, and scored once after.
HELDOUT2_PATH = Path(__file__).with_name("heldout2.jsonl")
HELDOUT_PATHS = (HELDOUT_PATH, HELDOUT2_PATH)


@dataclass(frozen=True)
class Example:
    text: str
    is_question: bool
    category: str


@dataclass(frozen=True)
class Miss:
    example: Example
    predicted: bool
    reason: str


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float:
        # No positive predictions means no false alarms: precision is vacuously perfect.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.total if self.total else 0.0

    def add(self, expected: bool, predicted: bool) -> Counts:
        return Counts(
            tp=self.tp + (expected and predicted),
            fp=self.fp + (not expected and predicted),
            tn=self.tn + (not expected and not predicted),
            fn=self.fn + (expected and not predicted),
        )


@dataclass(frozen=True)
class Report:
    """Overall and per-category confusion counts, plus every misclassified example."""

    overall: Counts
    by_category: dict[str, Counts]
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.overall.precision

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def f1(self) -> float:
        return self.overall.f1

    @property
    def accuracy(self) -> float:
        return self.overall.accuracy

    @property
    def total(self) -> int:
        return self.overall.total


def load(path: Path | str | None = None) -> list[Example]:
    """Read a labelled set; a malformed line fails loudly with its line number."""
    source = Path(path) if path is not None else LABELLED_PATH
    examples: list[Example] = []
    with source.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, label, category = row["text"], row["is_question"], row["category"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{source}:{number}: not a labelled example ({exc})") from exc
            if not isinstance(text, str) or not isinstance(label, bool) or not isinstance(category, str):
                raise ValueError(f"{source}:{number}: text/category must be strings, is_question a bool")
            examples.append(Example(text, label, category))
    return examples


def score(examples: Iterable[Example]) -> Report:
    overall = Counts()
    by_category: dict[str, Counts] = {}
    misses: list[Miss] = []
    for example in examples:
        detection = detect(example.text)
        overall = overall.add(example.is_question, detection.is_question)
        by_category[example.category] = by_category.get(example.category, Counts()).add(
            example.is_question, detection.is_question
        )
        if detection.is_question != example.is_question:
            misses.append(Miss(example, detection.is_question, detection.reason))
    return Report(overall, by_category, misses)


def evaluate(path: Path | str | None = None) -> Report:
    """Score the classifier on ``path`` (default: the packaged ``labelled.jsonl``)."""
    return score(load(path))


def evaluate_heldout() -> Report:
    """Score the classifier on every held-out batch together."""
    return score(example for path in HELDOUT_PATHS for example in load(path))


def format_report(report: Report, title: str = "") -> str:
    o = report.overall
    lines = [title] if title else []
    lines += [
        f"items {o.total}  precision {o.precision:.3f}  recall {o.recall:.3f}  "
        f"F1 {o.f1:.3f}  accuracy {o.accuracy:.3f}  (tp {o.tp} fp {o.fp} tn {o.tn} fn {o.fn})",
        "",
        f"{'category':<18}{'n':>4}{'correct':>9}{'accuracy':>10}",
    ]
    for name in sorted(report.by_category):
        c = report.by_category[name]
        lines.append(f"{name:<18}{c.total:>4}{c.tp + c.tn:>9}{c.accuracy:>10.2f}")
    if report.misses:
        lines += ["", "misclassified (expected -> predicted, rule):"]
        for miss in report.misses:
            shown = miss.example.text.replace("\n", "\\n")
            lines.append(
                f"  [{miss.example.category}] {miss.example.is_question!s:>5} -> {miss.predicted!s:<5} "
                f"{miss.reason:<18} {shown}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else None
    print(format_report(evaluate(path), title=str(path or LABELLED_PATH)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
