"""A strict, small multipart/form-data parser (the stdlib's `cgi` is gone; `email` mangles binary parts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


class MultipartError(ValueError):
    pass


def boundary_of(content_type_header: str) -> str:
    message = Message()
    message["content-type"] = content_type_header
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary or len(boundary) > 200:
        raise MultipartError("multipart/form-data without a valid boundary")
    return boundary


def _disposition(value: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, raw in _PARAM.findall(";" + value.split(";", 1)[1] if ";" in value else ""):
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[key.lower()] = raw
    return params


def parse(body: bytes, boundary: str) -> list[Part]:
    """The parts of a multipart body; MultipartError if it is not well-formed."""
    delimiter = b"--" + boundary.encode("latin-1")
    if not body.startswith(delimiter):
        start = body.find(b"\r\n" + delimiter)
        if start < 0:
            raise MultipartError("multipart body does not contain its boundary")
        body = body[start + 2 :]
    pieces = body.split(b"\r\n" + delimiter)
    first = pieces[0][len(delimiter) :]
    pieces[0] = first
    parts: list[Part] = []
    closed = False
    for piece in pieces:
        if piece.startswith(b"--"):
            closed = True
            break
        if not piece.startswith(b"\r\n"):
            raise MultipartError("malformed multipart boundary line")
        head, sep, data = piece[2:].partition(b"\r\n\r\n")
        if not sep:
            raise MultipartError("multipart part without a blank line after its headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            key, colon, value = line.partition(":")
            if colon:
                headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        if not disposition.lower().startswith("form-data"):
            raise MultipartError("multipart part without Content-Disposition: form-data")
        params = _disposition(disposition)
        if "name" not in params:
            raise MultipartError("multipart part without a field name")
        parts.append(Part(params["name"], params.get("filename"), headers.get("content-type"), data))
    if not closed:
        raise MultipartError("multipart body is truncated (no closing boundary)")
    return parts
