"""Slack rendering: Markdown to mrkdwn, the Sources list, splitting at Slack's limits, answer blocks and buttons."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FEEDBACK_ACTION_ID",
    "SHARE_ACTION_ID",
    "START_OVER_ACTION_ID",
    "SlackMessage",
    "Source",
    "StartOver",
    "markdown_to_mrkdwn",
    "notice_message",
    "private_answer_messages",
    "public_answer_messages",
    "slack_to_plain",
    "sources_markdown",
    "split_text",
]

SECTION_TEXT_MAX_CHARS = 3_000
"""Slack rejects a section block whose text is longer (invalid_blocks)."""
MARKDOWN_PART_MAX_CHARS = 10_000
"""A markdown block takes 12,000 characters, but a whole message fails near 13,200: keep room for Sources."""
MESSAGE_MARKDOWN_MAX_CHARS = 11_500
"""Body plus Sources allowed in one message before the Sources move to a message of their own."""
BLOCKS_PER_MESSAGE_MAX = 45
"""Slack allows 50 blocks; keep a few for Sources and buttons."""
PREVIEW_MAX_CHARS = 300
"""The `text` fallback (notifications, screen readers); the full answer is in the blocks."""
FEEDBACK_ACTION_ID = "gleanbot_feedback"
SHARE_ACTION_ID = "gleanbot_share"
START_OVER_ACTION_ID = "gleanbot_start_over"
_FENCE = "```"


@dataclass(frozen=True)
class Source:
    """A cited document, numbered as the `[n]` markers in the answer."""

    number: int
    title: str
    url: str | None


@dataclass(frozen=True)
class StartOver:
    """The "Start over" button of an answer: the thread whose chat it deletes, and whose chat that is."""

    thread_ts: str
    user_id: str

    @property
    def value(self) -> str:
        return f"{self.thread_ts}|{self.user_id}"

    @classmethod
    def parse(cls, value: str) -> StartOver | None:
        thread_ts, _, user_id = (value or "").partition("|")
        return cls(thread_ts, user_id) if thread_ts and user_id else None


@dataclass(frozen=True)
class SlackMessage:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


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
_MARKER = re.compile(r"(?<!\[)\[(\d{1,3})\](?![(\]])")


def escape_mrkdwn(text: str) -> str:
    """Slack needs only these three escaped; anything else (like &quot;) would show literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _link(url: str, label: str) -> str:
    """`<url|label>` with the URL escaped exactly once (callers pass it raw or already escaped)."""
    # A '|' inside the URL would end it early.
    safe_url = escape_mrkdwn(_unescape(url)).replace("|", "%7C")
    return f"<{safe_url}|{label.replace('|', '¦')}>"


def _inline(text: str) -> str:
    pieces = text.split("`")
    for i in range(0, len(pieces), 2):  # even pieces are outside inline code
        piece = pieces[i]
        piece = _LINK.sub(lambda m: _link(m.group(2), m.group(1)), piece)
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


# -- Slack text -> plain question ----------------------------------------------------------------------
_ANGLE = re.compile(r"<([^<>]+)>")


def slack_to_plain(text: str, bot_user_id: str | None = None) -> str:
    """The question as a person reads it: the bot's mention removed, links and mentions spelled out."""

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            return f"@{label or target[1:].split('^')[0]}"
        if label and label != target:
            return f"{label} ({target})"
        return target

    plain = _ANGLE.sub(replace, text)
    plain = _unescape(plain)
    return re.sub(r"[ \t]+", " ", plain).strip()


# -- Sources -------------------------------------------------------------------------------------------
def sources_markdown(sources: Sequence[Source]) -> str:
    lines = ["**Sources**"]
    for s in sources:
        title = s.title.replace("[", "(").replace("]", ")") or "Untitled"
        lines.append(f"{s.number}. [{title}]({s.url})" if s.url else f"{s.number}. {title}")
    return "\n".join(lines)


def _sources_mrkdwn(sources: Sequence[Source]) -> str:
    lines = ["*Sources*"]
    for s in sources:
        title = escape_mrkdwn(s.title or "Untitled")
        lines.append(f"{s.number}. {_link(s.url, title)}" if s.url else f"{s.number}. {title}")
    return "\n".join(lines)


def sources_blocks(sources: Sequence[Source]) -> list[dict[str, Any]]:
    if not sources:
        return []
    return [_section(part) for part in split_text(_sources_mrkdwn(sources), SECTION_TEXT_MAX_CHARS)]


def link_citations(text: str, sources: Sequence[Source], *, mrkdwn: bool = False) -> str:
    """Make the `[n]` markers of an answer (Markdown, or already converted to mrkdwn) link to their source."""
    urls = {s.number: s.url for s in sources if s.url}

    def replace(match: re.Match[str]) -> str:
        number = match.group(1)
        url = urls.get(int(number))
        if not url:
            return match.group(0)
        return _link(url, f"[{number}]") if mrkdwn else f"[[{number}]]({url})"

    return _MARKER.sub(replace, text)


