"""Hostile text: every function that reads a Slack message or a Glean answer finishes 100,000 characters of
unclosed markers, long runs and nesting in well under 50 ms, and still returns the text it was given."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.prefilter import prefilter
from core.blocks import Source, link_citations, preview, private_answer_messages, public_answer_messages
from core.inbound import slack_to_plain
from core.mrkdwn import markdown_to_mrkdwn, split_text
from questions.classifier import detect

INPUT_CHARS = 100_000
BOUND_S = 0.050
"""Generous for a shared 2-core CI machine: the functions take 1-30 ms here, the old ones up to 10 s."""


def _run(unit: str) -> str:
    return (unit * (INPUT_CHARS // len(unit) + 1))[:INPUT_CHARS]


# Units repeated to 100,000 characters: openers with no closer, closers with no opener, long runs, and
# greetings the classifier splits into thousands of clauses.
_HOSTILE = [
    "<@",
    "<#",
    "<!",
    "<@U1|",
    "<http",
    "<mailto:",
    "<",
    "*",
    "**",
    "**a ",
    "__a ",
    "~~a ",
    "*a ",
    "_",
    "~",
    "`",
    "```",
    "[",
    "[a",
    "](",
    "[a](",
    "[1]",
    "http://",
    ":a",
    "&",
    "# ",
    "- ",
    " ",
    "\n",
    "\t",
    ", ",
    "hey, ",  # a clause each: the classifier looked for each clause's successor among all (quadratic)
    "hi, thanks, ",
]
_SOURCES = [Source(n, f"Doc {n}", f"https://docs.example.com/{n}") for n in range(1, 10)]


def _check_prefilter(text: str, unit: str) -> None:
    assert prefilter(text) in {None, "empty_or_emoji", "link_only", "too_short"}


def _check_plain(text: str, unit: str) -> None:
    plain = slack_to_plain(text, "U1")
    if unit.strip() and "<" not in unit:  # nothing to resolve: the words come back as they were
        assert plain == text.strip() or plain.replace(" ", "") == text.replace(" ", "").replace("\t", "")


def _check_mrkdwn(text: str, unit: str) -> None:
    out = markdown_to_mrkdwn(text)
    # Markers may turn into Slack's, but no letter or digit is lost or invented.
    assert sum(c.isalnum() for c in out) >= sum(c.isalnum() for c in text)


def _check_split(text: str, unit: str) -> None:
    parts = split_text(text, 3_000)
    assert all(len(part) <= 3_000 for part in parts)
    # Only whitespace at a cut is dropped (and a code block cut in two is closed and reopened).
    assert "".join("".join(parts).replace("```", "").split()) == "".join(text.replace("```", "").split())


def _check_citations(text: str, unit: str) -> None:
    out = link_citations(text, _SOURCES)
    if unit == "[1]":
        assert out.count("https://docs.example.com/1") == text.count("[1]")


def _check_preview(text: str, unit: str) -> None:
    assert len(preview(text)) <= 5 * 300  # 300 characters, each at most "&amp;" long once escaped


def _check_detect(text: str, unit: str) -> None:
    detect(text)  # a verdict at all: before, a run of newlines took seconds


_FUNCTIONS: dict[str, Callable[[str, str], None]] = {
    "prefilter": _check_prefilter,
    "slack_to_plain": _check_plain,
    "markdown_to_mrkdwn": _check_mrkdwn,
    "split_text": _check_split,
    "link_citations": _check_citations,
    "preview": _check_preview,
    "detect": _check_detect,
}


@pytest.mark.parametrize("unit", _HOSTILE, ids=repr)
@pytest.mark.parametrize("name", sorted(_FUNCTIONS))
def test_hostile_text_is_handled_in_linear_time(name: str, unit: str) -> None:
    check = _FUNCTIONS[name]
    text = _run(unit)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        check(text, unit)
        best = min(best, time.perf_counter() - started)
    assert best < BOUND_S, f"{name} took {best * 1000:.0f} ms on 100,000 characters of {unit!r}"


def test_formatting_of_ordinary_answers_is_unchanged() -> None:
    markdown = (
        "# Holidays\n"
        "Staff get **25 days** and __two__ floating days [1]; see [the policy](https://x.example/p?a=(b)).\n"
        "- carry over *up to 5* days\n"
        "- ~~old rule~~ gone, `code **stays**`\n"
        "```\n<raw> **kept**\n```"
    )
    assert markdown_to_mrkdwn(markdown) == (
        "*Holidays*\n"
        "Staff get *25 days* and *two* floating days [1]; see <https://x.example/p?a=(b|the policy>).\n"
        "• carry over _up to 5_ days\n"
        "• ~old rule~ gone, `code **stays**`\n"
        "```\n&lt;raw&gt; **kept**\n```"
    )


def test_prefilter_still_strips_markup_and_links() -> None:
    assert prefilter("<@U123> <#C1|general> <!here> :wave:") == "empty_or_emoji"
    assert prefilter("<https://example.com|a link>") == "link_only"
    assert prefilter("<@U123> where is the holiday policy?") is None


def test_an_answer_of_only_whitespace_is_shown_as_empty() -> None:
    # Before, split_text returned no parts and both builders raised IndexError.
    public = public_answer_messages(" \n\t " * 1_000, _SOURCES)
    private = private_answer_messages(" \n\t " * 1_000, _SOURCES, "share-1")
    assert "empty answer" in public[0].blocks[0]["text"]
    assert "empty answer" in private[0].blocks[0]["text"]["text"]
