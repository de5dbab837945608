"""`client.activity.feedback`: the vote's body on the wire, its identity header, and how failures surface."""

from __future__ import annotations

import json
from typing import Any

import pytest
from glean.api_client import models as sdk_models

from glean_chat import Glean, errors, models
from tests.glean_chat.scripted import Reply, ScriptedServer
from tests.glean_chat.test_spec_conformance import is_contained, roundtrip


def test_an_upvote_is_posted_with_wire_names_and_gets_no_content_back(
    server: ScriptedServer, glean: Glean
) -> None:
    server.queue(Reply(status=200, body=b"", content_type=None))
    glean.client.activity.feedback(
        feedback1={"tracking_tokens": ["tok-1"], "event": "UPVOTE", "category": "CHAT", "id": "e-1"},
        x_glean_actas="alice@example.com",
    )
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/rest/api/v1/feedback")
    assert request.json() == {"trackingTokens": ["tok-1"], "event": "UPVOTE", "category": "CHAT", "id": "e-1"}
    assert request.headers["x-glean-actas"] == "alice@example.com"
    assert request.headers["authorization"] == "Bearer tok-123"


def test_a_written_reason_travels_in_manual_feedback_info(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(status=200, body=b"", content_type=None))
    glean.client.activity.feedback(
        feedback1=models.Feedback(
            tracking_tokens=["tok-2"],
            event=models.FeedbackEvent.MANUAL_FEEDBACK,
            category=models.FeedbackCategory.CHAT,
            manual_feedback_info=models.ManualFeedbackInfo(
                source="CHAT",
                issues=[models.FeedbackIssue.OUTDATED_RESPONSE],
                comments="The 2024 list",
                vote="DOWNVOTE",
            ),
        )
    )
    body: Any = server.requests[0].json()
    assert body["manualFeedbackInfo"] == {
        "source": "CHAT",
        "issues": ["OUTDATED_RESPONSE"],
        "comments": "The 2024 list",
        "vote": "DOWNVOTE",
    }
    # Glean's own SDK model reads back every key we sent, unrenamed.
    assert is_contained(body, roundtrip(sdk_models.Feedback, body))


def test_a_body_without_tokens_is_refused_before_anything_is_sent(
    server: ScriptedServer, glean: Glean
) -> None:
    with pytest.raises(ValueError, match="trackingTokens"):
        glean.client.activity.feedback(feedback1={"tracking_tokens": [], "event": "UPVOTE"})
    with pytest.raises(ValueError, match="Feedback"):
        glean.client.activity.feedback(feedback1={"event": "UPVOTE"})
    assert server.requests == []


def test_a_refusal_is_a_typed_error_with_the_status(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(status=400, body=json.dumps({"message": "bad token"}).encode()))
    with pytest.raises(errors.GleanError) as caught:
        glean.client.activity.feedback(feedback1={"tracking_tokens": ["t"], "event": "UPVOTE"})
    assert caught.value.status_code == 400


def test_a_500_is_retried_only_when_the_event_has_an_id(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(status=500), Reply(status=200, body=b"", content_type=None))
    glean.client.activity.feedback(feedback1={"tracking_tokens": ["t"], "event": "UPVOTE", "id": "e-9"})
    assert len(server.requests) == 2  # the id makes a resend harmless: Glean keeps the first
    server.requests.clear()
    server.queue(Reply(status=500), Reply(status=200, body=b"", content_type=None))
    with pytest.raises(errors.GleanError):
        glean.client.activity.feedback(feedback1={"tracking_tokens": ["t"], "event": "UPVOTE"})
    assert len(server.requests) == 1
