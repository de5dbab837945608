"""The passages as retrieval sees them in memory: vocabulary, spelling, word neighbours and passage vectors.

Rebuilt whenever the index changes (Index.generation). A passage has two vectors: the full model's, which
reads each word in context (contextual.py), and a cheap one until that is ready: the SIF-weighted average
of its words' vectors (a / (a + p(word)): frequent words count less), centred on the vocabulary's mean so
that the common direction all MiniLM outputs share does not make every pair of texts look alike. Each
kind of cosine is mapped onto one scale of evidence, from "says nothing" (0) to "about the same" (1).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .contextual import PassageVectors
from .embed import DIM, Vectors, WordEmbedder
from .index_reads import DOC_PREFIX, IndexReads, PassageRow
from .query import is_noise, words_of
from .spelling import Speller

SIF_A = 1e-3  # the SIF weighting's smoothing: a word with this share of all tokens gets half weight
EXPAND_MIN_SIMILARITY = 0.6  # a document word this close to a question word also counts as a match
MAX_EXPANSIONS = 3  # per question word
WORD_NEAR_FLOOR = 0.3  # word cosines below this say nothing about two words sharing a meaning
# Cosines of the full model's question and passage vectors: an unrelated pair of texts is near 0.15, a
# passage that answers the question usually above 0.45.
CONTEXT_FLOOR = 0.15
CONTEXT_FULL = 0.9
WORDS_FLOOR = 0.1  # the same for the word-vector averages, which spread wider
WORDS_FULL = 0.8
COMMON_RANK = 8000  # WordPiece vocabularies list whole words roughly by frequency
MAX_WORD_CHARS = 30  # longer "words" (hashes, run-together identifiers) get no vector


@dataclass(frozen=True)
class Expansion:
    word: str  # a word the documents use
    similarity: float  # cosine of its vector with the question word's


def _embeddable(word: str) -> bool:
    # Numbers and codes ("51820", "401") match exactly or not at all; their vectors would only add noise.
    return word.isalpha() and len(word) <= MAX_WORD_CHARS and not is_noise(word)


def _crude_stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _same_stem(a: str, b: str) -> bool:
    """Whether the stemmed full-text index already treats `a` and `b` as one ("day", "days")."""
    return _crude_stem(a) == _crude_stem(b) or _crude_stem(a).rstrip("e") == _crude_stem(b).rstrip("e")


class Corpus:
    """An immutable snapshot of the index's passages for one generation."""

    def __init__(self, rows: list[PassageRow], embedder: WordEmbedder | None) -> None:
        self.rows = rows
        self.rowids = np.array([r.rowid for r in rows], np.int64)
        self.position = {r.rowid: i for i, r in enumerate(rows)}
        passage_words = [words_of(f"{r.title}\n{r.heading}\n{r.text}") for r in rows]
        # The vocabulary (spelling, expansion) is the docs folder's only: one user's upload must not
        # steer another user's question.
        self.passage_frequency: Counter[str] = Counter()
        token_counts: Counter[str] = Counter()
        for row, words in zip(rows, passage_words, strict=True):
            token_counts.update(words)
            if row.key.startswith(DOC_PREFIX):
                self.passage_frequency.update(set(words))
        total_tokens = max(1, sum(token_counts.values()))
        self._sif = {w: SIF_A / (SIF_A + n / total_tokens) for w, n in token_counts.items()}
        self._speller: Speller | None = None
        self._expansions: dict[str, list[Expansion]] = {}  # per question word, for this generation
        self._speller_lock = threading.Lock()
        self.embedder = embedder
        self.vocabulary = sorted(w for w in self.passage_frequency if _embeddable(w))
        self._word_matrix: Vectors | None = None
        self.passage_vectors: Vectors | None = None
        self.contextual: PassageVectors | None = None
        if embedder is not None:
            self._embed(embedder, passage_words)
            self.contextual = PassageVectors(rows, embedder)

    def _embed(self, embedder: WordEmbedder, passage_words: list[list[str]]) -> None:
        every = sorted({w for words in passage_words for w in words if _embeddable(w)})
        vectors = embedder.vectors(every)
        self._mean = vectors.mean(axis=0) if len(every) else np.zeros(DIM, np.float32)
        centred = self._unit(vectors - self._mean)
        row_of = {w: i for i, w in enumerate(every)}
        self._word_matrix = centred[[row_of[w] for w in self.vocabulary]] if self.vocabulary else centred[:0]
        passages = np.zeros((len(passage_words), DIM), np.float32)
        for i, words in enumerate(passage_words):
            picked = [(row_of[w], self._sif[w]) for w in words if w in row_of]
            if picked:
                index, weight = zip(*picked, strict=True)
                passages[i] = np.asarray(weight, np.float32) @ centred[list(index)]
        self.passage_vectors = self._unit(passages)

    @staticmethod
    def _unit(matrix: Vectors) -> Vectors:
        norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
        unit: Vectors = (matrix / np.maximum(norms, 1e-9)).astype(np.float32)
        return unit

    # -- words -----------------------------------------------------------------------------------

    def knows(self, word: str) -> bool:
        return word in self.passage_frequency

    def is_common(self, word: str) -> bool:
        """An everyday English word (among the model vocabulary's most frequent whole words)."""
        return self.embedder is not None and self.embedder.frequency_rank(word) < COMMON_RANK

    def spell(self, word: str) -> str | None:
        """The documents' spelling of a word they never use, if it looks like a typo of one."""
        if self.embedder is not None and (
            self.embedder.is_word(word) or (word.endswith("s") and self.embedder.is_word(word[:-1]))
        ):
            # A real word the documents do not use ("pick" is not a typo of "sick"), or its plural (the
            # model's vocabulary has "dad" but not "dads", which is not a typo of "days").
            return None
        with self._speller_lock:  # built on the first unknown word: most questions need none
            if self._speller is None:
                self._speller = Speller(self.passage_frequency)
        return self._speller.correct(word)

    def _query_vector(self, words: list[str]) -> Vectors | None:
        if self.embedder is None or self.passage_vectors is None:
            return None
        usable = [w for w in words if _embeddable(w)]
        if not usable:
            return None
        vectors = self._unit(self.embedder.vectors(usable) - self._mean)
        # A word the documents never use weighs fully: it is probably what the question is about.
        weights = np.array([self._sif.get(w, 1.0) for w in usable], np.float32)
        return self._unit(weights @ vectors)

    def expand(self, word: str) -> list[Expansion]:
        """Document words whose vectors are closest to `word`'s ("trip" -> "travel"), best first."""
        cached = self._expansions.get(word)
        if cached is None:
            cached = self._expansions[word] = self._expand(word)  # a race computes it twice: harmless
        return cached

    def _expand(self, word: str) -> list[Expansion]:
        if self._word_matrix is None or not len(self.vocabulary) or not _embeddable(word):
            return []
        vector = self._query_vector([word])
        if vector is None:
            return []
        similarity = self._word_matrix @ vector
        # The few best of a vocabulary of tens of thousands: a partial sort, not a full one.
        some = min(MAX_EXPANSIONS * 4, len(similarity) - 1)
        top = np.argpartition(-similarity, some)[: some + 1]
        best = top[np.argsort(-similarity[top])]
        found: list[Expansion] = []
        for i in best:
            candidate, score = self.vocabulary[int(i)], float(similarity[int(i)])
            if score < EXPAND_MIN_SIMILARITY or len(found) >= MAX_EXPANSIONS:
                break
            if candidate != word and not _same_stem(candidate, word):
                found.append(Expansion(candidate, score))
        return found

    def meaning_coverage(self, weight: dict[str, float], row: PassageRow) -> tuple[float, float]:
        """How much of the question `row` has in meaning: the share (by `weight`) and the weakest word.

        A question word counts as covered when `row` has it, or a word close in meaning: a paraphrase's
        words have near neighbours in its answer ("therapy" ~ "counselling", "dads" ~ "parents"); a
        question of handbook words in another sense has a word with none ("cat", "dating"). Returns the
        covered share (0-1) and the largest weight of a word left uncovered, over the largest weight.
        """
        total, heaviest = sum(weight.values()) or 1.0, max(weight.values(), default=0.0) or 1.0
        if self._word_matrix is None or self.embedder is None:
            return 0.0, 0.0
        present = {w for w in words_of(f"{row.title}\n{row.heading}\n{row.text}") if _embeddable(w)}
        shares = {w: 1.0 for w in weight if w in present}
        asked = [w for w in weight if _embeddable(w) and w not in present]
        if asked and present:
            mine = self._unit(self.embedder.vectors(sorted(present)) - self._mean)
            theirs = self._unit(self.embedder.vectors(asked) - self._mean)
            closest = (theirs @ mine.T).max(axis=1)
            near = np.clip((closest - WORD_NEAR_FLOOR) / (EXPAND_MIN_SIMILARITY - WORD_NEAR_FLOOR), 0, 1)
            shares.update({w: float(s) for w, s in zip(asked, near, strict=True)})
        covered = sum(v * shares.get(w, 0.0) for w, v in weight.items()) / total
        missing = max((v * (1.0 - shares.get(w, 0.0)) for w, v in weight.items()), default=0.0)
        return covered, missing / heaviest

    # -- passages --------------------------------------------------------------------------------

    def similarities(self, question: str, words: list[str]) -> Closeness | None:
        """rowid -> how close in meaning the passage is to the question, 0 to 1; None without a model.

        `question` as typed, for the full model (which reads "paid back" as one idea); `words`, its
        content words, for the word vectors of passages the full model has not read yet.
        """
        if self.embedder is None or self.passage_vectors is None or self.contextual is None:
            return None
        evidence = np.zeros(len(self.rows), np.float32)
        vector = self._query_vector(words)
        if vector is not None:
            evidence = np.clip(
                (self.passage_vectors @ vector - WORDS_FLOOR) / (WORDS_FULL - WORDS_FLOOR), 0, 1
            )
        if question.strip() and self.contextual.ready.any():
            cosines, ready = self.contextual.closeness(self.embedder.text_vector(question, keep=False))
            evidence[ready] = np.clip((cosines[ready] - CONTEXT_FLOOR) / (CONTEXT_FULL - CONTEXT_FLOOR), 0, 1)
        return Closeness(self.position, self.rowids, evidence)


