"""Slack mrkdwn: Markdown converted, text escaped, links built, long text split at Slack's limits."""

from __future__ import annotations

import re

__all__ = [
    "MARKDOWN_PART_MAX_CHARS",
    "SECTION_TEXT_MAX_CHARS",
    "clip",
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
# Italic's text holds no '*', so every attempt stops at the next '*' (linear). Bold and strike run only up
# to their last possible closer, links are scanned by hand: before, 10,000 unclosed "**a " took 0.65 s.
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_BOLD_STARS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_BOLD_UNDERSCORES = re.compile(r"__(?=\S)(.+?)(?<=\S)__")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BOLD_MARK = "\x01"
_INLINE_MARKUP = re.compile(r"[*_~\]]")
_SPACE = re.compile(r"\s")


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


def _links(line: str) -> str:
    """`[label](url)` as a Slack link, in one pass over one line.

    Same matches as the regex `\\[([^\\]]+)\\]\\((\\S+?)\\)`: the leftmost '[' whose label (up to the next ']')
    is followed by '(' and a URL of non-spaces up to the first ')'. Every '[' before one ']' shares that ']'
    and its verdict, and a URL scan that failed at `dead_until` fails again for any later start before it.
    """
    out: list[str] = []
    pos = dead_until = 0
    while (opened := line.find("[", pos)) != -1:
        closed = line.find("]", opened + 1)
        if closed == -1:
            break
        url_at = closed + 2
        link_end = -1
        if (
            closed > opened + 1
            and line.startswith("(", closed + 1)
            and dead_until <= url_at < len(line)
            and not line[url_at].isspace()
        ):
            stop = _space_or_end(line, url_at + 1)
            link_end = line.find(")", url_at + 1, stop)
            dead_until = stop if link_end == -1 else dead_until
        if link_end == -1:
            out.append(line[pos : closed + 1])
            pos = closed + 1
            continue
        out.append(line[pos:opened])
        out.append(mrkdwn_link(line[url_at:link_end], line[opened + 1 : closed]))
        pos = link_end + 1
    out.append(line[pos:])
    return "".join(out)


def _space_or_end(line: str, start: int) -> int:
    space = _SPACE.search(line, start)  # \s is str.isspace(), as in the regex this scan replaces
    return space.start() if space else len(line)


def _pairs(line: str, pattern: re.Pattern[str], mark: str, wrap: str) -> str:
    """`pattern` (a lazy `mark ... mark` pair) re-wrapped in `wrap`, in time linear in the line.

    The lazy regex alone is quadratic when openers have no closer: each one scans to the end of the line.
    Past the last possible closer (a mark after a non-space) no opener can match, so the regex runs only up
    to it; before it every opener finds a closer, and each match consumes what it scanned.
    """
    end = line.rfind(mark)
    while end > 0 and line[end - 1].isspace():
        end = line.rfind(mark, 0, end)
    if end <= 0:
        return line
    cut = end + len(mark)
    return pattern.sub(lambda m: wrap + m.group(1) + wrap, line[:cut]) + line[cut:]


def _inline(text: str) -> str:
    if not _INLINE_MARKUP.search(text):
        return text  # most lines of an answer: nothing to convert, and no per-piece work
    pieces = text.split("`")
    for i in range(0, len(pieces), 2):  # even pieces are outside inline code
        piece = _links(pieces[i]) if "](" in pieces[i] else pieces[i]
        piece = _pairs(piece, _BOLD_STARS, "**", _BOLD_MARK)
        # __bold__ only outside **bold**: "**a __b__**" keeps its underscores, as the single regex did.
        if "__" in piece:
            outside = piece.split(_BOLD_MARK)
            outside[::2] = [_pairs(o, _BOLD_UNDERSCORES, "__", _BOLD_MARK) for o in outside[::2]]
            piece = _BOLD_MARK.join(outside)
        piece = _ITALIC.sub(r"_\1_", piece) if "*" in piece else piece
        piece = _pairs(piece, _STRIKE, "~~", "~")
        pieces[i] = piece.replace(_BOLD_MARK, "*")
    return "`".join(pieces)


def markdown_to_mrkdwn(markdown: str) -> str:
    """Convert the Markdown Glean writes into Slack mrkdwn (for section blocks and ephemeral messages)."""
    out: list[str] = []
    in_code = False
    # Escaping never touches a newline, a space or a backtick, so it is done once, not once per line; the
    # cheap tests before each regex keep 100,000 short lines well under 50 ms.
    for line in escape_mrkdwn(markdown).split("\n"):
        if "`" in line and line.lstrip().startswith(_FENCE):
            in_code = not in_code
            out.append(_FENCE)  # Slack ignores a language tag after the fence; drop it
            continue
        if in_code or not line:
            out.append(line)
            continue
        heading = _HEADING.match(line) if "#" in line else None
        if heading:
            out.append(f"*{_inline(heading.group(1)).strip('*')}*")
            continue
        if line[0] in "-*+" or line[0].isspace():
            line = _BULLET.sub(lambda m: f"{m.group(1)}• ", line)
        out.append(_inline(line))
    return "\n".join(out)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending with "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
