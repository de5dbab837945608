"""Parsing `/glean` command text into a subcommand: pure, so every spelling is unit-tested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["USAGE", "CommandName", "ParsedCommand", "parse_command"]

CommandName = Literal[
    "help", "ask", "clear", "clear_all", "history", "history_one", "files", "files_forget", "app", "unknown"
]

HISTORY_MAX_N = 1_000

USAGE = (
    "*How to use me*: mention me in a channel, DM me, or just ask in a channel where I'm enabled: "
    "I answer in the thread with Glean, citing sources. Reply in the thread to follow up. "
    "Share a file with your question (or in a thread I'm answering) and I'll add it to the conversation.\n"
    "*`/glean` commands* (only you see the replies):\n"
    "• `/glean ask <question>`: a private answer, just for you\n"
    "• `/glean history`: your saved conversations with me, newest first; `/glean history 2` shows one\n"
    "• `/glean clear`: delete your conversations in this channel's threads (the next message starts fresh)\n"
    "• `/glean clear all`: delete all your saved conversations with me (asks to confirm first)\n"
    "• `/glean files`: the files you shared with me in this channel; `/glean files forget` deletes them\n"
    "• `/glean app`: the Glean assistant this channel uses\n"
    "• `/glean help`: this message"
)


@dataclass(frozen=True)
class ParsedCommand:
    name: CommandName
    question: str = ""
    """The question of `ask`."""
    number: int | None = None
    """N of `history N` (1 = newest)."""
    problem: str | None = None
    """Why the text was not understood, shown above the usage (for `unknown`)."""


def parse_command(text: str) -> ParsedCommand:
    """`/glean` text to a subcommand. Subcommand words are case-insensitive; the question keeps its text."""
    stripped = (text or "").strip()
    if not stripped:
        return ParsedCommand("help")
    head, _, rest = stripped.partition(" ")
    word = head.lower()
    rest = rest.strip()
    args = rest.lower().split()
    if word in ("help", "-h", "--help", "?"):
        return ParsedCommand("help")
    if word == "ask":
        if not rest:
            return ParsedCommand(
                "unknown", problem="`/glean ask` needs a question, like `/glean ask what is our PTO policy?`"
            )
        return ParsedCommand("ask", question=rest)
    if word == "clear":
        if not args:
            return ParsedCommand("clear")
        if args == ["all"]:
            return ParsedCommand("clear_all")
        return ParsedCommand("unknown", problem="`/glean clear` takes nothing, or `all`.")
    if word == "history":
        if not args:
            return ParsedCommand("history")
        if len(args) == 1 and args[0].isdigit() and 1 <= int(args[0]) <= HISTORY_MAX_N:
            return ParsedCommand("history_one", number=int(args[0]))
        return ParsedCommand(
            "unknown",
            problem="`/glean history` takes nothing, or a number from the list, like `/glean history 2`.",
        )
    if word == "files":
        if not args:
            return ParsedCommand("files")
        if args == ["forget"]:
            return ParsedCommand("files_forget")
        return ParsedCommand("unknown", problem="`/glean files` takes nothing, or `forget`.")
    if word == "app":
        if args:
            return ParsedCommand("unknown", problem="`/glean app` takes nothing.")
        return ParsedCommand("app")
    return ParsedCommand(
        "unknown", problem=f"I don't know `{_clip(head)}`. To ask a question, use `/glean ask …`."
    )


def _clip(word: str, limit: int = 30) -> str:
    # The word is echoed back to its author only, but keep it short and free of backticks that break the code span.
    word = word.replace("`", "'")
    return word if len(word) <= limit else word[: limit - 1] + "…"
