"""How much of a question one sentence of a passage answers: the relevance floor's second opinion.

The full-text index says whether a passage contains each question word anywhere; "what time does the
office open" is then covered by a helpdesk passage with "response time" in one sentence, "office
equipment" in another and "Opening a ticket" as its heading. An answer usually has what was asked about
together, in one sentence (with the passage's heading and title, which frame every sentence).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping, Sequence

from .index_reads import PassageRow
from .query import words_of

_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
SENTENCE_CACHE_PASSAGES = 10_000  # passages whose sentence stems are kept (about 1 KB each)
MIN_PREFIX_CHARS = 3  # a stem this long also covers the words it begins ("reimburs" -> "reimbursement")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude stem, enough to say that "trips" and "trip", "opening" and "open" are one word here."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)].rstrip("e")
    return word.rstrip("e") if len(word) > 3 else word


def _covers(part: str, present: tuple[str, ...]) -> bool:
    """Whether the stem `part` is among the sentence's sorted stems, or begins one of them."""
    at = bisect.bisect_left(present, part)
    if at == len(present):
        return False
    return present[at] == part or (len(part) >= MIN_PREFIX_CHARS and present[at].startswith(part))


@functools.lru_cache(maxsize=SENTENCE_CACHE_PASSAGES)
def _sentence_stems(title: str, heading: str, text: str) -> tuple[tuple[str, ...], ...]:
    """Each sentence's stems (with the title's and heading's), sorted: computed once per passage text."""
    frame = {stem(w) for w in words_of(f"{title}\n{heading}")}
    sentences = _SENTENCE.split(text) or [""]
    return tuple(tuple(sorted(frame | {stem(w) for w in words_of(s)})) for s in sentences)


def best_sentence_coverage(
    row: PassageRow, alternatives: Mapping[str, Sequence[tuple[str, float]]], rarity: Mapping[str, float]
) -> float:
    """The largest share of the question (by rarity) that one sentence of `row` covers.

    `alternatives`: per question word, the words that cover it and how much (the word itself 1.0, a
    neighbour its similarity); a search word of two words ("on call") covers when both are there.
    """
    total = sum(rarity.values()) or 1.0
    wanted = {
        t: [([stem(p) for p in w.split()], share) for w, share in alts] for t, alts in alternatives.items()
    }
    best = 0.0
    for present in _sentence_stems(row.title, row.heading, row.text):
        covered = 0.0
        for term, options in wanted.items():
            shares = [share for parts, share in options if all(_covers(p, present) for p in parts)]
            covered += rarity[term] * max(shares, default=0.0)
        best = max(best, covered / total)
    return best
