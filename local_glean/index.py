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
import os
import sqlite3
import threading
from pathlib import Path

from .extract import Extracted, ExtractionError, extract, mime_type_for
from .index_reads import DOC_PREFIX, FILE_PREFIX, IndexReads, PassageRow, SourceInfo

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3


class Index(IndexReads):
    """Thread-safe access to the FTS5 index in `db_path`, kept in sync with `docs_dir`."""

    def __init__(self, db_path: Path, docs_dir: Path) -> None:
        self.docs_dir = docs_dir.resolve()
        self._lock = threading.Lock()
        self.generation = 0  # bumped on every change of the passages, so caches of them know to refresh
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
                self.generation += 1
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
            self.generation += 1

    def _remove(self, key: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM passages WHERE key = ?", (key,))
            self._db.execute("DELETE FROM sources WHERE key = ?", (key,))
            self._db.execute("COMMIT")
            self.generation += 1


__all__ = ["DOC_PREFIX", "FILE_PREFIX", "Index", "PassageRow", "SourceInfo"]
