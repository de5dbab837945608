"""Corrects the typos people make in the words that open a question ("hwo do I", "wher is", "is ther").

The classifier's patterns key on a few function words; one swapped or missing letter in one of them used to
hide the whole question. Each of those words gets a table of its one-edit misspellings (two adjacent letters
swapped; for words of four letters or more also one letter missing or one extra), built once. Real words
that are one edit away ("here" from "where", "now" from "know", "three" from "there") are never rewritten.
"""

from __future__ import annotations

from string import ascii_lowercase
from typing import Final

# The words worth correcting, most likely first: a misspelling that is one edit from two of them ("hwo":
# "how" or "who") goes to the earlier one.
TARGETS: Final = (
    "how",
    "what",
    "where",
    "when",
    "which",
    "who",
    "why",
    "there",
    "does",
    "can",
    "could",
    "would",
    "should",
    "anyone",
    "anybody",
    "someone",
    "somebody",
    "know",
    "find",
    "the",
    "access",
    "need",
    "help",
    "please",
    "are",
    "policy",
    "request",
)

# Real words one edit from a target: rewriting them would change what the writer meant.
REAL_WORDS: Final = frozenset(
    [
        "here",
        "were",
        "whee",
        "hat",
        "hen",
        "wen",
        "thee",
        "three",
        "ether",
        "doe",
        "dos",
        "des",
        "odes",
        "doves",
        "dotes",
        "dopes",
        "dozes",
        "doles",
        "domes",
        "doers",
        "cold",
        "wold",
        "now",
        "known",
        "knows",
        "fin",
        "fine",
        "fiend",
        "finds",
        "fined",
        "ned",
        "needs",
        "kneed",
        "needy",
        "helps",
        "whelp",
        "lease",
        "pleased",
        "pleases",
        "pleaser",
        "wheat",
        "pease",
        "ear",
        "era",
        "cans",
        "scan",
        "clan",
        "cane",
        "whom",
        "whoa",
        "whose",
        "anyones",
        "policys",
        "requests",
    ]
)

# Typos one edit cannot describe, and chat spellings of the same words.
EXTRA: Final[dict[str, str]] = {
    "any1": "anyone",
    "ne1": "anyone",
    "some1": "someone",
    "sum1": "someone",
    "cn": "can",
    "doi": "do i",
    "hwere": "where",
    "wehn": "when",
}


def _edits(word: str) -> set[str]:
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    if len(word) < 4:
        return swaps  # a missing or extra letter in a three-letter word makes too many real words
    missing = {word[:i] + word[i + 1 :] for i in range(len(word))}
    extra = {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in ascii_lowercase}
    return swaps | missing | extra


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for target in TARGETS:
        for typo in sorted(_edits(target)):
            if typo not in REAL_WORDS and typo not in TARGETS:
                table.setdefault(typo, target)
    return table | EXTRA


CORRECTIONS: Final[dict[str, str]] = _build()

# "were can I find ..." is "where": "were" is a real word, so only when an auxiliary follows it.
_WERE_AS_WHERE_BEFORE: Final = frozenset(
    {"can", "do", "does", "is", "are", "should", "could", "would", "did"}
)


def correct(token: str, next_token: str = "") -> str:
    """The word `token` (lower case) was meant to be, or `token` itself."""
    if token == "were" and next_token in _WERE_AS_WHERE_BEFORE:
        return "where"
    fixed = CORRECTIONS.get(token)
    if fixed is not None:
        return fixed
    if token.endswith("'s") and token[:-2] in CORRECTIONS:  # "waht's" is "what's"
        return CORRECTIONS[token[:-2]] + "'s"
    return token
