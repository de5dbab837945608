"""The running server's shared state (config, store, index, faults, applications) and ownership checks."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .auth import Identity
from .config import Application, LocalGleanConfig, load_applications
from .extract import ExtractionError, extract
from .faults import Faults
from .index import DOC_PREFIX, Index
from .semantic import release
from .store import ChatRecord, FileRecord, Store, valid_id
from .wire import ApiError

log = logging.getLogger(__name__)


def person(email: str) -> dict[str, Any]:
    """A Glean `Person` for a user: a display name and a stable opaque id."""
    return {"name": email.split("@")[0], "obfuscatedId": hashlib.sha256(email.encode()).hexdigest()[:16]}


class Service:
    def __init__(self, config: LocalGleanConfig) -> None:
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.applications: dict[str, Application] = load_applications(config.applications_file)
        self.store = Store(config.data_dir)
        self.index = Index(config.data_dir / "index.sqlite3", config.docs_dir)
        self.faults = Faults()
        self.base_url = config.public_url or f"http://{config.host}:{config.port}"
        self._sync_lock = threading.Lock()
        self._sync_uploads()
        self.index.sync_docs()

    def close(self) -> None:
        release(self.index)
        self.index.close()

    def set_base_url(self, url: str) -> None:
        if not self.config.public_url:
            self.base_url = url

    # -- index upkeep ----------------------------------------------------------------------------

    def refresh_docs(self) -> None:
        """Pick up changes in the docs folder (called before each retrieval)."""
        with self._sync_lock:
            self.index.sync_docs()

    def _sync_uploads(self) -> None:
        """Make the index's uploads match the store (after a restart, or a crash between the two)."""
        stored = {f.id: f for f in self.store.files() if f.has_content and f.status == "PROCESSED"}
        indexed = self.index.upload_ids()
        for file_id in indexed - stored.keys():
            self.index.remove_upload(file_id)
        for file_id in stored.keys() - indexed:
            record, data = stored[file_id], self.store.file_bytes(file_id)
            try:
                if data is not None:
                    self.index.add_upload(file_id, extract(record.name, data), record.size)
            except ExtractionError as exc:
                log.warning("stored upload %s can no longer be read: %s", file_id, exc)

    # -- URLs and wire shapes --------------------------------------------------------------------

    def doc_url(self, rel_path: str) -> str:
        return f"{self.base_url}/docs/{quote(rel_path)}"

    def file_url(self, file_id: str) -> str:
        return f"{self.base_url}/rest/api/v1/chat-files/{file_id}"

    def chat_file(self, record: FileRecord) -> dict[str, Any]:
        """The Glean `ChatFile` for a stored upload."""
        metadata: dict[str, Any] = {
            "status": record.status,
            "uploadTime": record.upload_time,
            "processedSize": record.size if record.status == "PROCESSED" else 0,
            "mimeType": record.mime_type,
        }
        if record.failure_reason:
            metadata["failureReason"] = record.failure_reason
        return {"id": record.id, "url": self.file_url(record.id), "name": record.name, "metadata": metadata}

    def chat_metadata(self, chat: ChatRecord) -> dict[str, Any]:
        """The Glean `ChatMetadata` for a saved chat."""
        meta: dict[str, Any] = {
            "id": chat.id,
            "createTime": chat.create_time,
            "updateTime": chat.update_time,
            "name": chat.name,
            "createdBy": person(chat.owner),
        }
        app = self.applications.get(chat.application_id or "")
        if app is not None and chat.application_id:
            meta["applicationId"] = app.id
            meta["applicationName"] = app.name
        return meta

    def doc_title(self, rel_path: str) -> str:
        info = self.index.source(DOC_PREFIX + rel_path)
        return info.title if info else Path(rel_path).name

    # -- ownership -------------------------------------------------------------------------------

    def owned_chat(self, chat_id: str, who: Identity, typed_403: bool = False) -> ChatRecord:
        """The chat, if `who` owns it: 404 when it does not exist, 403 when it is someone else's.

        `typed_403`: answer 403 with Glean's AccessRequestPermissionDeniedResponse JSON (getchat's
        declared error body) instead of a plain-text reason.
        """
        chat = self.store.get_chat(chat_id) if valid_id(chat_id) else None
        if chat is None:
            raise ApiError(404, f"Chat not found: {chat_id!r}.")
        if chat.owner != who.email:
            denied = {
                "errorType": "PERMISSION_DENIED",
                "createdBy": person(chat.owner),
                "requestableRoles": [],
                "hasPendingRequest": False,
            }
            raise ApiError(403, "This chat belongs to another user.", json_body=denied if typed_403 else None)
        return chat

    def owned_file(self, file_id: str, who: Identity) -> FileRecord:
        """The uploaded file, if `who` uploaded it: 404 when unknown, 403 when someone else's."""
        record = self.store.get_file(file_id) if valid_id(file_id) else None
        if record is None:
            raise ApiError(404, f"File not found: {file_id!r}.")
        if record.owner != who.email:
            raise ApiError(403, f"File {file_id!r} belongs to another user.")
        return record

    def application(self, application_id: str | None) -> Application:
        app = self.applications.get(application_id or "default")
        if app is None:
            raise ApiError(404, f"Unknown chat application: {application_id!r}.")
        return app


def now_s() -> int:
    return int(time.time())
