"""👍/👎 on answers: counted in Redis, sent to Glean's /feedback as the voter, and on 👎 a "What was wrong?" modal."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.blocks import parse_vote, plain_text
from core.logs import log_event
from core.settings import Settings
from core.slack_ops import asker_email
from core.store import Store
from glean_chat import Glean, models
from glean_chat.utils import NO_RETRIES, BackoffStrategy, RetryConfig

__all__ = ["FEEDBACK_TIMEOUT_S", "REASONS", "REASON_CALLBACK_ID", "FeedbackHandler", "share_vote_target"]

log = logging.getLogger("gleanbot.actions")  # the buttons' logger, as for Share and Start over

REASON_CALLBACK_ID = "gleanbot_feedback_reason"
REASONS = {
    "wrong": ("It's wrong", models.FeedbackIssue.INACCURATE_RESPONSE),
    "outdated": ("It's out of date", models.FeedbackIssue.OUTDATED_RESPONSE),
    "incomplete": ("It's incomplete", models.FeedbackIssue.INCOMPLETE_OR_NO_ANSWER),
    "other": ("Something else", models.FeedbackIssue.OTHER),
}
"""The modal's choices: the words people see, and the Glean issue each one is sent as."""
COMMENT_MAX_CHARS = 1_000
FEEDBACK_TIMEOUT_S = 5.0
"""One /feedback call; it runs after the ack, in the listener's worker thread, so it is kept short."""
FEEDBACK_RETRIES = RetryConfig(
    "backoff",
    BackoffStrategy(initial_interval=250, max_interval=2_000, exponent=2.0, max_elapsed_time=8_000),
    retry_connection_errors=True,
)
"""Every event carries a fresh `id`, so a resend after a 5XX is harmless (Glean keeps the first)."""


