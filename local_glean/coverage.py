"""How much of a question one sentence of a passage answers: the relevance floor's second opinion.

The full-text index says whether a passage contains each question word anywhere; "what time does the
office open" is then covered by a helpdesk passage with "response time" in one sentence, "office
equipment" in another and "Opening a ticket" as its heading. An answer usually has what was asked about
together, in one sentence (with the passage's heading and title, which frame every sentence).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from .index_reads import PassageRow
from .query import words_of

_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
MIN_PREFIX_CHARS = 3  # a stem this long also covers the words it begins ("reimburs" -> "reimbursement")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude stem, enough to say that "trips" and "trip", "opening" and "open" are one word here."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)].rstrip("e")
    return word.rstrip("e") if len(word) > 3 else word


def _covers(part: str, present: set[str]) -> bool:
    """Whether the stem `part` is among the sentence's stems, or begins one of them."""
    if part in present:
        return True
    return len(part) >= MIN_PREFIX_CHARS and any(w.startswith(part) for w in present)


def best_sentence_coverage(
    row: PassageRow, alternatives: Mapping[str, Sequence[tuple[str, float]]], rarity: Mapping[str, float]
) -> float:
    """The largest share of the question (by rarity) that one sentence of `row` covers.

    `alternatives`: per question word, the words that cover it and how much (the word itself 1.0, a
    neighbour its similarity); a search word of two words ("on call") covers when both are there.
    """
    total = sum(rarity.values()) or 1.0
    frame = {stem(w) for w in words_of(f"{row.title}\n{row.heading}")}
    wanted = {
        t: [([stem(p) for p in w.split()], share) for w, share in alts] for t, alts in alternatives.items()
    }
    best = 0.0
    for sentence in _SENTENCE.split(row.text) or [""]:
        present = frame | {stem(w) for w in words_of(sentence)}
        covered = 0.0
        for term, options in wanted.items():
            shares = [share for parts, share in options if all(_covers(p, present) for p in parts)]
            covered += rarity[term] * max(shares, default=0.0)
        best = max(best, covered / total)
    return best
