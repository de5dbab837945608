"""`client.activity`: reporting what people did with Glean's results (votes), as `client.activity` in Glean's SDK."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import models
from ._transport import Transport
from .chat import Chat, validated

FeedbackInput = models.Feedback | Mapping[str, Any]


class Activity:
    """The activity operations; each takes the same per-call options as `client.chat`'s (act-as, retries...)."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport
        # The request plumbing (headers, act-as, timeouts) is the chat operations' own, not a copy of it.
        self._calls = Chat(transport)

    def feedback(self, *, feedback1: FeedbackInput, **options: Any) -> None:
        """Report one event (`UPVOTE`, `DOWNVOTE`, `MANUAL_FEEDBACK`, ...) on the results its trackingTokens name.

        `feedback1` is the SDK's name for the JSON body (its `feedback` is a query-string copy, not sent here).
        Glean answers 200 with no content. Not idempotent unless the event carries an `id`: Glean keeps
        only the first event with a given id, so only then is a reply-less failure retried.
        """
        body = validated(models.Feedback, feedback1)
        if not body.tracking_tokens:
            raise ValueError("invalid Feedback: trackingTokens must name at least one token")
        call = self._calls._call(
            "feedback", idempotent=body.id is not None, body=body.to_wire(), accept="*/*", **options
        )
        self._t.send(call, options.get("retries"))
