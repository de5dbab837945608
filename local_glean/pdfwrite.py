"""A tiny text-only PDF writer: builds the sample PDF doc and PDF uploads for tests, no extra dependency.

The output is a plain PDF 1.4 file using the standard Helvetica fonts (no embedding), one text object per
page, lines wrapped to the page width. It is deliberately simple: enough for `pypdf` (and any viewer) to
read the text back, which is all local_glean needs.

Regenerate the shipped sample with `python -m local_glean.pdfwrite`.
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

PAGE_WIDTH_PT = 612  # US Letter
PAGE_HEIGHT_PT = 792
MARGIN_PT = 72
BODY_SIZE_PT = 11
HEADING_SIZE_PT = 14
LINE_GAP_PT = 4
WRAP_CHARS = 90  # Helvetica 11pt averages ~5.3pt per character; 468pt of text width fits ~88


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph of the document."""

    text: str
    heading: bool = False


def _escape(text: str) -> str:
    # PDF literal strings: backslash and parentheses must be escaped; stay in Latin-1 for the base fonts.
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _layout(title: str, blocks: list[Block]) -> list[list[tuple[str, int]]]:
    """Lines per page, each line as (text, font size); an empty text is a blank line."""
    lines: list[tuple[str, int]] = [(title, HEADING_SIZE_PT + 4), ("", BODY_SIZE_PT)]
    for block in blocks:
        if block.heading:
            lines += [(block.text, HEADING_SIZE_PT), ("", BODY_SIZE_PT)]
        else:
            lines += [(part, BODY_SIZE_PT) for part in textwrap.wrap(block.text, WRAP_CHARS)]
            lines.append(("", BODY_SIZE_PT))
    pages: list[list[tuple[str, int]]] = [[]]
    used = 0
    usable = PAGE_HEIGHT_PT - 2 * MARGIN_PT
    for text, size in lines:
        step = size + LINE_GAP_PT
        if used + step > usable:
            pages.append([])
            used = 0
        pages[-1].append((text, size))
        used += step
    return pages


def _content_stream(page: list[tuple[str, int]]) -> bytes:
    out = ["BT", f"{MARGIN_PT} {PAGE_HEIGHT_PT - MARGIN_PT} Td"]
    for text, size in page:
        font = "/F2" if size > BODY_SIZE_PT else "/F1"
        out.append(f"{font} {size} Tf")
        out.append(f"0 -{size + LINE_GAP_PT} Td")
        if text:
            out.append(f"({_escape(text)}) Tj")
    out.append("ET")
    return "\n".join(out).encode("latin-1")


def render(title: str, blocks: list[Block]) -> bytes:
    """The bytes of a PDF with `title` (also set as the document Title) and the given blocks."""
    pages = _layout(title, blocks)
    objects: list[bytes] = []  # object n is objects[n - 1]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # pages tree, filled once page object numbers are known
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    objects.append(f"<< /Title ({_escape(title)}) /Producer (local_glean.pdfwrite) >>".encode("latin-1"))
    kids: list[int] = []
    for page in pages:
        stream = _content_stream(page)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_no = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
            % (PAGE_WIDTH_PT, PAGE_HEIGHT_PT, content_no)
        )
        kids.append(len(objects))
    kid_refs = " ".join(f"{k} 0 R" for k in kids)
    objects[1] = f"<< /Type /Pages /Kids [{kid_refs}] /Count {len(kids)} >>".encode("latin-1")

    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref_at = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        body += b"%010d 00000 n \n" % offset
    body += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(body)


def from_markdown(markdown: str) -> tuple[str, list[Block]]:
    """Title and blocks from a small Markdown subset (`#`/`##` headings, paragraphs, `-` bullets)."""
    title = "Untitled"
    blocks: list[Block] = []
    for chunk in markdown.strip().split("\n\n"):
        chunk = chunk.strip()
        if chunk.startswith("# "):
            title = chunk[2:].strip()
        elif chunk.startswith("#"):
            blocks.append(Block(chunk.lstrip("#").strip(), heading=True))
        else:
            for line in chunk.splitlines() if chunk.startswith("- ") else [" ".join(chunk.split())]:
                blocks.append(Block(line.strip()))
    return title, blocks


def main(argv: list[str] | None = None) -> int:
    """Render a Markdown source to PDF: `python -m local_glean.pdfwrite [SRC.md DEST.pdf]`."""
    args = sys.argv[1:] if argv is None else argv
    here = Path(__file__).parent
    src = Path(args[0]) if args else here / "sample_sources" / "travel-policy.md"
    dest = Path(args[1]) if len(args) > 1 else here / "sample_docs" / "travel-policy.pdf"
    title, blocks = from_markdown(src.read_text(encoding="utf-8"))
    dest.write_bytes(render(title, blocks))
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
