"""Chat file upload, lookup and deletion shapes, and the `File` a caller uploads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from ._base import GleanModel
from ._documents import ChatFile


@dataclass
class File:
    """A file to upload: `File(file_name="a.pdf", content=b"..." or open(path, "rb"), content_type=...)`."""

    file_name: str
    content: bytes | IO[bytes]
    content_type: str | None = None


class UploadChatFilesResponse(GleanModel):
    files: list[ChatFile] | None = None


class GetChatFilesRequest(GleanModel):
    file_ids: list[str]


class GetChatFilesResponse(GleanModel):
    # A map keyed by file id, not a list.
    files: dict[str, ChatFile] | None = None


class DeleteChatFilesRequest(GleanModel):
    file_ids: list[str]
