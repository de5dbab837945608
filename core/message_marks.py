"""The metadata on each of the bot's own messages, saying which question an answer belongs to.

A worker killed after Slack created a message but before its ts was recorded leaves that message behind.
The retry finds it in the thread by this mark (an answer part names its question) or, for a stream Slack
opened (`chat.startStream` takes no metadata), by having no mark: every other message the bot posts is marked.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ANSWER_EVENT", "POST_EVENT", "answer_mark", "answer_question_ts", "is_marked", "post_mark"]

ANSWER_EVENT = "gleanbot_answer"
"""A message of an answer; its payload's `question_ts` is the question's ts."""
POST_EVENT = "gleanbot_post"
"""Any other message of the bot (a notice, a placeholder, a shared answer, a follow-up's "asked: …")."""


def answer_mark(question_ts: str) -> dict[str, Any]:
    return {"event_type": ANSWER_EVENT, "event_payload": {"question_ts": question_ts}}


def post_mark(kind: str) -> dict[str, Any]:
    return {"event_type": POST_EVENT, "event_payload": {"kind": kind}}


def _metadata(message: dict[str, Any]) -> dict[str, Any]:
    metadata = message.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def is_marked(message: dict[str, Any]) -> bool:
    """Whether the message carries one of the bot's marks (read with `include_all_metadata`)."""
    return _metadata(message).get("event_type") in (ANSWER_EVENT, POST_EVENT)


def answer_question_ts(message: dict[str, Any]) -> str | None:
    """The question an answer message belongs to; None for any other message."""
    metadata = _metadata(message)
    payload = metadata.get("event_payload")
    if metadata.get("event_type") != ANSWER_EVENT or not isinstance(payload, dict):
        return None
    question_ts = payload.get("question_ts")
    return question_ts if isinstance(question_ts, str) else None
