"""Typo tolerance: a question word the documents never use is replaced by the documents' nearest spelling."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from .query import FILLER, STOPWORDS

MIN_LENGTH = 4  # shorter unknown words are too ambiguous to correct ("ceo" is not a typo of "cto")
LONG_WORD = 8  # from this length two edits are allowed ("reimbursment" -> "reimbursement")
LONG_SIMILARITY = 0.86  # difflib ratio a two-edit correction of a long word must reach
# Small-talk words are candidates too, so "wher" and "hwo" become "where" and "how" and are then dropped.
_NOISE_WORDS = tuple(w for w in STOPWORDS | FILLER if len(w) >= 3 and w.isalpha())


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit + 1 once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Speller:
    """Corrections towards a vocabulary (word -> how many passages use it); build once per corpus."""

    def __init__(self, frequency: Mapping[str, int]) -> None:
        self._frequency = dict(frequency)
        for word in _NOISE_WORDS:
            self._frequency.setdefault(word, 0)
        # Symmetric deletes: two words one edit apart share a one-deletion form (or one is the other's).
        self._by_delete: dict[str, list[str]] = {}
        for word in self._frequency:
            if len(word) >= MIN_LENGTH - 1:
                for form in _deletes(word) | {word}:
                    self._by_delete.setdefault(form, []).append(word)
        self._by_initial: dict[str, list[str]] = {}
        for word in self._frequency:
            if len(word) >= LONG_WORD - 1:
                self._by_initial.setdefault(word[0], []).append(word)

    def known(self, word: str) -> bool:
        return word in self._frequency

    def correct(self, word: str) -> str | None:
        """The vocabulary word `word` is most likely a misspelling of, or None."""
        if self.known(word) or len(word) < 3 or not word.isalpha():
            return None
        if len(word) < MIN_LENGTH:
            # Too short to guess a topic word from, but "hwo" and "wat" are plainly small talk.
            near = [w for w in _NOISE_WORDS if edit_distance(word, w, 1) <= 1]
            return min(near, key=lambda w: (len(w), w)) if near else None
        candidates: set[str] = set()
        for form in _deletes(word) | {word}:
            candidates.update(self._by_delete.get(form, ()))
        close = [c for c in candidates if edit_distance(word, c, 1) <= 1]
        if close:
            # The word the documents use most; on a tie the shorter, then the alphabetically first.
            return min(close, key=lambda c: (-self._frequency[c], len(c), c))
        if len(word) >= LONG_WORD:
            pool = self._by_initial.get(word[0], [])
            matches = difflib.get_close_matches(word, pool, n=3, cutoff=LONG_SIMILARITY)
            matches = [m for m in matches if edit_distance(word, m, 2) <= 2]
            if matches:
                return matches[0]
        return None

    def correct_all(self, words: Iterable[str]) -> dict[str, str]:
        """word -> correction, for the words of `words` that have one."""
        fixes: dict[str, str] = {}
        for word in words:
            fixed = self.correct(word)
            if fixed is not None:
                fixes[word] = fixed
        return fixes
