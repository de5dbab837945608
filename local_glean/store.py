"""Saved chats and uploaded files on disk in the data folder: one JSON file per record, atomic writes.

Layout: `chats/<chatId>.json`, `files/<fileId>.json` (metadata), `files/<fileId>.bin` (the bytes) and
`feedback.jsonl` (each `/feedback` event received, one JSON line each, appended).
Every write goes to a temporary file in the same folder and is renamed into place, so a crash never leaves
a half-written record; a file's bytes are in place before its metadata, and its metadata is removed before
its bytes, so a file record always has its content. Ids are checked against a strict pattern before they
touch a path.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def valid_id(value: str) -> bool:
    return bool(_ID.fullmatch(value))


@dataclass
class ChatRecord:
    id: str
    owner: str  # email of the user the chat belongs to
    name: str
    create_time: int  # epoch seconds
    update_time: int
    application_id: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)  # wire-shaped ChatMessages, oldest first
    touched: float = 0.0  # time.time() of the last change: orders chats changed within the same second


@dataclass
class FileRecord:
    id: str
    owner: str
    name: str
    mime_type: str
    upload_time: int  # epoch seconds
    size: int  # bytes received
    status: str  # ChatFileStatus
    failure_reason: str | None = None
    has_content: bool = False  # failed uploads keep their metadata but no bytes


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Store:
    """Thread-safe chat and file records under `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.chats_dir = data_dir / "chats"
        self.files_dir = data_dir / "files"
        self.chats_dir.mkdir(parents=True, exist_ok=True)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.feedback_path = data_dir / "feedback.jsonl"
        self.lock = threading.RLock()
        self._clean_leftovers()

    def _clean_leftovers(self) -> None:
        """Remove what an interrupted write or delete can leave: temp files, bytes without metadata."""
        for folder in (self.chats_dir, self.files_dir):
            for tmp in folder.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)
        for blob in self.files_dir.glob("*.bin"):
            if not blob.with_suffix(".json").exists():
                blob.unlink(missing_ok=True)

    # -- chats -----------------------------------------------------------------------------------

    def _chat_path(self, chat_id: str) -> Path:
        if not valid_id(chat_id):
            raise KeyError(chat_id)
        return self.chats_dir / f"{chat_id}.json"

    def get_chat(self, chat_id: str) -> ChatRecord | None:
        try:
            raw = self._chat_path(chat_id).read_bytes()
        except (KeyError, FileNotFoundError):
            return None
        return ChatRecord(**json.loads(raw))

    def save_chat(self, chat: ChatRecord) -> None:
        with self.lock:
            _write_atomic(self._chat_path(chat.id), json.dumps(asdict(chat), ensure_ascii=False).encode())

    def create_chat(
        self, owner: str, name: str, application_id: str | None, messages: list[dict[str, Any]]
    ) -> ChatRecord:
        """A new saved chat holding its first turn, written in one go."""
        now = time.time()
        chat = ChatRecord(
            new_id("chat"), owner, name, int(now), int(now), application_id, list(messages), now
        )
        self.save_chat(chat)
        return chat

    def append_turn(self, chat_id: str, messages: list[dict[str, Any]]) -> ChatRecord | None:
        """Add one turn's messages to a chat; None when the chat was deleted meanwhile."""
        with self.lock:
            chat = self.get_chat(chat_id)
            if chat is None:
                return None
            chat.messages.extend(messages)
            chat.touched = time.time()
            chat.update_time = max(chat.update_time, int(chat.touched))
            self.save_chat(chat)
            return chat

    def chats(self) -> Iterator[ChatRecord]:
        for path in sorted(self.chats_dir.glob("*.json")):
            chat = self.get_chat(path.stem)
            if chat is not None:
                yield chat

    def delete_chat(self, chat_id: str) -> bool:
        with self.lock:
            try:
                self._chat_path(chat_id).unlink()
            except (KeyError, FileNotFoundError):
                return False
            return True

    # -- files -----------------------------------------------------------------------------------

    def _file_paths(self, file_id: str) -> tuple[Path, Path]:
        if not valid_id(file_id):
            raise KeyError(file_id)
        return self.files_dir / f"{file_id}.json", self.files_dir / f"{file_id}.bin"

    def get_file(self, file_id: str) -> FileRecord | None:
        try:
            meta, _ = self._file_paths(file_id)
            raw = meta.read_bytes()
        except (KeyError, FileNotFoundError):
            return None
        return FileRecord(**json.loads(raw))

    def file_bytes(self, file_id: str) -> bytes | None:
        try:
            _, blob = self._file_paths(file_id)
            return blob.read_bytes()
        except (KeyError, FileNotFoundError):
            return None

    def put_file(self, record: FileRecord, content: bytes | None) -> None:
        meta, blob = self._file_paths(record.id)
        with self.lock:
            if content is not None:
                _write_atomic(blob, content)
            record.has_content = content is not None
            _write_atomic(meta, json.dumps(asdict(record), ensure_ascii=False).encode())

    def files(self) -> Iterator[FileRecord]:
        for path in sorted(self.files_dir.glob("*.json")):
            record = self.get_file(path.stem)
            if record is not None:
                yield record

    def delete_file(self, file_id: str) -> bool:
        with self.lock:
            try:
                meta, blob = self._file_paths(file_id)
                meta.unlink()
            except (KeyError, FileNotFoundError):
                return False
            blob.unlink(missing_ok=True)
            return True

    # -- feedback --------------------------------------------------------------------------------

    def add_feedback(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self.lock, self.feedback_path.open("a", encoding="utf-8") as handle:
            handle.write(line)

    def feedback(self) -> list[dict[str, Any]]:
        """Every feedback event received, oldest first (a line cut short by a crash is skipped)."""
        with self.lock:
            try:
                lines = self.feedback_path.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                return []
        out: list[dict[str, Any]] = []
        for line in lines:
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
        return out
