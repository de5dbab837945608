"""Answer messages as Slack blocks: the answer, its numbered Sources, and the feedback, share and start-over buttons."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from core.answer_extras import extras_blocks
from core.mrkdwn import (
    MARKDOWN_PART_MAX_CHARS,
    SECTION_TEXT_MAX_CHARS,
    escape_mrkdwn,
    markdown_to_mrkdwn,
    mrkdwn_link,
    split_text,
)

__all__ = [
    "FEEDBACK_ACTION_ID",
    "SHARE_ACTION_ID",
    "START_OVER_ACTION_ID",
    "SlackMessage",
    "Source",
    "StartOver",
    "notice_message",
    "parse_vote",
    "plain_text",
    "private_answer_messages",
    "public_answer_messages",
    "sources_markdown",
    "votes_name",
]

MESSAGE_MARKDOWN_MAX_CHARS = 11_500
"""Body plus Sources allowed in one message before the Sources move to a message of their own."""
BLOCKS_PER_MESSAGE_MAX = 45
"""Slack allows 50 blocks; keep a few for Sources and buttons."""
PREVIEW_MAX_CHARS = 300
"""The `text` fallback (notifications, screen readers); the full answer is in the blocks."""
FEEDBACK_ACTION_ID = "gleanbot_feedback"
SHARE_ACTION_ID = "gleanbot_share"
START_OVER_ACTION_ID = "gleanbot_start_over"
_EMPTY_ANSWER = "_(Glean returned an empty answer.)_"
_VOTE_REF: ContextVar[str | None] = ContextVar("gleanbot_vote_ref", default=None)
_VOTE_REF_SHAPE = re.compile(r"[0-9a-f]{16}")
_MARKER = re.compile(r"(?<!\[)\[(\d{1,3})\](?![(\]])")


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
        lines.append(f"{s.number}. {mrkdwn_link(s.url, title)}" if s.url else f"{s.number}. {title}")
    return "\n".join(lines)


def sources_blocks(sources: Sequence[Source]) -> list[dict[str, Any]]:
    if not sources:
        return []
    return [_section(part) for part in split_text(_sources_mrkdwn(sources), SECTION_TEXT_MAX_CHARS)]


def link_citations(text: str, sources: Sequence[Source], *, mrkdwn: bool = False) -> str:
    """Make the `[n]` markers of an answer (Markdown, or already converted to mrkdwn) link to their source."""
    # Each link is built once per source, not once per marker: an answer can repeat "[1]" 30,000 times.
    links = {
        str(s.number): mrkdwn_link(s.url, f"[{s.number}]") if mrkdwn else f"[[{s.number}]]({s.url})"
        for s in sources
        if s.url
    }

    def replace(match: re.Match[str]) -> str:
        return links.get(str(int(match.group(1))), match.group(0))

    return _MARKER.sub(replace, text)


# -- blocks --------------------------------------------------------------------------------------------
def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(mrkdwn: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


@contextmanager
def votes_name(ref: str | None) -> Iterator[None]:
    """Feedback buttons built inside this block name the answer's vote record (`vote:{ref}` in Redis).

    A context rather than an argument: every writer builds its buttons in `finish()`, and the record is the
    answer job's business, not the writers'. The value only points at the record; who votes, and whether they
    may, is decided on the server from the signed click.
    """
    token = _VOTE_REF.set(ref)
    try:
        yield
    finally:
        _VOTE_REF.reset(token)


def parse_vote(value: object) -> tuple[str, str | None]:
    """`good` / `bad` and the vote record a feedback button names (None for buttons made before records)."""
    verdict, _, ref = (value if isinstance(value, str) else "").partition(":")
    return ("good" if verdict == "good" else "bad"), (ref if _VOTE_REF_SHAPE.fullmatch(ref) else None)


def feedback_block(start_over: StartOver | None = None) -> dict[str, Any]:
    """👍/👎, and (for the person the conversation belongs to) a "Start over" button."""
    ref = _VOTE_REF.get()

    def button(text: str, verdict: str) -> dict[str, Any]:
        value = f"{verdict}:{ref}" if ref else verdict
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
    body = link_citations(markdown, sources) if markdown.strip() else _EMPTY_ANSWER
    # An answer of only whitespace splits into no parts at all (it raised IndexError below).
    parts = split_text(body, MARKDOWN_PART_MAX_CHARS) or [_EMPTY_ANSWER]
    tail = [*sources_blocks(sources), *extras_blocks(), *([feedback_block(start_over)] if feedback else [])]
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
        if markdown.strip()
        else _EMPTY_ANSWER
    )
    sections = [_section(p) for p in split_text(body, SECTION_TEXT_MAX_CHARS)]
    messages = [
        SlackMessage(text=preview(markdown), blocks=sections[i : i + BLOCKS_PER_MESSAGE_MAX])
        for i in range(0, len(sections), BLOCKS_PER_MESSAGE_MAX)
    ]
    tail = [
        *sources_blocks(sources),
        _context(PRIVATE_NOTE_THEIR_ACCESS if with_their_access else PRIVATE_NOTE),
        *extras_blocks(follow_ups=False),  # a click would ask in the thread, for everyone to see
        share_block(share_id, share_text),
        feedback_block(start_over),
    ]
    if len(messages[-1].blocks) + len(tail) > BLOCKS_PER_MESSAGE_MAX:
        messages.append(SlackMessage(text="Sources", blocks=[]))
    messages[-1].blocks.extend(tail)
    return messages


def notice_message(text: str) -> SlackMessage:
    return SlackMessage(text=f":warning: {text}", blocks=[])


def plain_text(text: str) -> dict[str, str]:
    """A `plain_text` object (modal titles, buttons): Slack's own shape for text shown without formatting."""
    return {"type": "plain_text", "text": text}