# -- blocks --------------------------------------------------------------------------------------------
def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(mrkdwn: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def feedback_block(start_over: StartOver | None = None) -> dict[str, Any]:
    """👍/👎, and (for the person the conversation belongs to) a "Start over" button."""

    def button(text: str, value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": text}, "value": value, "accessibility_label": text}

    elements: list[dict[str, Any]] = [
        {
            "type": "feedback_buttons",
            "action_id": FEEDBACK_ACTION_ID,
            "positive_button": button("Good answer", "good"),
            "negative_button": button("Bad answer", "bad"),
        }
    ]
    if start_over is not None:
        elements.append(
            {
                "type": "icon_button",
                "icon": "trash",
                "action_id": START_OVER_ACTION_ID,
                "text": {"type": "plain_text", "text": "Start over"},
                "value": start_over.value,
                "accessibility_label": "Start over: delete this conversation, the next question starts fresh",
                # Shown to its owner only; the click handler checks ownership again (values can be forged).
                "visible_to_user_ids": [start_over.user_id],
            }
        )
    return {"type": "context_actions", "elements": elements}


def share_block(share_id: str, text: str = "Share to thread") -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": SHARE_ACTION_ID,
                "text": {"type": "plain_text", "text": text},
                "value": share_id,
                "style": "primary",
            }
        ],
    }


def preview(markdown: str) -> str:
    """A short plain rendering for `text`; Slack reads it as mrkdwn, so it is escaped."""
    flat = " ".join(re.sub(r"[*_`#~]+", "", markdown).split())
    flat = flat if len(flat) <= PREVIEW_MAX_CHARS else flat[: PREVIEW_MAX_CHARS - 1] + "…"
    return escape_mrkdwn(flat)


def public_answer_messages(
    markdown: str,
    sources: Sequence[Source],
    *,
    header: str | None = None,
    feedback: bool = True,
    start_over: StartOver | None = None,
) -> list[SlackMessage]:
    """The final public answer: markdown blocks, a numbered Sources list with links, feedback buttons.

    Long answers become several messages, in order; the Sources and buttons go at the end.
    """
    body = link_citations(markdown, sources) if markdown else "_(Glean returned an empty answer.)_"
    parts = split_text(body, MARKDOWN_PART_MAX_CHARS)
    tail = [*sources_blocks(sources), *([feedback_block(start_over)] if feedback else [])]
    sources_len = sum(len(b["text"]["text"]) for b in tail if b["type"] == "section")
    messages = [
        SlackMessage(text=preview(part), blocks=[{"type": "markdown", "text": part}]) for part in parts
    ]
    if header:
        messages[0].blocks.insert(0, _context(header))
    if len(parts[-1]) + sources_len <= MESSAGE_MARKDOWN_MAX_CHARS:
        messages[-1].blocks.extend(tail)
    else:
        messages.append(SlackMessage(text="Sources", blocks=tail))
    return messages


PRIVATE_NOTE = "Only you can see this answer."
PRIVATE_NOTE_THEIR_ACCESS = "Only you can see this answer: it may use documents only you can access."


def private_answer_messages(
    markdown: str,
    sources: Sequence[Source],
    share_id: str,
    *,
    start_over: StartOver | None = None,
    share_text: str = "Share to thread",
    with_their_access: bool = True,
) -> list[SlackMessage]:
    """The final private (ephemeral) answer: mrkdwn sections, Sources, and a "Share to thread" button.

    `with_their_access`: Glean acted as the asker, so the answer may hold what only they may read.
    """
    body = (
        link_citations(markdown_to_mrkdwn(markdown), sources, mrkdwn=True)
        if markdown
        else "_(Glean returned an empty answer.)_"
    )
    sections = [_section(p) for p in split_text(body, SECTION_TEXT_MAX_CHARS)]
    messages = [
        SlackMessage(text=preview(markdown), blocks=sections[i : i + BLOCKS_PER_MESSAGE_MAX])
        for i in range(0, len(sections), BLOCKS_PER_MESSAGE_MAX)
    ]
    tail = [
        *sources_blocks(sources),
        _context(PRIVATE_NOTE_THEIR_ACCESS if with_their_access else PRIVATE_NOTE),
        share_block(share_id, share_text),
        feedback_block(start_over),
    ]
    if len(messages[-1].blocks) + len(tail) > BLOCKS_PER_MESSAGE_MAX:
        messages.append(SlackMessage(text="Sources", blocks=[]))
    messages[-1].blocks.extend(tail)
    return messages


def notice_message(text: str) -> SlackMessage:
    return SlackMessage(text=f":warning: {text}", blocks=[])
