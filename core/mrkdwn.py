"""Slack mrkdwn: Markdown converted, text escaped, links built, long text split at Slack's limits."""

from __future__ import annotations

import re

__all__ = [
    "MARKDOWN_PART_MAX_CHARS",
    "SECTION_TEXT_MAX_CHARS",
    "escape_mrkdwn",
    "markdown_to_mrkdwn",
    "mrkdwn_link",
    "split_text",
    "unescape_mrkdwn",
]

SECTION_TEXT_MAX_CHARS = 3_000
"""Slack rejects a section block whose text is longer (invalid_blocks)."""
MARKDOWN_PART_MAX_CHARS = 10_000
"""A markdown block takes 12,000 characters, but a whole message fails near 13,200: keep room for Sources."""
_FENCE = "```"


# -- splitting -----------------------------------------------------------------------------------------
def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into parts of at most `limit` characters at paragraph, line or word boundaries.

    Nothing is dropped except whitespace at the cut; a code block cut in two is closed and reopened.
    """
    if limit < 2 * len(_FENCE) + 10:
        raise ValueError("limit too small")
    parts: list[str] = []
    rest = text.strip()
    reopen = ""
    while rest:
        rest = reopen + rest
        budget = limit - len(_FENCE) - 1  # room to close a code block
        if len(rest) <= limit:
            parts.append(rest)
            break
        cut = _cut_point(rest, budget)
        part = rest[:cut].rstrip()
        rest = rest[cut:].lstrip()
        reopen = ""
        if part.count(_FENCE) % 2 == 1:
            part += "\n" + _FENCE
            reopen = _FENCE + "\n"
        parts.append(part)
    return parts


def _cut_point(text: str, budget: int) -> int:
    window = text[:budget]
    for separator in ("\n\n", "\n", ". ", " "):
        index = window.rfind(separator)
        if index >= budget // 2:
            return index + len(separator)
    return budget


# -- Markdown -> mrkdwn --------------------------------------------------------------------------------
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_BOLD_MARK = "\x01"


def escape_mrkdwn(text: str) -> str:
    """Slack needs only these three escaped; anything else (like &quot;) would show literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_mrkdwn(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn_link(url: str, label: str) -> str:
    """`<url|label>` with the URL escaped exactly once (callers pass it raw or already escaped)."""
    # A '|' inside the URL would end it early.
    safe_url = escape_mrkdwn(unescape_mrkdwn(url)).replace("|", "%7C")
    return f"<{safe_url}|{label.replace('|', '¦')}>"


def _inline(text: str) -> str:
    pieces = text.split("`")
    for i in range(0, len(pieces), 2):  # even pieces are outside inline code
        piece = pieces[i]
        piece = _LINK.sub(lambda m: mrkdwn_link(m.group(2), m.group(1)), piece)
        piece = _BOLD.sub(lambda m: _BOLD_MARK + (m.group(1) or m.group(2)) + _BOLD_MARK, piece)
        piece = _ITALIC.sub(r"_\1_", piece)
        piece = _STRIKE.sub(r"~\1~", piece)
        pieces[i] = piece.replace(_BOLD_MARK, "*")
    return "`".join(pieces)


def markdown_to_mrkdwn(markdown: str) -> str:
    """Convert the Markdown Glean writes into Slack mrkdwn (for section blocks and ephemeral messages)."""
    out: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(_FENCE):
            in_code = not in_code
            out.append(_FENCE)  # Slack ignores a language tag after the fence; drop it
            continue
        escaped = escape_mrkdwn(line)
        if in_code:
            out.append(escaped)
            continue
        heading = _HEADING.match(escaped)
        if heading:
            out.append(f"*{_inline(heading.group(1)).strip('*')}*")
            continue
        escaped = _BULLET.sub(lambda m: f"{m.group(1)}• ", escaped)
        out.append(_inline(escaped))
    return "\n".join(out)
