"""Turns a document's bytes into a title and paragraph-sized passages (each format is read by `formats`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from .formats import (
    SUPPORTED_TYPES,
    Block,
    ExtractionError,
    decode,
    default_title,
    html_blocks,
    markdown_blocks,
    mime_type_for,
    pdf_blocks,
    text_blocks,
)

__all__ = [
    "SUPPORTED_TYPES",
    "Extracted",
    "ExtractionError",
    "Passage",
    "default_title",
    "extract",
    "mime_type_for",
]


MIN_PASSAGE_WORDS = 12  # shorter paragraphs are merged with the next one in the same section
MAX_PASSAGE_WORDS = 160  # longer ones are split at sentence boundaries

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Passage:
    heading: str  # the section heading the passage sits under ("" before the first heading)
    text: str


@dataclass(frozen=True)
class Extracted:
    title: str
    mime_type: str
    passages: tuple[Passage, ...]

    @property
    def headings(self) -> list[str]:
        seen: list[str] = []
        for passage in self.passages:
            if passage.heading and passage.heading not in seen:
                seen.append(passage.heading)
        return seen


def extract(name: str, data: bytes) -> Extracted:
    """Title and passages of `data`, read according to the extension of `name`.

    Raises ExtractionError for an unsupported extension, unreadable bytes, or a document without text.
    """
    mime = mime_type_for(name)
    if mime is None:
        raise ExtractionError(
            "FILE_EXTENSION_UNSUPPORTED", f"unsupported file type: {PurePath(name).suffix!r}"
        )
    if mime == "application/pdf":
        title, blocks = pdf_blocks(data)
    elif mime == "text/html":
        title, blocks = html_blocks(decode(data))
    elif mime == "text/markdown":
        title, blocks = markdown_blocks(decode(data))
    else:
        title, blocks = text_blocks(decode(data))
    passages = _passages(blocks)
    if not passages:
        # Only a title and headings (a one-line note, say): they are the text.
        lines = [text for text in [title, *(t for _, t in blocks)] if text.strip()]
        passages = [Passage(heading="", text="\n".join(lines))] if lines else []
    if not passages:
        raise ExtractionError("EMPTY_CONTENT", "the document contains no readable text")
    return Extracted(title=title or default_title(name), mime_type=mime, passages=tuple(passages))


def _passages(blocks: list[Block]) -> list[Passage]:
    """Group body blocks under their heading into passages of about a paragraph each."""
    passages: list[Passage] = []
    heading = ""
    pending: list[str] = []

    def emit() -> None:
        if pending:
            for piece in _split_long("\n\n".join(pending)):
                passages.append(Passage(heading=heading, text=piece))
            pending.clear()

    for level, text in blocks:
        if level:
            emit()
            heading = text
            continue
        pending.append(text)
        if sum(len(p.split()) for p in pending) >= MIN_PASSAGE_WORDS:
            emit()
    emit()
    return passages


def _split_long(text: str) -> list[str]:
    if len(text.split()) <= MAX_PASSAGE_WORDS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        current.append(sentence)
        if sum(len(s.split()) for s in current) >= MAX_PASSAGE_WORDS // 2:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    return pieces
