"""Reading the FTS5 index: matches, bm25 scores, passages and sources (the writing side is index.py)."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# bm25 column weights for (key, title, heading, body): a term in a passage's heading or its document's
# title says more about what the passage is about than the same term in running text.
_BM25_WEIGHTS = "0.0, 3.0, 2.0, 1.0"

DOC_PREFIX = "doc:"
FILE_PREFIX = "file:"
READ_CACHE_ENTRIES = 20_000  # reads kept per generation (a few hundred bytes each, ~10 per question)


@dataclass(frozen=True)
class PassageRow:
    rowid: int
    key: str  # "doc:<relative path>" or "file:<file id>"
    title: str
    heading: str
    text: str

    @property
    def is_upload(self) -> bool:
        return self.key.startswith(FILE_PREFIX)

    @property
    def ref(self) -> str:
        """The relative path of a docs-folder document, or the id of an uploaded file."""
        return self.key.split(":", 1)[1]


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    mime_type: str
    headings: tuple[str, ...]


class IndexReads:
    """The queries over the index; Index adds keeping it in sync with the docs folder and uploads."""

    _db: sqlite3.Connection
    _lock: threading.Lock

    def all_passages(self) -> list[PassageRow]:
        """Every passage, docs-folder ones and uploads, in rowid order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT rowid, key, title, heading, body FROM passages ORDER BY rowid"
            ).fetchall()
        return [PassageRow(*r) for r in rows]

    def match(
        self, terms: Sequence[str], keys: Iterable[str] | None = None, limit: int = 50
    ) -> dict[int, float]:
        """Passages matching any of `terms`, as rowid -> relevance (positive, higher is better).

        Only docs-folder passages and the uploads listed in `keys` ("file:<id>") are searched.
        """
        if not terms:
            return {}
        query = " OR ".join(f'"{t}"' for t in terms)  # terms are \\w+ tokens: quoting is enough
        allowed_files = sorted(k for k in (keys or ()) if k.startswith(FILE_PREFIX))
        placeholders = ",".join("?" * len(allowed_files))
        scope = f"(key LIKE 'doc:%' OR key IN ({placeholders}))" if allowed_files else "key LIKE 'doc:%'"
        sql = (
            f"SELECT rowid, bm25(passages, {_BM25_WEIGHTS}) FROM passages "
            f"WHERE passages MATCH ? AND {scope} ORDER BY 2 LIMIT ?"
        )
        cache_key = ("match", query, tuple(allowed_files), limit)
        cached = self._cached(cache_key)
        if cached is not None:
            return dict(cached)
        with self._lock:
            rows = self._db.execute(sql, (query, *allowed_files, limit)).fetchall()
        # FTS5's bm25() is negative, more negative meaning more relevant.
        found = {rowid: -score for rowid, score in rows}
        self._remember(cache_key, found)
        return dict(found)

    def _cached(self, key: tuple[object, ...]) -> Any:
        """What an earlier read with `key` returned, if the passages have not changed since."""
        with self._lock:
            if self._reads[0] != self.generation:
                self._reads = (self.generation, {})
            return self._reads[1].get(key)

    def _remember(self, key: tuple[object, ...], value: object) -> None:
        # A question repeats the reads of the last ones (its words' counts and matches); on a folder of
        # thousands of passages each costs a few milliseconds of SQLite. Forgotten on any change.
        with self._lock:
            if self._reads[0] == self.generation and len(self._reads[1]) < READ_CACHE_ENTRIES:
                self._reads[1][key] = value

    def column_matching(self, columns: str, term: str, rowids: Iterable[int]) -> set[int]:
        """Which of `rowids` contain `term` in the given columns ("title", "heading body", ...)."""
        return self._matching(f'{{{columns}}} : "{term}"', rowids)

    def near_matching(self, first: str, second: str, rowids: Iterable[int], distance: int = 2) -> set[int]:
        """Which of `rowids` contain both terms within `distance` words of each other (any order)."""
        return self._matching(f'NEAR("{first}" "{second}", {distance})', rowids)

    def _matching(self, expression: str, rowids: Iterable[int]) -> set[int]:
        """Which of `rowids` match an FTS5 query expression."""
        ids = sorted(set(rowids))
        if not ids:
            return set()
        placeholders = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid FROM passages WHERE passages MATCH ? AND rowid IN ({placeholders})",
                (expression, *ids),
            ).fetchall()
        return {r[0] for r in rows}

    generation: int  # Index bumps it on every change
    _doc_total: tuple[int, int] = (-1, 0)  # (generation, docs-folder passages): counting scans them all
    _reads: tuple[int, dict[tuple[object, ...], Any]] = (-1, {})  # (generation, read -> result)

    def frequency(self, term: str) -> tuple[int, int]:
        """(passages containing `term`, all passages) over the docs folder."""
        with self._lock:
            if self._doc_total[0] != self.generation:
                count = self._db.execute("SELECT count(*) FROM passages WHERE key LIKE 'doc:%'").fetchone()[0]
                self._doc_total = (self.generation, int(count))
            total = self._doc_total[1]
        cached = self._cached(("frequency", term))
        if cached is not None:
            return int(cached), int(total)
        with self._lock:
            found = self._db.execute(
                "SELECT count(*) FROM passages WHERE passages MATCH ? AND key LIKE 'doc:%'", (f'"{term}"',)
            ).fetchone()[0]
        self._remember(("frequency", term), int(found))
        return int(found), int(total)

    def idf(self, term: str) -> float:
        """Inverse document frequency of `term` over docs-folder passages (bm25's formula)."""
        found, total = self.frequency(term)
        return math.log((total - found + 0.5) / (found + 0.5) + 1.0)

    def passages(self, rowids: Iterable[int]) -> dict[int, PassageRow]:
        ids = sorted(set(rowids))
        if not ids:
            return {}
        placeholders = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid, key, title, heading, body FROM passages WHERE rowid IN ({placeholders})", ids
            ).fetchall()
        return {r[0]: PassageRow(*r) for r in rows}

    def document_passages(self, key: str) -> list[PassageRow]:
        with self._lock:
            rows = self._db.execute(
                "SELECT rowid, key, title, heading, body FROM passages WHERE key = ? ORDER BY rowid", (key,)
            ).fetchall()
        return [PassageRow(*r) for r in rows]

    def source(self, key: str) -> SourceInfo | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, title, mime_type, headings FROM sources WHERE key = ? AND error IS NULL", (key,)
            ).fetchone()
        if row is None:
            return None
        return SourceInfo(row[0], row[1], row[2], tuple(h for h in row[3].split("\n") if h))

    def doc_sources(self) -> list[SourceInfo]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, title, mime_type, headings FROM sources "
                "WHERE key LIKE 'doc:%' AND error IS NULL ORDER BY key"
            ).fetchall()
        return [SourceInfo(r[0], r[1], r[2], tuple(h for h in r[3].split("\n") if h)) for r in rows]
