"""The full-text index: SQLite FTS5 (porter stemming, bm25 ranking) over docs-folder passages and uploads.

Why FTS5: it ships inside Python's sqlite3 (no dependency to install), persists to one file in the data
folder, ranks with bm25 per column (so title and heading matches can outweigh body matches), stems English
with the porter tokenizer ("holidays" finds "holiday"), and answers a query over thousands of passages in
well under a millisecond. tantivy or bm25s would add a compiled or numpy dependency for no gain at the
scale of a docs folder.

The index is a cache: the docs folder and the upload store are the truth. The folder is rescanned (a stat
per file) before each search, so added, changed and removed documents show up on the next question.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .extract import Extracted, ExtractionError, extract, mime_type_for

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
# bm25 column weights for (key, title, heading, body): a term in a passage's heading or its document's
# title says more about what the passage is about than the same term in running text.
_BM25_WEIGHTS = "0.0, 3.0, 2.0, 1.0"

DOC_PREFIX = "doc:"
FILE_PREFIX = "file:"


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


class Index:
    """Thread-safe access to the FTS5 index in `db_path`, kept in sync with `docs_dir`."""

    def __init__(self, db_path: Path, docs_dir: Path) -> None:
        self.docs_dir = docs_dir.resolve()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._migrate()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                self._db.executescript(
                    """
                    DROP TABLE IF EXISTS sources;
                    DROP TABLE IF EXISTS passages;
                    DROP TABLE IF EXISTS meta;
                    """
                )
            self._db.executescript(
                f"""
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS sources (
                    key TEXT PRIMARY KEY, title TEXT NOT NULL, mime_type TEXT NOT NULL,
                    headings TEXT NOT NULL, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
                    error TEXT
                );
                CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
                    key UNINDEXED, title, heading, body, tokenize = 'porter unicode61 remove_diacritics 2'
                );
                PRAGMA user_version = {SCHEMA_VERSION};
                """
            )
            row = self._db.execute("SELECT value FROM meta WHERE name = 'docs_dir'").fetchone()
            if row is None or row[0] != str(self.docs_dir):
                # Another docs folder than last run: its documents are not ours, start over.
                self._db.execute("BEGIN")
                self._db.execute("DELETE FROM passages WHERE key LIKE 'doc:%'")
                self._db.execute("DELETE FROM sources WHERE key LIKE 'doc:%'")
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('docs_dir', ?)", (str(self.docs_dir),)
                )
                self._db.execute("COMMIT")

    # -- keeping in sync -------------------------------------------------------------------------

    def sync_docs(self) -> int:
        """Index new and changed documents in the docs folder and drop removed ones; returns changes made."""
        on_disk: dict[str, os.stat_result] = {}
        for root, dirs, files in os.walk(self.docs_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.startswith(".") or mime_type_for(name) is None:
                    continue
                path = Path(root, name)
                try:
                    on_disk[path.relative_to(self.docs_dir).as_posix()] = path.stat()
                except OSError:
                    continue  # removed while we were walking
        with self._lock:
            known = {
                key[len(DOC_PREFIX) :]: (mtime, size)
                for key, mtime, size in self._db.execute(
                    "SELECT key, mtime_ns, size FROM sources WHERE key LIKE 'doc:%'"
                )
            }
        changes = 0
        for rel in known.keys() - on_disk.keys():
            self._remove(DOC_PREFIX + rel)
            changes += 1
        for rel, st in sorted(on_disk.items()):
            if known.get(rel) == (st.st_mtime_ns, st.st_size):
                continue
            changes += 1
            try:
                data = (self.docs_dir / rel).read_bytes()
                self._put(DOC_PREFIX + rel, extract(rel, data), st.st_mtime_ns, st.st_size)
            except ExtractionError as exc:
                log.warning("skipping document %s: %s", rel, exc)
                self._put_failed(DOC_PREFIX + rel, rel, st.st_mtime_ns, st.st_size, str(exc))
            except OSError as exc:
                log.warning("cannot read document %s: %s", rel, exc)
        return changes

    def add_upload(self, file_id: str, extracted: Extracted, size: int) -> None:
        self._put(FILE_PREFIX + file_id, extracted, 0, size)

    def remove_upload(self, file_id: str) -> None:
        self._remove(FILE_PREFIX + file_id)

    def upload_ids(self) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT key FROM sources WHERE key LIKE 'file:%'").fetchall()
        return {key[len(FILE_PREFIX) :] for (key,) in rows}

    def _put(self, key: str, extracted: Extracted, mtime_ns: int, size: int) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute("DELETE FROM passages WHERE key = ?", (key,))
                self._db.executemany(
                    "INSERT INTO passages (key, title, heading, body) VALUES (?, ?, ?, ?)",
                    [(key, extracted.title, p.heading, p.text) for p in extracted.passages],
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    (
                        key,
                        extracted.title,
                        extracted.mime_type,
                        "\n".join(extracted.headings),
                        mtime_ns,
                        size,
                    ),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _put_failed(self, key: str, rel: str, mtime_ns: int, size: int, error: str) -> None:
        # Remember the failure so an unreadable file is not re-parsed on every question until it changes.
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM passages WHERE key = ?", (key,))
            self._db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, '', ?, ?, ?)",
                (key, rel, mime_type_for(rel) or "", mtime_ns, size, error),
            )
            self._db.execute("COMMIT")

    def _remove(self, key: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM passages WHERE key = ?", (key,))
            self._db.execute("DELETE FROM sources WHERE key = ?", (key,))
            self._db.execute("COMMIT")

    # -- reading ---------------------------------------------------------------------------------

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
        with self._lock:
            rows = self._db.execute(sql, (query, *allowed_files, limit)).fetchall()
        # FTS5's bm25() is negative, more negative meaning more relevant.
        return {rowid: -score for rowid, score in rows}

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

    def frequency(self, term: str) -> tuple[int, int]:
        """(passages containing `term`, all passages) over the docs folder."""
        with self._lock:
            total = self._db.execute("SELECT count(*) FROM passages WHERE key LIKE 'doc:%'").fetchone()[0]
            found = self._db.execute(
                "SELECT count(*) FROM passages WHERE passages MATCH ? AND key LIKE 'doc:%'", (f'"{term}"',)
            ).fetchone()[0]
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
