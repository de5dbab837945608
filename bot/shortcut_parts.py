"""The ask shortcut's parts: its modal (the question box) and the message as Glean reads it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from core.blocks import plain_text
from core.inbound import slack_to_plain
from core.mrkdwn import clip
from core.slack_ops import display_name

__all__ = ["ASK_VIEW_CALLBACK_ID", "QUESTION_MAX_CHARS", "ask_modal", "message_context"]

ASK_VIEW_CALLBACK_ID = "gleanbot_ask_message_view"
QUESTION_MAX_CHARS = 2_000
MESSAGE_CONTEXT_MAX_CHARS = 6_000
"""The message asked about, as Glean gets it (the same budget as a thread's context)."""


def message_context(client: WebClient, message: dict[str, Any]) -> str:
    """The message as Glean reads it: who wrote it (when Slack says) and its text, clipped to the budget."""
    user_id = message.get("user")
    author = display_name(client, user_id) if isinstance(user_id, str) else ""
    text = clip(slack_to_plain(str(message.get("text") or "")), MESSAGE_CONTEXT_MAX_CHARS)
    who = f" from {author}" if author else ""
    return f"About this Slack message{who}:\n\n{text}"


def ask_modal(metadata: str) -> dict[str, Any]:
    """The question box: one optional input; `private_metadata` names the message (channel, ts, thread)."""

    return {
        "type": "modal",
        "callback_id": ASK_VIEW_CALLBACK_ID,
        "private_metadata": metadata,
        "title": plain_text("Ask Glean"),
        "submit": plain_text("Ask"),
        "close": plain_text("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": "question",
                "optional": True,
                "label": plain_text("What would you like to know about this message?"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "question",
                    "multiline": True,
                    "max_length": QUESTION_MAX_CHARS,
                    "placeholder": plain_text("Leave empty to have it explained"),
                },
            }
        ],
    }
