"""Turns Slack message markup (mentions, links, emoji, code, formatting) into plain text for the classifier."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Longest fenced code block that is kept inline as words. Longer blocks (stack traces, configs) are
# context for a human, not part of the sentence that asks, so they become a sentence break instead.
INLINE_CODE_MAX_CHARS = 80

_FENCE = re.compile(r"```(.*?)```", re.DOTALL)
_USER_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^<>]*)?>")
# <!here>, <!channel>, <!everyone>, <!subteam^S123|@eng>, <!date^1700000000^{date}|Nov 14>.
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|<>]*)?(?:\|([^<>]*))?>")
_CHANNEL = re.compile(r"<#C[A-Z0-9]+(?:\|([^<>]*))?>")
# Character classes exclude "<" (and whitespace in URLs) so an unterminated "<http:" stops at the next
# one instead of rescanning the rest of the message from every occurrence.
_LINK = re.compile(r"<((?:https?|mailto|ftp|tel):[^|<>\s]*)(?:\|([^<>]*))?>")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)\S+")
# ":tada:", ":+1:", ":thumbsup::skin-tone-3:". The look-behind keeps "arn:aws:iam" and "10:30:45" intact
# (a letter or digit right before the colon means it is not an emoji code); a colon is allowed so that
# back-to-back codes (":tada::tada:") are all removed.
# Bounded length: real codes are short, and an unbounded run would make "::aaaa..." quadratic.
_EMOJI_CODE = re.compile(
    r"(?<![A-Za-z0-9/]):(?=[a-z0-9_+'-]{0,59}[a-z])[a-z0-9_+'-]{1,60}:(?::skin-tone-[2-6]:)?"
)
# Emoji that turn a question into a joke or an eye-roll ("Where do I sign up? :joy:").
_JEST_EMOJI_CODES = frozenset(
    [
        "joy",
        "rofl",
        "laughing",
        "satisfied",
        "upside_down_face",
        "face_with_rolling_eyes",
        "rolling_eyes",
        "skull",
        "clown_face",
        "joy_cat",
        "smirk",
    ]
)
_JEST_EMOJI_CHARS = frozenset("😂🤣😆🙃🙄💀🤡😹😏")
_UNICODE_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff\ufe0f\u200d\u20e3]"
)
# A plain "@name" typed without Slack's autocomplete; not preceded by a word character so that e-mail
# addresses survive.
_PLAIN_MENTION = re.compile(r"(?<![\w.])@([\w.-]+)")
_BROADCAST_NAMES = frozenset({"here", "channel", "everyone"})
_BOLD = re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)")
_ITALIC = re.compile(r"(?<!\w)_([^_\n]+)_(?!\w)")
_STRIKE = re.compile(r"(?<!\w)~([^~\n]+)~(?!\w)")
_INLINE_CODE = re.compile(r"`([^`\n]*)`")
# A quoted line is someone else's words: "> where is the doc?" followed by an answer is not a question.
_QUOTED_LINE = re.compile(r"^[ \t]*(?:&gt;|>).*$", re.MULTILINE)
# Leading blanks without '\n': with \s*, every start in a run of newlines scanned the whole run (quadratic:
# 8,000 newlines took seconds); blank lines are dropped at the end either way.
_LIST_MARKER = re.compile(r"^[^\S\n]*(?:\d{1,2}[.)]|[-*•◦])\s+", re.MULTILINE)
_SPACES = re.compile(r"[ \t\u00a0]+")
# Removing a mention can leave "hey , are you" or a line starting with ", where".
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_LEADING_PUNCT = re.compile(r"^[,.;:\s]+")
_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Cleaned:
    """A message with Slack markup removed, plus counts of what was removed (used to explain rejections)."""

    text: str
    mentions: int
    broadcasts: int
    links: int
    emoji: int
    code_blocks: int
    jest: int = 0
    """How many of the emoji laugh or roll their eyes (counted in ``emoji`` too)."""

    @property
    def has_words(self) -> bool:
        return _WORD.search(self.text) is not None

    @property
    def empty_reason(self) -> str:
        """For a message with no words: what it was made of instead."""
        if self.links:
            return "link_only"
        if self.emoji:
            return "emoji_only"
        if self.mentions or self.broadcasts:
            return "mention_only"
        return "code_only" if self.code_blocks else "empty"


def clean(raw: str) -> Cleaned:
    """Strip Slack markup, keeping the words a reader would see; newlines survive as sentence breaks."""
    counts = {"mentions": 0, "broadcasts": 0, "links": 0, "emoji": 0, "code_blocks": 0, "jest": 0}

    def fence(m: re.Match[str]) -> str:
        body = m.group(1).strip()
        if "\n" not in body and len(body) <= INLINE_CODE_MAX_CHARS:
            return f" {body} "
        counts["code_blocks"] += 1
        return "\n"

    def user(_: re.Match[str]) -> str:
        counts["mentions"] += 1
        return " "

    def special(m: re.Match[str]) -> str:
        name, label = m.group(1), m.group(2)
        if name == "date" and label:
            return label  # a formatted date reads as its fallback text
        counts["broadcasts"] += 1
        return " "

    def link(m: re.Match[str]) -> str:
        counts["links"] += 1
        label = m.group(2)
        # A label that merely repeats the URL carries no words of its own.
        return f" {label} " if label and not _BARE_URL.fullmatch(label) else " "

    def bare_url(_: re.Match[str]) -> str:
        counts["links"] += 1
        return " "

    def emoji(m: re.Match[str]) -> str:
        counts["emoji"] += 1
        code = m.group().strip(":").split("::", 1)[0]
        counts["jest"] += code in _JEST_EMOJI_CODES or m.group() in _JEST_EMOJI_CHARS
        return " "

    def plain_mention(m: re.Match[str]) -> str:
        key = "broadcasts" if m.group(1).lower() in _BROADCAST_NAMES else "mentions"
        counts[key] += 1
        return " "

    text = _FENCE.sub(fence, raw)
    text = _QUOTED_LINE.sub("", text)
    text = _USER_MENTION.sub(user, text)
    text = _SPECIAL.sub(special, text)
    text = _CHANNEL.sub(lambda m: f" #{m.group(1)} " if m.group(1) else " ", text)
    text = _LINK.sub(link, text)
    # Entities are decoded only now: Slack escapes literal <, > and &, so every angle bracket seen
    # above was real markup, and decoding earlier would let user text masquerade as markup.
    text = html.unescape(text)
    text = _BARE_URL.sub(bare_url, text)
    text = _EMOJI_CODE.sub(emoji, text)
    text = _UNICODE_EMOJI.sub(emoji, text)
    text = _PLAIN_MENTION.sub(plain_mention, text)
    text = _INLINE_CODE.sub(r"\1", text)
    for pattern in (_BOLD, _ITALIC, _STRIKE):
        text = pattern.sub(r"\1", text)
    text = _LIST_MARKER.sub("", text)
    lines = (
        _LEADING_PUNCT.sub("", _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", line))).strip()
        for line in text.splitlines()
    )
    text = "\n".join(line for line in lines if line)
    return Cleaned(text=text, **counts)
