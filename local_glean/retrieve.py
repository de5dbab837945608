"""Retrieval: from a question (plus the earlier turns of its chat) to the best-matching passages."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .index import FILE_PREFIX, Index, PassageRow

# Words that say nothing about what a question is about, question words included: "how do I connect to
# the VPN?" is searched as "connect vpn".
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each else ever few for from further get gets getting got had hadn't has hasn't have haven't having
    he her here hers herself him himself his how however i i'd i'll i'm i've if in into is isn't it it's its
    itself just know let many let's like me more most much must my myself need needs no nor not now of off on
    once only or other ought our ours ourselves out over own per please same shall she should shouldn't so
    some such tell than thank thanks that that's the their theirs them themselves then there there's these
    they they're this those through to too under until up upon us use very via want was wasn't we we're
    were weren't what what's whats when where which while who whom whose why will with within without won't
    would wouldn't yes yet you you'd you'll you're your yours yourself anyone anybody someone something
    hi hello hey folks team guys everyone anything okay ok regarding re say says said give explain
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

CONTEXT_WEIGHT = 0.5  # a term from an earlier turn counts half as much as one from the new question
CONTINUITY_BOOST = 0.25  # share of the top score added to passages of documents the chat already cited
UPLOAD_BOOST = 0.5  # share of the top score added to passages of files the user attached to this question
RELATIVE_CUTOFF = 0.55  # passages scoring below this share of the best one are not used
# The best passage must contain at least this share of the question's words (weighted by rarity), or
# the question is about something the documents do not cover ("parking garage access code" is not
# answered by a passage about parking fines).
MIN_COVERAGE = 0.45
MAX_PASSAGES = 3

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


# Two-word spellings that documents usually write as one word.
_COMPOUNDS = {"set up": "setup", "log in": "login", "sign up": "signup", "on call": "oncall"}


def terms_of(text: str) -> list[str]:
    """The content words of `text`, lower-cased, in order, without repeats."""
    lowered = text.lower()
    for pair, joined in _COMPOUNDS.items():
        lowered = re.sub(rf"\b{pair.replace(' ', '[ -]')}\b", joined, lowered)
    seen: list[str] = []
    for word in _WORD.findall(lowered):
        word = word.replace("'", "")
        if word in STOPWORDS or len(word) < 2 or word in seen:
            continue
        seen.append(word)
    return seen


@dataclass(frozen=True)
class Hit:
    passage: PassageRow
    score: float
    matched: tuple[str, ...]  # terms of the new question this passage contains


@dataclass(frozen=True)
class Retrieval:
    query: str  # what was searched for, as shown in the "Searching" update
    terms: tuple[str, ...]
    context_terms: tuple[str, ...]
    hits: tuple[Hit, ...]  # best first (document order for an overview); empty when nothing matched


def _known_spelling(index: Index, term: str) -> str:
    """`term`, or a spelling the documents use: "401k" is indexed as "401" + "k" (from "401(k)")."""
    if index.frequency(term)[0]:
        return term
    split = re.fullmatch(r"(\d+)([a-z]{1,2})", term)
    if split and index.frequency(split.group(1))[0]:
        return split.group(1)
    return term


def build_query(question: str, earlier_questions: Sequence[str]) -> tuple[list[str], list[str]]:
    """Terms of the new question, and terms from earlier user turns that the new question lacks."""
    terms = terms_of(question)
    context: list[str] = []
    for earlier in reversed(earlier_questions):  # most recent earlier turn first
        for term in terms_of(earlier):
            if term not in terms and term not in context:
                context.append(term)
    return terms, context[:8]


def retrieve(
    index: Index,
    question: str,
    earlier_questions: Sequence[str] = (),
    file_ids: Sequence[str] = (),
    attached_file_ids: Sequence[str] = (),
    cited_keys: Iterable[str] = (),
    allowed_doc: re.Pattern[str] | None = None,
) -> Retrieval:
    """Find the passages that best answer `question`.

    `file_ids`: uploads the asker may use (their own, named in this chat); `attached_file_ids`: those
    attached to this very question, which get a boost. `cited_keys`: documents earlier answers in the chat
    cited; a follow-up is likely about them. `allowed_doc`: when set, only docs whose relative path matches.
    """
    terms, context = build_query(question, earlier_questions)
    terms = [_known_spelling(index, t) for t in terms]
    searched = " ".join(terms) if terms else " ".join(context)
    if context and terms:
        searched = f"{searched} ({' '.join(context[:4])})"
    nothing = Retrieval(searched or question.strip(), tuple(terms), tuple(context), ())
    if not terms and not context:
        return nothing
    file_keys = [FILE_PREFIX + f for f in file_ids]
    primary = index.match(terms, file_keys) if terms else {}
    secondary = index.match(context, file_keys) if context else {}
    # Passages that only match the earlier context do not answer a new question that has words of its
    # own (and if none of its words appear anywhere, answering from the context would mislead); the
    # context only re-ranks. A question without words of its own ("and why?") runs on the context.
    rows = index.passages(primary if terms else secondary)
    if allowed_doc is not None:
        rows = {r: p for r, p in rows.items() if p.is_upload or allowed_doc.search(p.ref)}
    if not rows:
        return nothing

    # Coverage of the new question's terms, weighted by rarity, matters more than raw bm25: a passage
    # with "contractors" and "holidays" beats one that repeats "holidays" five times.
    weights = {t: index.idf(t) for t in terms}
    total_weight = sum(weights.values()) or 1.0
    anywhere = {t: index.column_matching("title heading body", t, rows) for t in terms}
    in_text = {t: index.column_matching("heading body", t, rows) for t in terms}
    in_title = {t: index.column_matching("title", t, rows) for t in terms}
    # Neighbouring question words that stay neighbours in the passage ("client meals") are a phrase.
    near = [index.near_matching(a, b, rows) for a, b in itertools.pairwise(terms)]
    scores: dict[int, float] = {}
    coverage: dict[int, float] = {}
    for rowid in rows:
        base = primary.get(rowid, 0.0) + CONTEXT_WEIGHT * secondary.get(rowid, 0.0)
        if terms:
            covered = coverage[rowid] = (
                sum(w for t, w in weights.items() if rowid in anywhere[t]) / total_weight
            )
            said = sum(w for t, w in weights.items() if rowid in in_text[t]) / total_weight
            phrases = sum(1 for hits in near if rowid in hits) / len(near) if near else 0.0
            base *= 0.5 + covered + 0.5 * said + 0.5 * phrases
        scores[rowid] = base
    top = max(scores.values())
    if top <= 0:
        return nothing
    if terms and max(coverage.values()) < MIN_COVERAGE:
        return nothing
    cited = set(cited_keys)
    attached = {FILE_PREFIX + f for f in attached_file_ids}
    for rowid, row in rows.items():
        if row.key in cited:
            scores[rowid] += CONTINUITY_BOOST * top
        if row.key in attached:
            scores[rowid] += UPLOAD_BOOST * top
    ranked = sorted(rows, key=lambda r: (-scores[r], r))

    def hit(row: PassageRow, score: float) -> Hit:
        return Hit(row, score, tuple(t for t in terms if row.rowid in anywhere[t]))

    # A question that is just a document's title ("what are the company holidays?", "expense policy")
    # is about the whole document: answer with its opening passages, in order.
    titled = [r for r in ranked if terms and all(r in in_title[t] for t in terms)]
    if titled and not attached:
        best_key = rows[titled[0]].key
        opening = index.document_passages(best_key)[:MAX_PASSAGES]
        return Retrieval(
            searched, tuple(terms), tuple(context), tuple(hit(p, scores[titled[0]]) for p in opening)
        )

    best = scores[ranked[0]]
    hits = [hit(rows[r], scores[r]) for r in ranked if scores[r] >= RELATIVE_CUTOFF * best][:MAX_PASSAGES]
    return Retrieval(searched, tuple(terms), tuple(context), tuple(hits))
