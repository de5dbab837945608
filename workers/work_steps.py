"""Glean's UPDATE steps as they arrive: tasks of the streamed answer, else the words of the thread's status line."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.contract import AnswerJob
from core.logs import log_event
from core.slack_budget import SlackBudget
from core.slack_ops import impatient
from workers.writers import AnswerWriter, PublicWriter

__all__ = ["STATUS_MAX_CHARS", "WorkSteps", "status_text"]

log = logging.getLogger("gleanbot.answer")

STATUS_MAX_CHARS = 100
"""Slack shows the status on one line under the thread; a long step is cut there."""


def status_text(step: str) -> str:
    """ "Searching: holidays" → "is searching: holidays…" (Slack writes the app's name before a status)."""
    words = step[:1].lower() + step[1:]
    text = f"is {words}"
    return (text if len(text) < STATUS_MAX_CHARS else text[: STATUS_MAX_CHARS - 1].rstrip()) + "…"


class WorkSteps:
    """Follows `AnswerBuilder.updates`. A step goes into the streamed message as a task when the writer streams;
    otherwise, where the listener's sign of work is the status line and no answer text is up yet (Slack clears
    the status when the bot posts), it becomes the status, each call within the Tier 3 budget (a step without
    a token is skipped: the next one says more anyway)."""

    def __init__(self, client: WebClient, budget: SlackBudget, job: AnswerJob, writer: AnswerWriter) -> None:
        self._client = impatient(client)  # a status is only worth showing now: a 429 is not waited out
        self._budget = budget
        self._job = job
        self._writer = writer
        self._seen = 0
        # A status under a channel thread is seen by everyone there: a private answer's steps (its query, the
        # titles of documents only the asker may read) stay out of it; the listener's generic words remain.
        self._status_on = job.status and (job.answers_in_thread or job.is_dm)

    def follow(self, updates: list[str]) -> None:
        for step in updates[self._seen :]:
            self._seen += 1
            if isinstance(self._writer, PublicWriter) and self._writer.step(step):
                self._status_on = False  # the stream's first post ended the status line
                continue
            self._status(step)

    def failed(self) -> None:
        """The answer broke off before its text: a message of steps alone is ended."""
        if isinstance(self._writer, PublicWriter):
            self._writer.end_steps()

    def _status(self, step: str) -> None:
        if not self._status_on or self._writer.visible:
            return
        if not self._budget.take("assistant.threads.setStatus"):
            return
        try:
            self._client.assistant_threads_setStatus(
                channel_id=self._job.channel_id, thread_ts=self._job.thread_ts, status=status_text(step)
            )
        except SlackApiError as exc:
            self._status_on = False
            log_event(
                log,
                "status_not_updated",
                logging.WARNING,
                channel_id=self._job.channel_id,
                error=exc.response.get("error"),
            )
