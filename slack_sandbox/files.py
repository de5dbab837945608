"""The file host: stores uploaded bytes, builds Slack file objects and serves `url_private` downloads.

Like files.slack.com, a download needs `Authorization: Bearer <bot token>` from an app holding `files:read`;
anything else gets a 200 HTML sign-in page, which is the trap a bot must detect by Content-Type.
"""

from __future__ import annotations

import copy
import mimetypes
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from .config import SandboxConfig

JsonDict = dict[str, Any]

LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Slack</title></head><body>"
    b"<h1>Sign in to Sandbox</h1><p>Enter your workspace's Slack URL.</p>"
    b'<form action="/signin" method="post"><input name="domain"></form></body></html>'
)

# Slack's `filetype` values for the usual suspects (the extension otherwise).
_FILETYPES = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/csv": "csv",
    "text/html": "html",
    "application/pdf": "pdf",
    "application/json": "json",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}


@dataclass
class StoredFile:
    data: JsonDict
    content: bytes


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class FileStore:
    """Files by id; `base_url` is the sandbox's file host root ("http://127.0.0.1:PORT/files/")."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._files: dict[str, StoredFile] = {}
        self.base_url = ""
        self.web_url = ""

    def add(
        self,
        *,
        file_id: str,
        user: str,
        name: str,
        content: bytes,
        mimetype: str | None,
        title: str | None,
    ) -> JsonDict:
        """Store bytes and return the Slack file object (a copy)."""
        mimetype = mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "binary"
        filetype = _FILETYPES.get(mimetype, extension)
        now = int(time.time())
        path = f"files-pri/{self._config.team_id}-{file_id}"
        quoted = quote(name)
        data: JsonDict = {
            "id": file_id,
            "created": now,
            "timestamp": now,
            "name": name,
            "title": title or name,
            "mimetype": mimetype,
            "filetype": filetype,
            "pretty_type": filetype.upper(),
            "user": user,
            "user_team": self._config.team_id,
            "editable": False,
            "size": len(content),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{self.base_url}{path}/{quoted}",
            "url_private_download": f"{self.base_url}{path}/download/{quoted}",
            "permalink": f"{self.web_url}files/{user}/{file_id}/{quoted}",
            "permalink_public": f"{self.web_url}{self._config.team_id}-{file_id}-public",
            "has_rich_preview": False,
            "file_access": "visible",
            "channels": [],
            "groups": [],
            "ims": [],
        }
        with self._lock:
            self._files[file_id] = StoredFile(data=data, content=content)
            return copy.deepcopy(data)

    def get(self, file_id: str) -> JsonDict | None:
        with self._lock:
            stored = self._files.get(file_id)
            return copy.deepcopy(stored.data) if stored else None

    def content(self, file_id: str) -> bytes | None:
        with self._lock:
            stored = self._files.get(file_id)
            return stored.content if stored else None

    def share(self, file_id: str, channel_id: str, channel_kind: str) -> JsonDict:
        """Record that a file was shared in a conversation (channels/groups/ims lists) and return it."""
        key = {"channel": "channels", "group": "groups", "im": "ims", "mpim": "groups"}[channel_kind]
        with self._lock:
            stored = self._files[file_id]
            if channel_id not in stored.data[key]:
                stored.data[key].append(channel_id)
            return copy.deepcopy(stored.data)

    def serve(self, path: str, authorization: str | None) -> HttpAnswer:
        """Answer GET `<files_url><path>` as files.slack.com would."""
        parts = path.strip("/").split("/")
        # files-pri/<team>-<file id>/<name>  or  files-pri/<team>-<file id>/download/<name>
        if len(parts) < 3 or parts[0] != "files-pri" or "-" not in parts[1]:
            return HttpAnswer(404, "text/plain; charset=utf-8", b"not found")
        team_id, _, file_id = parts[1].partition("-")
        header = authorization or ""
        authorized = (
            header.startswith("Bearer ")
            and header.removeprefix("Bearer ").strip() == self._config.bot_token
            and "files:read" in self._config.bot_scopes
        )
        if not authorized:
            return HttpAnswer(200, "text/html; charset=utf-8", LOGIN_PAGE)
        with self._lock:
            stored = self._files.get(file_id)
        if stored is None or team_id != self._config.team_id or unquote(parts[-1]) != stored.data["name"]:
            return HttpAnswer(404, "text/plain; charset=utf-8", b"file not found")
        headers: tuple[tuple[str, str], ...] = ()
        if parts[2] == "download":
            headers = (("Content-Disposition", f"attachment; filename*=UTF-8''{quote(stored.data['name'])}"),)
        return HttpAnswer(200, str(stored.data["mimetype"]), stored.content, headers)