class Closeness(Mapping[int, float]):
    """rowid -> closeness in meaning, over an array: no per-question dict of every passage of a big folder."""

    def __init__(self, position: dict[int, int], rowids: npt.NDArray[np.int64], values: Vectors) -> None:
        self._position, self._rowids, self._values = position, rowids, values

    def __getitem__(self, rowid: int) -> float:
        return float(self._values[self._position[rowid]])

    def __iter__(self) -> Iterator[int]:
        return iter(self._rowids.tolist())

    def __len__(self) -> int:
        return len(self._rowids)

    def best(self, count: int, keep: Callable[[int], bool]) -> list[int]:
        """The `count` closest rowids that `keep` accepts, closest first."""
        chosen: list[int] = []
        for i in np.argsort(-self._values, kind="stable"):
            rowid = int(self._rowids[i])
            if keep(rowid):
                chosen.append(rowid)
                if len(chosen) == count:
                    break
        return chosen


_corpora: weakref.WeakKeyDictionary[IndexReads, tuple[int, bool, Corpus]] = weakref.WeakKeyDictionary()
_corpora_lock = threading.Lock()


def release(index: IndexReads) -> None:
    """Forget `index`'s corpus (its server is stopping): stop reading its passages behind."""
    with _corpora_lock:
        cached = _corpora.pop(index, None)
    if cached is not None and cached[2].contextual is not None:
        cached[2].contextual.stop(wait=True)


def corpus_for(index: IndexReads, generation: int, embedder: WordEmbedder | None) -> Corpus:
    """The corpus of `index` as of `generation`, built on first use after each change."""
    with _corpora_lock:  # one build at a time; concurrent questions wait for it rather than repeat it
        cached = _corpora.get(index)
        if cached is not None and cached[0] == generation and cached[1] == (embedder is not None):
            return cached[2]
        if cached is not None and cached[2].contextual is not None:
            cached[2].contextual.stop()
        corpus = Corpus(index.all_passages(), embedder)
        _corpora[index] = (generation, embedder is not None, corpus)
        return corpus
