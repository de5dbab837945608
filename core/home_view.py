"""The Home tab's fixed parts: its buttons' action ids, what the bot does and where it answers, the refusal view."""

from __future__ import annotations

from typing import Any

__all__ = [
    "CLEAR_ALL_VIEW_CALLBACK_ID",
    "HOME_CLEAR_ACTION_ID",
    "HOME_CLEAR_ALL_ACTION_ID",
    "HOME_FORGET_ACTION_ID",
    "about_blocks",
    "refusal_view",
]

HOME_FORGET_ACTION_ID = "gleanbot_home_forget"
"""Forget one file (value: its Glean file id; checked against the clicker's own files in the worker)."""
HOME_CLEAR_ACTION_ID = "gleanbot_home_clear"
"""Clear one conversation (value: `channel:thread_ts`), as Start over does."""
HOME_CLEAR_ALL_ACTION_ID = "gleanbot_home_clear_all"
"""Opens the same confirmation as `/glean clear all`, as a modal."""
CLEAR_ALL_VIEW_CALLBACK_ID = "gleanbot_home_clear_all_confirm"

ABOUT = (
    "I answer questions with *Glean*, from your company's documents, and cite the sources I used.\n"
    "*Where I answer*\n"
    "• *Here, in Messages*: always. Ask anything.\n"
    "• *@-mention me* in a channel I'm in: always, in the thread (unless the channel switched me off).\n"
    "• *Questions I spot* in channels set to answer by themselves, in their thread. Reply in the thread to "
    "follow up: it is one conversation.\n"
    "• *A message's ⋯ menu*: _Ask Glean about this_ (with your question), _Summarize this thread_ "
    "(only you see it first; share it if it helps).\n"
    "• `/glean ask …` anywhere: a private answer. `/glean help` for the rest.\n"
    "Channels shared with other organizations are never answered from internal documents."
)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def about_blocks() -> list[dict[str, Any]]:
    return [{"type": "header", "text": {"type": "plain_text", "text": "Glean in Slack"}}, _section(ABOUT)]


def refusal_view(text: str) -> dict[str, Any]:
    """The Home view for someone the bot does not serve: why, and nothing of anyone's conversations."""
    return {"type": "home", "blocks": [*about_blocks(), {"type": "divider"}, _section(f":no_entry: {text}")]}
