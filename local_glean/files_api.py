"""Chat files (`uploadchatfiles`, `getchatfiles`, `deletechatfiles`, `GET chat-files/{id}`) and `/docs/...`."""

from __future__ import annotations

import logging
import re
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from glean_chat.models import DeleteChatFilesRequest, GetChatFilesRequest

from .auth import Identity
from .extract import Extracted, ExtractionError, extract, mime_type_for
from .multipart import MultipartError, Part, boundary_of, parse
from .service import Service, now_s
from .store import FileRecord, new_id
from .wire import ApiError, Request, Response, empty_response, json_response, parse_model

log = logging.getLogger(__name__)

FILE_FIELDS = ("files", "files[]")  # the SDK strips "[]", other clients keep it
MAX_NAME_CHARS = 255
DOC_CONTENT_TYPES = {
    "text/markdown": "text/plain; charset=utf-8",  # browsers show text/plain inline; markdown downloads
    "text/plain": "text/plain; charset=utf-8",
    "text/html": "text/html; charset=utf-8",
    "application/pdf": "application/pdf",
}


def _clean_name(raw: str | None) -> str:
    name = PurePosixPath((raw or "").replace("\\", "/")).name  # never a path from the client
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    if not name or name in {".", ".."}:
        raise ApiError(400, "Every uploaded file needs a file name (the filename of its multipart part).")
    return name[:MAX_NAME_CHARS]


def _process(service: Service, part: Part, who: Identity) -> FileRecord:
    """Store one uploaded file: PROCESSED and indexed, or FAILED with Glean's failureReason."""
    name = _clean_name(part.filename)
    declared = (part.content_type or "").split(";")[0].strip().lower()
    mime = mime_type_for(name) or declared or "application/octet-stream"
    record = FileRecord(new_id("file"), who.email, name, mime, now_s(), len(part.data), "PROCESSED")
    extracted: Extracted | None = None
    if not part.data:
        record.failure_reason = "FILE_TOO_SMALL"
    elif len(part.data) > service.config.max_upload_bytes:
        record.failure_reason = "FILE_TOO_LARGE"
    elif mime_type_for(name) is None:
        record.failure_reason = "FILE_EXTENSION_UNSUPPORTED"
    else:
        try:
            extracted = extract(name, part.data)
        except ExtractionError as exc:
            record.failure_reason = exc.reason
    if extracted is None:
        record.status = "FAILED"
        service.store.put_file(record, None)
        return record
    service.store.put_file(record, part.data)
    try:
        service.index.add_upload(record.id, extracted, record.size)
    except Exception:
        service.store.delete_file(record.id)  # no stored file that retrieval cannot see
        raise
    return record


def handle_upload(service: Service, request: Request, who: Identity) -> Response:
    if request.content_type != "multipart/form-data":
        raise ApiError(
            415, "uploadchatfiles expects a multipart/form-data body with one 'files' part per file."
        )
    try:
        parts = parse(request.body, boundary_of(request.headers.get("content-type", "")))
    except MultipartError as exc:
        raise ApiError(400, f"Malformed multipart body: {exc}.") from exc
    files = [p for p in parts if p.name in FILE_FIELDS]
    if not files:
        raise ApiError(400, "No files in the upload: send each file as a multipart part named 'files'.")
    if len(files) > service.config.max_files_per_upload:
        raise ApiError(400, f"Too many files in one upload (at most {service.config.max_files_per_upload}).")
    for part in files:
        _clean_name(part.filename)  # reject a nameless part before storing any of the others
    records = [_process(service, part, who) for part in files]
    return json_response({"files": [service.chat_file(r) for r in records]})


def _file_ids(ids: list[str]) -> list[str]:
    if not ids:
        raise ApiError(400, "fileIds must list at least one file id.")
    return list(dict.fromkeys(ids))


def handle_getchatfiles(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, GetChatFilesRequest)
    records = [service.owned_file(f, who) for f in _file_ids(body.file_ids)]
    return json_response({"files": {r.id: service.chat_file(r) for r in records}})


def handle_deletechatfiles(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, DeleteChatFilesRequest)
    records = [service.owned_file(f, who) for f in _file_ids(body.file_ids)]  # all checked, then deleted
    for record in records:
        service.index.remove_upload(record.id)
        service.store.delete_file(record.id)
    return empty_response()


def _disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def handle_download(service: Service, request: Request, who: Identity, file_id: str) -> Response:
    record = service.owned_file(file_id, who)
    data = service.store.file_bytes(record.id) if record.has_content else None
    if data is None:
        raise ApiError(404, f"File {file_id!r} has no content: its upload failed ({record.failure_reason}).")
    inline = request.query.get("preview", "").lower() == "true" and record.mime_type == "application/pdf"
    headers = {"Content-Disposition": _disposition("inline" if inline else "attachment", record.name)}
    # The spec's type, and the only one the official SDK's retrieve_file accepts.
    return Response(200, data, "application/octet-stream", headers)


def handle_doc(service: Service, request: Request, rel_path: str) -> Response:
    """A docs-folder document, for the Source links in answers (no token: browsers follow these)."""
    root = service.config.docs_dir.resolve()
    target = (root / unquote(rel_path)).resolve()
    mime = mime_type_for(target.name)
    if not target.is_relative_to(root) or mime is None or not target.is_file() or _hidden(target, root):
        raise ApiError(404, f"No such document: {rel_path!r}.")
    headers = {"X-Content-Type-Options": "nosniff"}
    if mime == "text/html":
        headers["Content-Security-Policy"] = "sandbox"  # a doc page runs no script on the API's origin
    return Response(200, target.read_bytes(), DOC_CONTENT_TYPES[mime], headers)


def _hidden(target: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in target.relative_to(root).parts)


def handle_home(service: Service, request: Request) -> Response:
    docs = service.index.doc_sources()
    lines = [
        "local_glean: a local stand-in for Glean's Chat API (not Glean).",
        f"API base: {service.base_url}/rest/api/v1/",
        f"Docs folder: {service.config.docs_dir} ({len(docs)} documents)",
        "",
        *(f"  {s.title}: {service.doc_url(s.key.split(':', 1)[1])}" for s in docs),
    ]
    return Response(200, ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8")
