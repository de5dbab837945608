"""The `/feedback` body: what a person did with something Glean served (a vote, a written reason)."""

from __future__ import annotations

from enum import StrEnum

from ._base import GleanModel


class FeedbackEvent(StrEnum):
    """The `event` values a chat client sends; Glean knows more (clicks, views), which stay plain strings."""

    UPVOTE = "UPVOTE"
    DOWNVOTE = "DOWNVOTE"
    MANUAL_FEEDBACK = "MANUAL_FEEDBACK"


class FeedbackCategory(StrEnum):
    CHAT = "CHAT"
    ANSWERS = "ANSWERS"
    SEARCH = "SEARCH"
    GENERAL = "GENERAL"


class FeedbackIssue(StrEnum):
    """`manualFeedbackInfo.issues` values for what was wrong with a chat answer."""

    INACCURATE_RESPONSE = "INACCURATE_RESPONSE"
    OUTDATED_RESPONSE = "OUTDATED_RESPONSE"
    INCOMPLETE_OR_NO_ANSWER = "INCOMPLETE_OR_NO_ANSWER"
    INCORRECT_CITATION = "INCORRECT_CITATION"
    MISSING_CITATION = "MISSING_CITATION"
    OTHER = "OTHER"


class ManualFeedbackInfo(GleanModel):
    source: str | None = None
    """Where the feedback was given, e.g. `CHAT`."""
    issues: list[str] | None = None
    comments: str | None = None
    vote: str | None = None
    """`UPVOTE` or `DOWNVOTE`: the vote the written feedback explains."""


class Feedback(GleanModel):
    """The body of `POST /rest/api/v1/feedback` (Glean's SDK: `client.activity.feedback(feedback1=...)`)."""

    tracking_tokens: list[str]
    event: str
    id: str | None = None
    """A unique id: Glean keeps only the first event it receives with a given id (safe retransmission)."""
    category: str | None = None
    payload: str | None = None
    application_id: str | None = None
    manual_feedback_info: ManualFeedbackInfo | None = None
