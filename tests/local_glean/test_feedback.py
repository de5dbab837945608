"""`/feedback`: votes are refused with a reason when malformed, and recorded with whoever sent them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from glean.api_client import models as sdk_models

from local_glean import LocalGlean

from .helpers import HTTP, USER_EMAIL, USER_TOKEN, ask_chat, headers, post, sdk


def recorded(server: LocalGlean, user: str) -> list[dict[str, Any]]:
    reply = HTTP.get(f"{server.url}/_local/feedback", params={"user": user})
    assert reply.status_code == 200
    records: list[dict[str, Any]] = reply.json()["feedback"]
    return records


def answer_token(response: dict[str, Any]) -> str:
    [content] = [m for m in response["messages"] if m.get("messageType") == "CONTENT"]
    token: str = content["messageTrackingToken"]
    return token


def test_a_vote_on_an_answer_is_recorded_as_the_acted_as_user(server: LocalGlean, user: str) -> None:
    answer = ask_chat(server, user, "How many PTO days do I get?", saveChat=True)
    token = answer_token(answer)
    reply = post(server, "feedback", {"trackingTokens": [token], "event": "UPVOTE", "category": "CHAT"}, user)
    assert (reply.status_code, reply.content) == (200, b"")
    [vote] = recorded(server, user)
    assert (vote["event"], vote["trackingTokens"], vote["user"], vote["acting"]) == (
        "UPVOTE",
        [token],
        user,
        True,
    )
    assert vote["chatId"] == answer["chatId"]  # the voter's own answer


def test_a_user_token_votes_as_its_own_user_and_a_reason_is_kept(server: LocalGlean) -> None:
    body = {
        "trackingTokens": ["t-from-elsewhere"],
        "event": "MANUAL_FEEDBACK",
        "category": "CHAT",
        "manualFeedbackInfo": {
            "source": "CHAT",
            "issues": ["OUTDATED_RESPONSE"],
            "comments": "old",
            "vote": "DOWNVOTE",
        },
    }
    reply = HTTP.post(f"{server.url}/rest/api/v1/feedback", headers=headers(token=USER_TOKEN), json=body)
    assert reply.status_code == 200
    vote = recorded(server, USER_EMAIL)[-1]
    assert (vote["user"], vote["acting"], vote["chatId"]) == (USER_EMAIL, False, None)
    assert vote["manualFeedbackInfo"]["issues"] == ["OUTDATED_RESPONSE"]
    assert vote["manualFeedbackInfo"]["comments"] == "old"


def test_an_event_id_counts_once(server: LocalGlean, user: str) -> None:
    body = {"trackingTokens": ["t"], "event": "DOWNVOTE", "id": "once-1"}
    assert post(server, "feedback", body, user).status_code == 200
    assert post(server, "feedback", body, user).status_code == 200
    assert len(recorded(server, user)) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"event": "UPVOTE"}, "trackingTokens"),
        ({"trackingTokens": [], "event": "UPVOTE"}, "at least one"),
        ({"trackingTokens": [""], "event": "UPVOTE"}, "non-empty"),
        ({"trackingTokens": ["t"], "event": "THUMBS_UP"}, "event must be"),
        ({"trackingTokens": ["t"], "event": "UPVOTE", "category": "SLACK"}, "category"),
        ({"trackingTokens": ["t"], "event": "MANUAL_FEEDBACK"}, "manualFeedbackInfo"),
        ({"trackingTokens": ["t"], "event": "DOWNVOTE", "manualFeedbackInfo": {"issues": ["MEH"]}}, "MEH"),
        ({"trackingTokens": "t", "event": "UPVOTE"}, "trackingTokens"),
    ],
)
def test_malformed_feedback_is_a_400_with_the_reason(
    server: LocalGlean, user: str, body: dict[str, Any], reason: str
) -> None:
    reply = post(server, "feedback", body, user)
    assert reply.status_code == 400 and reason in reply.text
    assert recorded(server, user) == []


def test_feedback_needs_a_token_like_every_operation(server: LocalGlean) -> None:
    reply = httpx.post(
        f"{server.url}/rest/api/v1/feedback", json={"trackingTokens": ["t"], "event": "UPVOTE"}
    )
    assert reply.status_code == 401


def test_glean_s_own_sdk_reports_feedback_the_same_way(server: LocalGlean, user: str) -> None:
    with sdk(server, act_as=user) as client:
        client.client.activity.feedback(
            feedback1=sdk_models.Feedback(tracking_tokens=["t-sdk"], event=sdk_models.FeedbackEvent.UPVOTE)
        )
    [vote] = recorded(server, user)
    assert (vote["event"], vote["trackingTokens"], vote["user"]) == ("UPVOTE", ["t-sdk"], user)
