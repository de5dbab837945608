"""Retrieval: from a question (plus the earlier turns of its chat) to the best-matching passages.

Hybrid, like a search engine: bm25 over every content word of the question (any of them may be missing),
plus document words close in meaning to a question word ("trip" also searches "travel"), plus the cosine
of passage and question vectors (semantic.py), fused into one score. A relevance floor keeps the honest
"nothing found" when the evidence says the best passage is not about what was asked (relevance.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .contextual import answering
from .coverage import best_sentence_coverage
from .embed import shared_embedder
from .index import FILE_PREFIX, Index, PassageRow
from .query import COMPOUNDS, is_noise, question_words, terms_of
from .relevance import Evidence, evidence_of, relevant
from .semantic import Closeness, Corpus, corpus_for

CONTEXT_WEIGHT = 0.5  # a term from an earlier turn counts half as much as one from the new question
CONTINUITY_BOOST = 0.25  # share of the top score added to passages of documents the chat already cited
UPLOAD_BOOST = 0.5  # share of the top score added to passages of files the user attached to this question
RELATIVE_CUTOFF = 0.55  # passages scoring below this share of the best one are not used
EXPANSION_WEIGHT = 0.6  # an expansion's bm25 counts this much, times its similarity, of the word's own
COVERAGE_FOR_MEANING = 0.5  # how much coverage a passage's closeness in meaning (0 to 1) stands in for
COMMON_UNKNOWN = 0.5  # an everyday word the documents never use ("happens") says less than a rare one
SENTENCE_SHARE = 0.5  # the coverage that counts: this much of one sentence's, the rest the whole passage's
DENSE_WEIGHT = (
    5.0  # the closeness in meaning (0 to 1) counts this much in the fused score, next to bm25 (0 to ~2)
)
LEXICAL_CANDIDATES = 60  # passages by bm25 that are scored in full
DENSE_CANDIDATES = 8  # passages the vectors bring in even without a lexical match
MATCH_LIMIT = 400  # passages per search word (bm25 beyond the first few hundred adds nothing)
MAX_PASSAGES = 3
_SPLIT_COMPOUNDS = {joined: pair for pair, joined in COMPOUNDS.items()}


@dataclass(frozen=True)
class Hit:
    passage: PassageRow
    score: float
    matched: tuple[str, ...]  # terms of the new question this passage contains
    coverage: float = 0.0  # share of the question's words (by rarity) the passage covers
    similarity: float = 0.0  # cosine of passage and question vectors (0 without the model)


@dataclass(frozen=True)
class Retrieval:
    query: str  # what was searched for, as shown in the "Searching" update
    terms: tuple[str, ...]
    context_terms: tuple[str, ...]
    hits: tuple[Hit, ...]  # best first (document order for an overview); empty when nothing matched
    evidence: Evidence | None = None  # what the relevance floor decided on; None when nothing matched


def _known_spelling(index: Index, corpus: Corpus, term: str) -> str | None:
    """`term`, or the documents' spelling of it ("401k" -> "401", "vaction" -> "vacation"); None to drop."""
    pair = _SPLIT_COMPOUNDS.get(term)
    if pair is not None and index.frequency(pair)[0] > index.frequency(term)[0]:
        return pair  # the documents write "on-call", which the full-text index reads as the pair
    if index.frequency(term)[0]:
        return term
    split = re.fullmatch(r"(\d+)([a-z]{1,2})", term)
    if split and index.frequency(split.group(1))[0]:
        return split.group(1)
    fixed = corpus.spell(term)
    if fixed is None:
        return term  # unknown to the documents: kept, it counts against coverage
    return None if is_noise(fixed) else fixed  # "wher" -> "where": small talk after all


def _support(coverage: dict[int, float], dense: Mapping[int, float]) -> float:
    """How much some passage is about what the question is about: its share of the words, or the meaning."""
    return max(coverage[r] + COVERAGE_FOR_MEANING * dense.get(r, 0.0) for r in coverage)


def build_query(question: str, earlier_questions: Sequence[str]) -> tuple[list[str], list[str]]:
    """Terms of the new question, and terms from earlier user turns that the new question lacks."""
    terms = question_words(question)
    context: list[str] = []
    for earlier in reversed(earlier_questions):  # most recent earlier turn first
        for term in terms_of(earlier):
            if term not in terms and term not in context:
                context.append(term)
    return terms, context[:8]