def _dig(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...`, or None where a level is missing or not an object (payloads are not trusted)."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _ids(body: dict[str, Any]) -> tuple[str, str]:
    user = body.get("user") or {}
    team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
    return team_id, str(user.get("id") or "")


def share_vote_target(store: Store, team_id: str, share: dict[str, Any]) -> str | None:
    """A vote record for a private answer shared to its thread: now anyone in the channel may vote on it."""
    token = share.get("tracking_token")
    if not token:
        return None
    ref = uuid.uuid4().hex[:16]
    record = {"tracking_token": token, "channel_id": share["channel_id"], "user_id": share["user_id"]}
    store.save_vote_target(team_id, ref, {**record, "private": False})
    return ref


class FeedbackHandler:
    """The feedback button and the reason modal's submission. Nothing Glean answers is ever shown."""

    def __init__(self, settings: Settings, store: Store, glean: Glean) -> None:
        self.settings = settings
        self.store = store
        self.glean = glean
        self.retries = FEEDBACK_RETRIES if settings.glean_retry_s > 0 else NO_RETRIES

    def on_vote(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Count the vote (one per person per message, the latest wins), then tell Glean, as the voter."""
        ack()
        team_id, user_id = _ids(body)
        verdict, ref = parse_vote(body["actions"][0].get("value"))
        channel_id = str(
            (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        )
        message_ts = str(
            (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
        )
        previous, total = self.store.record_feedback(team_id, channel_id, message_ts, user_id, verdict)
        # `count`: answers rated `verdict` so far (Redis feedback_total:{verdict}); a metrics pipeline reads either.
        fields = {"team_id": team_id, "channel_id": channel_id, "message_ts": message_ts, "user_id": user_id}
        status = (
            "changed" if previous not in (None, verdict) else ("repeated" if previous == verdict else "new")
        )
        log_event(log, "feedback", reason=verdict, status=status, count=total, **fields)
        token = self._token(team_id, ref, user_id, channel_id)
        if token is None:
            return  # nothing to tell Glean: no answer token, or someone else's private answer
        if verdict == "bad":
            self._ask_reason(client, body, str(ref), fields)  # first: the click's trigger_id lasts 3 s
        if previous == verdict:
            return  # the same vote again: Glean has it (a repeated 👎 still offers the modal)
        event = models.FeedbackEvent.UPVOTE if verdict == "good" else models.FeedbackEvent.DOWNVOTE
        self._send(client, team_id, user_id, models.Feedback(tracking_tokens=[token], event=event), fields)

    def on_reason(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The modal's submit: its reason and comment go to Glean as written feedback on the same answer."""
        values = _dig(body, "view", "state", "values")
        reason = _dig(values, "reason", "reason", "selected_option", "value")
        typed = _dig(values, "comment", "comment", "value")
        comment = typed.strip() if isinstance(typed, str) else ""
        if reason not in REASONS:
            ack(response_action="errors", errors={"reason": "Pick what was wrong."})
            return
        if len(comment) > COMMENT_MAX_CHARS:
            ack(response_action="errors", errors={"comment": f"At most {COMMENT_MAX_CHARS} characters."})
            return
        ack()  # closes the modal
        team_id, user_id = _ids(body)
        _, ref_ok = parse_vote(f"bad:{_dig(body, 'view', 'private_metadata')}")
        fields = {"team_id": team_id, "user_id": user_id}
        token = self._token(team_id, ref_ok, user_id, None)
        log_event(log, "feedback_reason", reason=reason, **fields)
        if token is None:
            return
        info = models.ManualFeedbackInfo(
            source="CHAT", issues=[REASONS[reason][1]], comments=comment or None, vote="DOWNVOTE"
        )
        feedback = models.Feedback(
            tracking_tokens=[token], event=models.FeedbackEvent.MANUAL_FEEDBACK, manual_feedback_info=info
        )
        self._send(client, team_id, user_id, feedback, fields)

    def _token(self, team_id: str, ref: str | None, user_id: str, channel_id: str | None) -> str | None:
        """The answer's Glean token, if this person may vote on it (the button's value is never trusted)."""
        target = self.store.vote_target(team_id, ref) if ref else None
        refusal = None
        if target is None:
            refusal = "no_token" if ref is None else "expired"
        elif channel_id is not None and target["channel_id"] != channel_id:
            refusal = "other_channel"  # a value copied from another channel's answer
        elif target.get("private") and target["user_id"] != user_id:
            refusal = "not_asker"  # only the asker sees a private answer: this click was forged
        if target is None or refusal is not None:
            level = logging.WARNING if refusal in ("other_channel", "not_asker") else logging.INFO
            log_event(log, "feedback_not_sent", level, reason=refusal, team_id=team_id, user_id=user_id)
            return None
        return str(target["tracking_token"])

    def _ask_reason(self, client: WebClient, body: dict[str, Any], ref: str, fields: dict[str, str]) -> None:
        try:
            trigger_id = body.get("trigger_id")
            client.views_open(
                trigger_id=trigger_id if isinstance(trigger_id, str) else "", view=reason_modal(ref)
            )
        except SlackApiError as exc:
            # The vote still counts and still goes to Glean; only the chance to say why is lost.
            log_event(
                log, "feedback_modal_failed", logging.WARNING, error=exc.response.get("error"), **fields
            )

    def _send(
        self, client: WebClient, team_id: str, user_id: str, feedback: models.Feedback, fields: dict[str, str]
    ) -> None:
        act_as = None
        if self.settings.acts_as_asker:
            act_as = asker_email(client, self.store, team_id=team_id, user_id=user_id)
            if act_as is None:
                log_event(log, "feedback_not_sent", logging.WARNING, reason="no_email", **fields)
                return
        sent = feedback.model_copy(update={"id": uuid.uuid4().hex, "category": models.FeedbackCategory.CHAT})
        try:
            self.glean.client.activity.feedback(feedback1=sent, x_glean_actas=act_as, retries=self.retries)
        except Exception as exc:
            # Never shown: the person's vote is counted either way, and there is nothing they could do.
            status = getattr(exc, "status_code", None)
            log_event(
                log, "feedback_not_sent", logging.WARNING, reason="glean_error", error=str(status), **fields
            )
            return
        log_event(log, "feedback_sent", kind=str(feedback.event), **fields)


def reason_modal(ref: str) -> dict[str, Any]:
    """The 👎 modal: one required choice and an optional comment; `private_metadata` names the vote record."""

    options = [{"text": plain_text(words), "value": key} for key, (words, _) in REASONS.items()]
    return {
        "type": "modal",
        "callback_id": REASON_CALLBACK_ID,
        "private_metadata": ref,
        "title": plain_text("What was wrong?"),
        "submit": plain_text("Send"),
        "close": plain_text("Skip"),
        "blocks": [
            {
                "type": "input",
                "block_id": "reason",
                "label": plain_text("What was wrong with this answer?"),
                "element": {"type": "radio_buttons", "action_id": "reason", "options": options},
            },
            {
                "type": "input",
                "block_id": "comment",
                "optional": True,
                "label": plain_text("Anything to add?"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "comment",
                    "multiline": True,
                    "max_length": COMMENT_MAX_CHARS,
                },
            },
        ],
    }
