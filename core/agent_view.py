"""What the agent container says by itself: the greeting, suggested prompts and thread title (GLEANBOT_AGENT_*)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["AgentView", "agent_view_from_env", "greeting_text", "thread_title"]

DEFAULT_GREETING = "Hi! Ask me anything about your company's knowledge: I answer with Glean and cite sources."
DEFAULT_PROMPTS = (
    "What are the company holidays this year?",
    "How do I submit an expense report?",
    "Who do I ask about IT access?",
)
MAX_PROMPTS = 4
"""assistant.threads.setSuggestedPrompts shows up to four prompts."""
MAX_PROMPT_CHARS = 400
MAX_GREETING_CHARS = 1_000
MAX_TITLE_CHARS = 80
"""A title is read in the DM's history list: the first words of the question are enough."""


@dataclass(frozen=True)
class AgentView:
    """The container's greeting and its suggested prompts (each used as both the chip's title and message)."""

    greeting: str = DEFAULT_GREETING
    prompts: tuple[str, ...] = DEFAULT_PROMPTS


def agent_view_from_env(env: Mapping[str, str]) -> AgentView:
    """GLEANBOT_AGENT_GREETING (text) and GLEANBOT_AGENT_PROMPTS (prompts separated by `|`; `none`: none)."""
    from core.settings import SettingsError  # settings imports this module

    greeting = env.get("GLEANBOT_AGENT_GREETING", DEFAULT_GREETING).strip()
    if not greeting or len(greeting) > MAX_GREETING_CHARS:
        raise SettingsError("GLEANBOT_AGENT_GREETING", f"give 1 to {MAX_GREETING_CHARS} characters")
    raw = env.get("GLEANBOT_AGENT_PROMPTS")
    # Blank settings read as unset (core.settings), so no prompts at all is spelled `none`.
    none = raw is not None and raw.lower() == "none"
    prompts = DEFAULT_PROMPTS if raw is None else () if none else tuple(filter(None, _split(raw)))
    if len(prompts) > MAX_PROMPTS or any(len(p) > MAX_PROMPT_CHARS for p in prompts):
        raise SettingsError(
            "GLEANBOT_AGENT_PROMPTS",
            f"give at most {MAX_PROMPTS} prompts of at most {MAX_PROMPT_CHARS} characters, separated by '|'",
        )
    return AgentView(greeting=greeting, prompts=prompts)


def _split(raw: str) -> list[str]:
    return [p.strip() for p in raw.split("|")]


def greeting_text(view: AgentView, *, beside: str | None, refused: bool) -> str:
    """The first message of a container thread: the greeting, and what it makes of the channel beside it."""
    if refused and beside:
        # The same refusal as in the channel itself: a Slack Connect channel's context is never used.
        return (
            f"{view.greeting}\n:no_entry: I won't use <#{beside}> as context: it is shared with other "
            "organizations (Slack Connect), or Slack couldn't tell me it isn't."
        )
    if beside:
        return f"{view.greeting}\nYou opened me beside <#{beside}>."
    return view.greeting


def thread_title(question: str) -> str:
    """The container thread's title: the question's first line, cut at a word within MAX_TITLE_CHARS."""
    line = " ".join(question.strip().splitlines()[0].split()) if question.strip() else ""
    if len(line) <= MAX_TITLE_CHARS:
        return line
    cut = line[: MAX_TITLE_CHARS - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
