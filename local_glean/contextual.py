"""Sentence vectors from the full model (every word read in its context), filled in behind a big index.

A passage is as close to a question as its closest sentence (read with the passage's title and heading,
which frame every sentence): one passage often covers several things, and its average says less about
each than the sentence that answers.

Word vectors (semantic.py) are cheap: a folder of 1,000 documents has them in seconds. Running the model
over every sentence costs about a millisecond per 3 to 5 word pieces on 2 cores, minutes for that folder,
but matches paraphrases far better. So a folder whose unread passages fit in INLINE_PASSAGES is read
before the first answer; a bigger one is read on a background thread, on one core, while questions are
answered with word vectors for the passages not read yet. Vectors are kept per passage text for the
life of the process, so a changed document costs only its own passages.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import re
import threading
import weakref
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from .embed import DIM, Vectors, WordEmbedder
from .index_reads import PassageRow

log = logging.getLogger(__name__)

INLINE_PASSAGES = 300  # at most this many unread passages are read before answering (~5 s on 2 cores)
BACKGROUND_BATCH = 2  # sentences per background model call (~30 ms): a question waits at most that long
STOP_WAIT_S = 5.0  # a model call in progress is let finish (a few tens of ms) before the process exits
_reading: weakref.WeakSet[PassageVectors] = weakref.WeakSet()
_answering = 0  # questions being answered right now: reading behind pauses for them
_idle = threading.Condition()


@contextlib.contextmanager
def answering() -> Iterator[None]:
    """Around answering a question: the background reading waits, so the question has both cores."""
    global _answering
    with _idle:
        _answering += 1
    try:
        yield
    finally:
        with _idle:
            _answering -= 1
            _idle.notify_all()


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def sentence_texts(row: PassageRow) -> list[str]:
    """What the model reads of a passage: each sentence (or list line) under its title and heading."""
    frame = [part for part in (row.title, row.heading) if part]
    sentences = [s.strip() for s in _SENTENCE.split(row.text) if s.strip()] or [row.text]
    return ["\n".join([*frame, sentence]) for sentence in sentences]


class PassageVectors:
    """The full model's vector of each sentence of one corpus's passages, as far as they are computed."""

    def __init__(self, rows: list[PassageRow], embedder: WordEmbedder) -> None:
        per_row = [sentence_texts(r) for r in rows]
        self._texts = [t for texts in per_row for t in texts]
        self.owner = np.repeat(np.arange(len(rows)), [len(texts) for texts in per_row])  # sentence -> row
        self.matrix: Vectors = np.zeros((len(self._texts), DIM), np.float32)
        self.ready = np.zeros(len(self._texts), bool)
        self._stop = threading.Event()
        self.done = threading.Event()
        self._thread: threading.Thread | None = None
        for i, vector in self._known(embedder).items():
            self.matrix[i], self.ready[i] = vector, True
        missing = [i for i in range(len(self._texts)) if not self.ready[i]]
        unread_rows = len(set(self.owner[missing].tolist()))
        if unread_rows <= INLINE_PASSAGES:
            self._fill(missing, embedder.text_vectors(self._texts_of(missing)))
            self.done.set()
        else:
            self._thread = threading.Thread(
                target=self._read_behind, args=(embedder, missing), name="passage-vectors", daemon=True
            )
            _reading.add(self)
            self._thread.start()

    def _known(self, embedder: WordEmbedder) -> dict[int, Vectors]:
        known = embedder.known_texts(self._texts)
        return {i: known[t] for i, t in enumerate(self._texts) if t in known}

    def _texts_of(self, positions: list[int]) -> list[str]:
        return [self._texts[i] for i in positions]

    def _fill(self, positions: list[int], vectors: Vectors) -> None:
        # The vector first, then the flag: a reader that sees the flag sees the vector.
        for i, vector in zip(positions, vectors, strict=True):
            self.matrix[i] = vector
            self.ready[i] = True

    def _read_behind(self, embedder: WordEmbedder, missing: list[int]) -> None:
        # Shortest first, so batches need little padding and most passages are ready soonest.
        missing.sort(key=lambda i: len(self._texts[i]))
        try:
            for start in range(0, len(missing), BACKGROUND_BATCH):
                with _idle:
                    _idle.wait_for(lambda: _answering == 0 or self._stop.is_set(), timeout=1.0)
                if self._stop.is_set():
                    return
                chunk = missing[start : start + BACKGROUND_BATCH]
                self._fill(chunk, embedder.text_vectors_behind(self._texts_of(chunk)))
        except Exception as exc:  # the word vectors still answer; never take the server down for this
            log.warning("reading passages with the model stopped: %s", exc)
        finally:
            self.done.set()

    def closeness(self, question: Vectors) -> tuple[Vectors, npt.NDArray[np.bool_]]:
        """Per passage, the best cosine of one of its sentences with `question`; and which have any read."""
        ready = self.ready.copy()  # a snapshot: the background may flag more while we compute
        best = np.full(int(self.owner[-1]) + 1 if len(self.owner) else 0, -1.0, np.float32)
        np.maximum.at(best, self.owner[ready], self.matrix[ready] @ question)
        return best, best > -1.0

    def stop(self, wait: bool = False) -> None:
        """Stop reading behind (the corpus is out of date); what was read is kept for the next one.

        `wait`: until the thread has ended, as before the process exits: ONNX Runtime aborts the process
        if its thread pool is torn down under a running call.
        """
        self._stop.set()
        with _idle:
            _idle.notify_all()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(STOP_WAIT_S)


@atexit.register
def _stop_all() -> None:
    for vectors in list(_reading):
        vectors.stop(wait=True)
