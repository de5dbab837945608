"""The thread so far: when the bot is first asked mid-thread, the earlier messages of that thread, for Glean.

"@Glean can you answer this?" under a discussion means the discussion. The first question the bot gets in a
thread it has not answered yet carries the thread's earlier messages (that thread only, read with
`conversations.replies`, so only what everyone in the channel can see), who said what, oldest first. The
budget keeps the newest messages when the thread is longer. Later questions continue the same Glean chat,
which already holds it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.contract import AnswerJob
from core.inbound import slack_to_plain
from core.logs import log_event
from core.mrkdwn import clip
from core.slack_ops import display_name

__all__ = ["THREAD_CONTEXT_MAX_CHARS", "THREAD_MESSAGE_MAX_CHARS", "with_thread_context"]

log = logging.getLogger("gleanbot.answer")

THREAD_CONTEXT_MAX_CHARS = 6_000
"""All earlier messages together (about 1,500 words): enough for a discussion, small beside Glean's context."""
THREAD_MESSAGE_MAX_CHARS = 1_000
"""One message's share of it: a pasted log does not crowd out the rest of the thread."""
THREAD_READ_LIMIT = 200  # messages read from Slack (one conversations.replies page)


def _earlier_messages(client: WebClient, job: AnswerJob) -> list[dict[str, Any]]:
    reply = client.conversations_replies(channel=job.channel_id, ts=job.thread_ts, limit=THREAD_READ_LIMIT)
    messages = [m for m in reply.get("messages") or [] if isinstance(m, dict)]
    return [
        m
        for m in messages
        if isinstance(m.get("ts"), str)
        and float(m["ts"]) < float(job.message_ts)  # before the question, never after it
        and not m.get("bot_id")  # the bot's own notices, other apps: not the people's discussion
        and m.get("subtype") in (None, "thread_broadcast", "file_share")
        and str(m.get("text") or "").strip()
    ]


def _names(client: WebClient, user_ids: set[str]) -> dict[str, str]:
    """Each person's name once per thread (the id stands in where Slack can't say)."""
    return {user_id: name for user_id in user_ids if (name := display_name(client, user_id))}


def with_thread_context(client: WebClient, job: AnswerJob, bot_user_id: str | None = None) -> str:
    """The question, preceded by the thread's earlier messages when there are any (else the question)."""
    try:
        earlier = _earlier_messages(client, job)
    except SlackApiError as exc:  # not in the channel any more, history scope missing: answer the question
        log_event(log, "thread_context_failed", logging.WARNING, error=exc.response.get("error"))
        return job.question
    if not earlier:
        return job.question
    names = _names(client, {str(m["user"]) for m in earlier if isinstance(m.get("user"), str)})
    lines: list[str] = []
    used = 0
    for message in reversed(earlier):  # newest first, so the budget keeps the end of the discussion
        who = names.get(str(message.get("user")), "") or str(message.get("user") or "someone")
        said = " ".join(slack_to_plain(str(message["text"]), bot_user_id).split())  # one paragraph each
        text = clip(said, THREAD_MESSAGE_MAX_CHARS)
        line = f"{who}: {text}"
        if used + len(line) > THREAD_CONTEXT_MAX_CHARS:
            lines.append("(earlier messages left out)")
            break
        lines.append(line)
        used += len(line) + 1
    log_event(log, "thread_context", count=len(lines), message_ts=job.message_ts)
    # One paragraph per message, and the question last on its own: what is asked, after what was said.
    thread = "\n\n".join(reversed(lines))
    return f"Earlier in this Slack thread, oldest first:\n\n{thread}\n\n{job.question}"
