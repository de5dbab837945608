"""The cheap local prefilter: skip messages that cannot be questions before any Glean call is spent."""

from __future__ import annotations

import re

__all__ = ["MIN_QUESTION_CHARS", "prefilter"]

MIN_QUESTION_CHARS = 8
"""Shorter than this (after removing mentions, emoji and links) is never a question worth a Glean call."""

# Slack escapes a literal '<' in text as &lt;, so markup never holds one: excluding it keeps every match
# attempt from scanning past the next '<', which made 40,000 unclosed "<@" take seconds (quadratic).
_SLACK_MARKUP = re.compile(r"<[@#!][^<>]*>")  # <@U123>, <#C123|general>, <!here>
_LINK = re.compile(r"<(?:https?|mailto):[^<>]*>|https?://\S+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+'-]+:")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Whole-message courtesies (compared after lower-casing and dropping punctuation).
_COURTESIES = frozenset(
    {
        "thanks",
        "thank you",
        "thanks a lot",
        "thank you so much",
        "thanks so much",
        "thx",
        "ty",
        "ok",
        "okay",
        "ok thanks",
        "ok thank you",
        "got it",
        "got it thanks",
        "great",
        "great thanks",
        "cool",
        "nice",
        "perfect",
        "awesome",
        "sounds good",
        "lgtm",
        "hi",
        "hello",
        "hey",
        "hi all",
        "hi everyone",
        "hello everyone",
        "hey all",
        "hey team",
        "good morning",
        "good afternoon",
        "good evening",
        "morning",
        "welcome",
        "welcome back",
        "bye",
        "see you",
        "yes",
        "no",
        "yep",
        "nope",
        "sure",
        "done",
        "np",
        "no problem",
        "you are welcome",
        "youre welcome",
    }
)


def prefilter(text: str) -> str | None:
    """Return why `text` cannot be a question (a short reason), or None if it deserves a closer look."""
    stripped = _SLACK_MARKUP.sub(" ", text)
    without_links = _LINK.sub(" ", stripped)
    words_text = _EMOJI_CODE.sub(" ", without_links)
    words = _WORD.findall(words_text.lower())
    if not words:
        if _LINK.search(stripped):
            return "link_only"
        return "empty_or_emoji"
    plain = " ".join(words)
    if plain in _COURTESIES:
        return "courtesy"
    if len(plain) < MIN_QUESTION_CHARS and "?" not in words_text:
        return "too_short"
    return None
