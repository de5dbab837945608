"""Reading each document format local_glean supports (Markdown, plain text, HTML, PDF) into heading and text blocks."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import PurePath

__all__ = [
    "SUPPORTED_TYPES",
    "Block",
    "ExtractionError",
    "decode",
    "default_title",
    "html_blocks",
    "markdown_blocks",
    "mime_type_for",
    "pdf_blocks",
    "text_blocks",
]

# Extension -> MIME type of every format local_glean can read. Anything else is unsupported.
SUPPORTED_TYPES: dict[str, str] = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


class ExtractionError(Exception):
    """The bytes could not be read as the document type they claim to be.

    `reason` is the ChatFileFailureReason an upload reports (`PARSE_FAILED`, `EMPTY_CONTENT`, ...).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# A parsed document before passages are formed: (heading level or 0, text). Level 0 is body text.
Block = tuple[int, str]


def mime_type_for(name: str) -> str | None:
    """The MIME type for a file name, or None when local_glean cannot read that type."""
    return SUPPORTED_TYPES.get(PurePath(name).suffix.lower())


def default_title(name: str) -> str:
    stem = PurePath(name).stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or name


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        # Text files do not contain NUL bytes; this is a binary file with a text extension.
        raise ExtractionError("PARSE_FAILED", "the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _clean_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    return " ".join(text.split())


def markdown_blocks(text: str) -> tuple[str, list[Block]]:
    title = ""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    in_code = False

    def flush() -> None:
        if paragraph:
            blocks.append((0, _clean_inline(" ".join(paragraph))))
            paragraph.clear()
        if items:
            blocks.append((0, "\n".join(_clean_inline(item) for item in items)))
            items.clear()

    for line in text.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            flush()
            continue
        if in_code:
            paragraph.append(line)
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            level, heading_text = len(heading.group(1)), _clean_inline(heading.group(2))
            if level == 1 and not title:
                title = heading_text
            else:
                blocks.append((level, heading_text))
        elif not line.strip():
            flush()
        elif _MD_LIST_ITEM.match(line):
            if paragraph:
                flush()
            # Keep "1." numbering; bullets become "-" whatever the source used.
            items.append(re.sub(r"^\s*[*+]\s", "- ", line.strip()))
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # continuation of the previous list item
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return title, blocks


def text_blocks(text: str) -> tuple[str, list[Block]]:
    """Plain text (and PDF text): paragraphs split at blank lines; short unpunctuated lines are headings."""
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if c.strip()]
    title = ""
    blocks: list[Block] = []
    for index, chunk in enumerate(chunks):
        lines = [" ".join(line.split()) for line in chunk.splitlines() if line.strip()]
        first = lines[0]
        looks_like_heading = len(lines) == 1 and len(first) <= 70 and not first.endswith((".", ",", ";"))
        if index == 0 and looks_like_heading:
            title = first
        elif looks_like_heading:
            blocks.append((2, first.capitalize() if first.isupper() else first))
        elif len(lines) > 1 and len(first) <= 70 and first.isupper():
            # "HOURS" directly followed by its paragraph, without a blank line in between.
            blocks.append((2, first.capitalize()))
            blocks.append((0, " ".join(lines[1:])))
        elif all(_MD_LIST_ITEM.match(line) for line in lines):
            blocks.append((0, "\n".join("- " + _MD_LIST_ITEM.sub("", line, count=1) for line in lines)))
        else:
            blocks.append((0, " ".join(lines)))
    return title, blocks


class _HtmlText(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
    _BLOCK = frozenset(
        {"p", "div", "section", "article", "br", "tr", "table", "ul", "ol", "blockquote", "pre", "dd", "dt"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.blocks: list[Block] = []
        self._buffer: list[str] = []
        self._level = 0  # heading level being read, 0 for body text
        self._skip_depth = 0
        self._in_title = False
        self._in_item = False

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer.clear()
        if not text:
            return
        if self._level == 1 and not self.title:
            self.title = text
        elif self._level:
            self.blocks.append((self._level, text))
        elif self._in_item:
            text = "- " + text
            if self.blocks and self.blocks[-1][0] == 0 and self.blocks[-1][1].startswith("- "):
                self.blocks[-1] = (0, self.blocks[-1][1] + "\n" + text)
            else:
                self.blocks.append((0, text))
        else:
            self.blocks.append((0, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._level = int(tag[1])
        elif tag == "li":
            self._flush()
            self._in_item = True
        elif tag in self._BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._level = 0
        elif tag == "li":
            self._flush()
            self._in_item = False
        elif tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._in_title:
            self.title = (self.title + " " + data).strip()
            return
        self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(text: str) -> tuple[str, list[Block]]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    title = " ".join(parser.title.split())
    # An <h1> repeating the <title> is not a section of its own.
    blocks = [b for b in parser.blocks if not (b[0] == 1 and b[1] == title)]
    return title, blocks


def pdf_blocks(data: bytes) -> tuple[str, list[Block]]:
    from pypdf import PdfReader  # imported here: only PDFs pay for it
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF"):
        raise ExtractionError("PARSE_FAILED", "not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(data))
        pages: list[str] = []
        for page in reader.pages:
            try:
                # Layout mode keeps the blank lines between paragraphs, which plain mode drops.
                pages.append(page.extract_text(extraction_mode="layout"))
            except Exception:  # layout mode fails on some odd fonts; plain mode still gives the words
                pages.append(page.extract_text())
        metadata = reader.metadata
        meta_title = str(metadata.get("/Title") or "").strip() if metadata is not None else ""
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError("PARSE_FAILED", f"the PDF could not be read: {exc}") from exc
    title, blocks = text_blocks("\n\n".join(pages))
    if meta_title:
        if title and title != meta_title:
            blocks.insert(0, (0, title))
        title = meta_title
    return title, blocks