def _spelled(index: Index, corpus: Corpus, words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        fixed = _known_spelling(index, corpus, word)
        if fixed is not None and fixed not in out:
            out.append(fixed)
    return out


def retrieve(
    index: Index,
    question: str,
    earlier_questions: Sequence[str] = (),
    file_ids: Sequence[str] = (),
    attached_file_ids: Sequence[str] = (),
    cited_keys: Iterable[str] = (),
    allowed_doc: re.Pattern[str] | None = None,
    semantic: bool = True,
    floor: bool = True,
) -> Retrieval:
    """Find the passages that best answer `question`.

    `file_ids`: uploads the asker may use (their own, named in this chat); `attached_file_ids`: those
    attached to this very question, which get a boost. `cited_keys`: documents earlier answers in the chat
    cited; a follow-up is likely about them. `allowed_doc`: when set, only docs whose relative path matches.
    `semantic`: use the embedding model (when it loads) besides keywords. `floor`: False answers even
    what the relevance floor would refuse (bench/relevance_fit.py fits the floor on those answers).
    """
    with answering():
        return _retrieve(
            index,
            question,
            earlier_questions,
            file_ids,
            attached_file_ids,
            cited_keys,
            allowed_doc,
            semantic,
            floor,
        )


def _retrieve(
    index: Index,
    question: str,
    earlier_questions: Sequence[str],
    file_ids: Sequence[str],
    attached_file_ids: Sequence[str],
    cited_keys: Iterable[str],
    allowed_doc: re.Pattern[str] | None,
    semantic: bool,
    floor: bool,
) -> Retrieval:
    corpus = corpus_for(index, index.generation, shared_embedder() if semantic else None)
    raw_terms, raw_context = build_query(question, earlier_questions)
    terms = _spelled(index, corpus, raw_terms)
    context = [t for t in _spelled(index, corpus, raw_context) if t not in terms]
    searched = " ".join(terms) if terms else " ".join(context)
    if context and terms:
        searched = f"{searched} ({' '.join(context[:4])})"
    nothing = Retrieval(searched or question.strip(), tuple(terms), tuple(context), ())
    if not terms and not context:
        return nothing
    file_keys = [FILE_PREFIX + f for f in file_ids]
    own = terms or context  # a question without words of its own ("and why?") runs on the context

    # Per word bm25, so each word carries its own weight: the question's own words 1, an earlier turn's
    # CONTEXT_WEIGHT, a neighbour word its similarity times EXPANSION_WEIGHT.
    weighted: list[tuple[str, str, float]] = [(t, t, 1.0) for t in own]  # (question word, search word, w)
    if terms:
        weighted += [(t, t, CONTEXT_WEIGHT) for t in context]
    for term in own:
        weighted += [(term, e.word, EXPANSION_WEIGHT * e.similarity) for e in corpus.expand(term)]
    match_of = {w: index.match([w], file_keys, MATCH_LIMIT) for _, w, _ in weighted}
    lexical: dict[int, float] = {}
    for _, word, weight in weighted:
        for rowid, score in match_of[word].items():
            lexical[rowid] = lexical.get(rowid, 0.0) + weight * score

    # The full model reads the question as typed; a follow-up without words of its own, its context.
    dense: Mapping[int, float] = corpus.similarities(question if terms else " ".join(own), own) or {}
    # The passages worth a closer look: the best by raw bm25 (on a big folder a common word matches
    # thousands, and coverage is computed per candidate), plus the vectors' best.
    lexical_candidates = {r for t, w, _ in weighted if t in own for r in match_of[w]}
    candidates = set(sorted(lexical_candidates, key=lambda r: (-lexical[r], r))[:LEXICAL_CANDIDATES])
    allowed_keys = set(file_keys)

    def in_scope(rowid: int) -> bool:
        key = corpus.rows[corpus.position[rowid]].key
        return key.startswith("doc:") or key in allowed_keys

    if isinstance(dense, Closeness):
        candidates.update(dense.best(DENSE_CANDIDATES, in_scope))
    rows = index.passages(candidates)
    if allowed_doc is not None:
        rows = {r: p for r, p in rows.items() if p.is_upload or allowed_doc.search(p.ref)}
    if not rows:
        return nothing

    # Coverage of the question's words, weighted by rarity: a passage with "contractors" and "holidays"
    # beats one that repeats "holidays" five times. A neighbour word covers its question word partly.
    rarity = {
        t: index.idf(t) * (1.0 if corpus.knows(t) or not corpus.is_common(t) else COMMON_UNKNOWN) for t in own
    }
    total_rarity = sum(rarity.values()) or 1.0
    covers: dict[str, dict[int, float]] = {t: {} for t in own}
    for term, word, weight in weighted:
        if term not in covers or (word == term and weight < 1.0):
            continue
        share = 1.0 if word == term else weight / EXPANSION_WEIGHT
        for rowid in match_of[word]:
            covers[term][rowid] = max(covers[term].get(rowid, 0.0), share)
    near = [index.near_matching(a, b, rows) for a, b in itertools.pairwise(own)]
    top_lexical = max((lexical.get(r, 0.0) for r in rows), default=0.0) or 1.0
    scores: dict[int, float] = {}
    coverage: dict[int, float] = {}
    alternatives: dict[str, list[tuple[str, float]]] = {t: [(t, 1.0)] for t in own}
    for term, word, weight in weighted:
        if term in alternatives and word != term:
            alternatives[term].append((word, weight / EXPANSION_WEIGHT))
    for rowid, row in rows.items():
        anywhere = sum(rarity[t] * covers[t].get(rowid, 0.0) for t in own) / total_rarity
        together = best_sentence_coverage(row, alternatives, rarity) if anywhere else 0.0
        covered = coverage[rowid] = SENTENCE_SHARE * together + (1.0 - SENTENCE_SHARE) * anywhere
        phrases = sum(1 for hits in near if rowid in hits) / len(near) if near else 0.0
        lexical_part = lexical.get(rowid, 0.0) / top_lexical * (0.5 + covered + 0.5 * phrases)
        scores[rowid] = lexical_part + DENSE_WEIGHT * dense.get(rowid, 0.0)
    ranked = sorted(rows, key=lambda r: (-scores[r], r))
    top = scores[ranked[0]]
    if top <= 0:
        return nothing
    idf = {t: index.idf(t) for t in own}
    # A follow-up ("and for contractors?") is judged as asked in its chat: read with the earlier turns'
    # words, or the meaning of the new words alone would point the floor at another document.
    in_chat = dense
    if terms and context and dense:
        in_chat = corpus.similarities(f"{question} ({' '.join(context)})", own) or dense
    evidence = evidence_of(
        ranked[0],
        rows,
        scores,
        lexical,
        in_chat,
        covers,
        idf,
        index.frequency(own[0])[1],
        _support(coverage, dense),
        rarity,
        corpus.meaning_coverage(idf, rows[ranked[0]]),
    )
    if floor and not relevant(evidence):
        return replace(nothing, evidence=evidence)
    cited = set(cited_keys)
    attached = {FILE_PREFIX + f for f in attached_file_ids}
    for rowid, row in rows.items():
        if row.key in cited:
            scores[rowid] += CONTINUITY_BOOST * top
        if row.key in attached:
            scores[rowid] += UPLOAD_BOOST * top
    ranked = sorted(rows, key=lambda r: (-scores[r], r))

    def hit(row: PassageRow, score: float) -> Hit:
        matched = tuple(t for t in terms if row.rowid in covers.get(t, {}))
        return Hit(row, score, matched, coverage.get(row.rowid, 0.0), dense.get(row.rowid, 0.0))

    # A question that is just a document's title ("what are the company holidays?", "expense policy")
    # is about the whole document: answer with its opening passages, in order.
    in_title = {t: index.column_matching("title", t, rows) for t in terms}
    titled = [r for r in ranked if terms and all(r in in_title[t] for t in terms)]
    if titled and not attached:
        best_key = rows[titled[0]].key
        opening = index.document_passages(best_key)[:MAX_PASSAGES]
        return Retrieval(
            searched,
            tuple(terms),
            tuple(context),
            tuple(hit(p, scores[titled[0]]) for p in opening),
            evidence,
        )

    best = scores[ranked[0]]
    hits = [hit(rows[r], scores[r]) for r in ranked if scores[r] >= RELATIVE_CUTOFF * best][:MAX_PASSAGES]
    return Retrieval(searched, tuple(terms), tuple(context), tuple(hits), evidence)
