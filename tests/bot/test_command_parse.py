"""`/glean` text to subcommands: every subcommand, its spellings, and what is refused with a hint."""

from __future__ import annotations

import pytest

from bot.command_parse import USAGE, parse_command


@pytest.mark.parametrize(
    ("text", "name", "number"),
    [
        ("", "help", None),
        ("   ", "help", None),
        ("help", "help", None),
        ("HELP", "help", None),
        ("clear", "clear", None),
        ("Clear  ALL", "clear_all", None),
        ("history", "history", None),
        ("history 3", "history_one", 3),
        ("  history   12 ", "history_one", 12),
        ("files", "files", None),
        ("files forget", "files_forget", None),
        ("app", "app", None),
    ],
)
def test_subcommands(text: str, name: str, number: int | None) -> None:
    parsed = parse_command(text)
    assert (parsed.name, parsed.number, parsed.problem) == (name, number, None)


def test_ask_keeps_the_question_as_typed() -> None:
    parsed = parse_command("ask  What is our PTO policy for Contractors?  ")
    assert (parsed.name, parsed.question) == ("ask", "What is our PTO policy for Contractors?")
    assert parse_command("ASK how?").question == "how?"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("ask", "needs a question"),
        ("clear everything", "`all`"),
        ("history 0", "a number"),
        ("history -1", "a number"),
        ("history two", "a number"),
        ("history 1 2", "a number"),
        ("files delete", "`forget`"),
        ("app now", "takes nothing"),
        ("what is the vpn?", "I don't know `what`"),
        ("`rm` -rf", "I don't know `'rm'`"),
    ],
)
def test_unknown_or_malformed_text_gets_a_hint(text: str, hint: str) -> None:
    parsed = parse_command(text)
    assert parsed.name == "unknown" and parsed.problem is not None and hint in parsed.problem


def test_usage_names_every_subcommand() -> None:
    for fragment in (
        "/glean ask",
        "/glean history",
        "/glean clear`",
        "/glean clear all",
        "/glean files",
        "files forget",
        "/glean app",
        "/glean help",
    ):
        assert fragment in USAGE
