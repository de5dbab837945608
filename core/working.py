"""The sign of work every asker sees at once, chosen by what Slack allows right now, and its removal.

In order: a 👀 reaction on the question (`reactions.add`, Tier 3); else a status under the thread
(`assistant.threads.setStatus`, which Slack lets channel apps use with `chat:write`; it clears itself when the
answer is posted); else a short placeholder reply (`chat.postMessage`, about 1/s per channel) that the answer
then replaces. In an agent container thread the status comes first. Each is tried only when the shared budget has a token, and with a client that reports a 429 at
once instead of waiting: the sign is only worth showing now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.logs import log_event
from core.message_marks import post_mark
from core.slack_budget import SlackBudget
from core.slack_ops import WORKING_REACTION, impatient

__all__ = ["PLACEHOLDER_TEXT", "STATUS_TEXT", "Working", "clear_working", "show_working"]

log = logging.getLogger("gleanbot.working")

STATUS_TEXT = "is looking this up in Glean…"
LOADING_MESSAGES = ["Searching Glean…", "Reading what it found…", "Writing the answer…"]
PLACEHOLDER_TEXT = ":hourglass_flowing_sand: Looking this up in Glean…"


@dataclass(frozen=True)
class Working:
    """Which sign the asker sees (None: Slack allowed none), and the placeholder's ts if it is one."""

    kind: Literal["reaction", "status", "placeholder"] | None
    placeholder_ts: str | None = None
    adopt: bool = False
    """The placeholder's chat.update token is taken: the answer is written into it (else it is deleted)."""

    @classmethod
    def of(cls, *, reaction: bool, status: bool, placeholder_ts: str | None) -> Working:
        """What a job payload says the listener showed."""
        if reaction:
            return cls("reaction")
        if status:
            return cls("status")
        return cls("placeholder", placeholder_ts) if placeholder_ts else cls(None)


# The ways to show a sign, best first; each needs a token of every method it names. A placeholder with a
# chat.update token too is adopted: the answer is written into it (else it is deleted when the answer is there).
_SIGNS: tuple[tuple[str, ...], ...] = (
    ("reactions.add",),
    ("assistant.threads.setStatus",),
    ("chat.postMessage", "chat.update"),
    ("chat.postMessage",),
)
_STATUS_FIRST = (1, 0, 2, 3)


def show_working(
    client: WebClient,
    budget: SlackBudget,
    *,
    channel_id: str,
    ts: str,
    thread_ts: str,
    prefer_status: bool = False,
) -> Working:
    """`prefer_status`: an agent container thread, where the status line is the sign Slack designed (👀 after)."""
    quick = impatient(client)
    left = list(_STATUS_FIRST if prefer_status else range(len(_SIGNS)))
    # One budget round trip picks the best sign Slack allows now; only a sign Slack refuses tries the next.
    while left and (chosen := budget.first(*(_SIGNS[i] for i in left), channel_id=channel_id)) is not None:
        sign = left[chosen]
        left = left[chosen + 1 :]
        try:
            if sign == 0:
                try:
                    quick.reactions_add(channel=channel_id, timestamp=ts, name=WORKING_REACTION)
                except SlackApiError as exc:
                    if exc.response.get("error") == "already_reacted":
                        return Working("reaction")
                    raise
                return _shown(Working("reaction"), channel_id, ts)
            if sign == 1:
                quick.assistant_threads_setStatus(
                    channel_id=channel_id,
                    thread_ts=thread_ts,
                    status=STATUS_TEXT,
                    loading_messages=LOADING_MESSAGES,
                )
                return _shown(Working("status"), channel_id, ts)
            reply = quick.chat_postMessage(
                channel=channel_id,
                thread_ts=thread_ts,
                text=PLACEHOLDER_TEXT,
                metadata=post_mark("placeholder"),
            )
            return _shown(Working("placeholder", str(reply["ts"]), sign == 2), channel_id, ts)
        except SlackApiError as exc:
            _failed(_SIGNS[sign][0], channel_id, exc)
            if sign == 2:
                left = []  # the plain placeholder would fail as the adopted one did
    log_event(log, "working_not_shown", logging.WARNING, channel_id=channel_id, message_ts=ts)
    return Working(None)


def clear_working(
    client: WebClient,
    budget: SlackBudget,
    working: Working,
    *,
    channel_id: str,
    ts: str,
    thread_ts: str,
    placeholder_kept: bool = False,
) -> bool:
    """Remove the sign of work of a question whose job is over; False when Slack's budget says "later".

    `placeholder_kept`: the answer was written into the placeholder, which stays. A status left in place for
    want of budget clears itself (when the bot next posts in the thread, or after Slack's two minutes).
    """
    try:
        if working.kind == "reaction":
            if not budget.take("reactions.remove"):
                return False
            client.reactions_remove(channel=channel_id, timestamp=ts, name=WORKING_REACTION)
        elif working.kind == "status" and budget.take("assistant.threads.setStatus"):
            client.assistant_threads_setStatus(channel_id=channel_id, thread_ts=thread_ts, status="")
        elif working.kind == "placeholder" and working.placeholder_ts and not placeholder_kept:
            if not budget.take("chat.delete"):
                return False
            client.chat_delete(channel=channel_id, ts=working.placeholder_ts)
    except SlackApiError as exc:
        if exc.response.get("error") not in ("no_reaction", "message_not_found"):
            _failed(f"clear {working.kind}", channel_id, exc)
    return True


def _shown(working: Working, channel_id: str, ts: str) -> Working:
    log_event(log, "working_shown", kind=working.kind, channel_id=channel_id, message_ts=ts)
    return working


def _failed(method: str, channel_id: str, exc: SlackApiError) -> None:
    log_event(
        log,
        "working_failed",
        logging.WARNING,
        method=method,
        channel_id=channel_id,
        error=exc.response.get("error"),
    )
