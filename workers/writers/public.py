"""A public answer in the thread: streamed (chat.startStream/append/stop), or one message updated at most once a second."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.chat_stream import ChatStream

from core.answer_extras import extras_blocks
from core.blocks import Source, StartOver, feedback_block, public_answer_messages, sources_blocks
from core.logs import log_event
from core.message_marks import answer_mark
from core.slack_budget import SlackBudget
from workers.writers.posting import STREAM_SOFT_MAX_CHARS, Posting
from workers.writers.steps import StreamSteps

__all__ = ["PublicWriter"]

log = logging.getLogger("gleanbot.writer")

STREAM_BUFFER_CHARS = 200
"""Characters gathered before each chat.appendStream (Tier 4: 100+ calls a minute). The answer's first text is
sent at once, without waiting for this much: at Glean's ~40 tokens/s, 200 characters take over a second."""
STREAM_HARD_MAX_CHARS = 11_500
"""A streamed message never grows beyond this (Slack's markdown limit is 12,000)."""
_FENCE = "```"


class _NoStreamBudget(Exception):
    """The workspace's chat.startStream/stopStream budget is spent right now."""


class PublicWriter(Posting):
    """A public answer in the thread. Streams when Slack allows it, else posts once and updates ≤1/s.

    Streamed answers longer than one message continue in further streamed messages; a Slack error while
    streaming switches to chat.update on the message so far, so nothing already shown is lost.

    With a `budget` (Slack's rate limits, shared by every worker), it never queues behind them: it streams
    when a start and a stop are both available; else posts the first text and updates it while chat.update
    tokens last (one kept for the final); else posts the final answer alone. A `placeholder_ts` (the
    listener's "Looking this up…" reply) becomes the answer's message, updated in place.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        channel_id: str,
        thread_ts: str,
        team_id: str,
        user_id: str,
        streaming: bool,
        on_message: Callable[[str], None] = lambda ts: None,
        on_opening: Callable[[], None] = lambda: None,
        question_ts: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        start_over: StartOver | None = None,
        budget: SlackBudget | None = None,
        placeholder_ts: str | None = None,
    ) -> None:
        self._start_over = start_over
        self._client = client
        self._channel_id = channel_id
        self._thread_ts = thread_ts
        self._team_id = team_id
        self._user_id = user_id
        self._streaming = streaming
        self._on_message = on_message
        self._on_opening = on_opening
        self._mark = answer_mark(question_ts) if question_ts else None
        self._clock = clock
        self._stream: ChatStream | None = None
        self._streamed_ts: list[str] = []
        self._text = ""  # the text of the current message (all of it in update mode)
        self._pending = ""  # streamed text not yet sent (gathered up to STREAM_BUFFER_CHARS)
        self._update_ts: str | None = placeholder_ts
        self._last_update = 0.0
        self._budget = budget
        self._placeholder = placeholder_ts is not None
        self._final_reserved = False  # a chat.update token kept for the final edit of a posted message
        self._final_only = False  # no budget to show progress: only the finished answer is posted
        self._steps = StreamSteps()  # Glean's work steps, as task chunks of the streamed message
        self._text_shown = False  # answer text (not only steps) reached Slack
        if self._placeholder:
            self._streaming = False  # the placeholder is an ordinary message: it is edited, not streamed
            self._final_reserved = True  # the listener took its final edit's token with the placeholder

    @property
    def wrote_placeholder(self) -> bool:
        """Whether the answer went into the listener's placeholder (which then stays)."""
        return self._placeholder

    @property
    def visible(self) -> bool:
        return (bool(self._streamed_ts) and self._text_shown) or (
            self._update_ts is not None and bool(self._text)
        )

    # -- streaming -------------------------------------------------------------------------------------
    def _open_stream(self) -> ChatStream:
        if self._stream is None:
            if not self._allowed("chat.startStream", "chat.stopStream"):
                raise _NoStreamBudget()
            self._on_opening()  # startStream takes no metadata: a retry finds an unrecorded one unmarked
            # Streaming into a channel needs the recipient; a stream is always a reply in a thread.
            self._stream = self._client.chat_stream(
                channel=self._channel_id,
                thread_ts=self._thread_ts,
                recipient_team_id=self._team_id,
                recipient_user_id=self._user_id,
                buffer_size=1,  # every append is sent: `append` below decides how much text to gather
                task_display_mode="plan",  # Glean's steps together in one plan block, not cards between text
            )
        return self._stream

    def _send(self, text: str) -> None:
        stream = self._open_stream()
        self._text += text
        stream.append(markdown_text=text, chunks=self._steps.take() or None)
        self._text_shown = True
        self._note_stream_ts()

    def _note_stream_ts(self) -> None:
        ts = self._stream.ts if self._stream is not None else None
        if ts and ts not in self._streamed_ts:
            self._streamed_ts.append(ts)
            self._on_message(ts)

    def _append_streaming(self, delta: str) -> None:
        while delta:
            used = len(self._text)
            room = STREAM_HARD_MAX_CHARS - used
            roll = False
            cut = len(delta)
            if used + len(delta) > STREAM_SOFT_MAX_CHARS:
                newline = delta.find("\n", max(0, STREAM_SOFT_MAX_CHARS - used))
                if 0 <= newline < room:
                    cut, roll = newline + 1, True
                elif len(delta) > room:
                    cut, roll = room, True
            try:
                self._send(delta[:cut])
                if not roll:
                    return
                # Close an open code block in this message and reopen it in the next.
                closing = "\n" + _FENCE if self._text.count(_FENCE) % 2 == 1 else ""
                assert self._stream is not None
                self._stream.stop(
                    markdown_text=closing or None, chunks=self._steps.end() or None, metadata=self._mark
                )
                self._note_stream_ts()
            except SlackApiError as exc:
                self._switch_to_updates(exc, unsent=delta[cut:])
                return
            except _NoStreamBudget:
                self._post_instead(unsent=delta)
                return
            self._stream = None
            self._text = ""
            delta = (_FENCE + "\n" if closing else "") + delta[cut:]

    def _flush_pending(self) -> None:
        text, self._pending = self._pending, ""
        if text:
            self._append_streaming(text)

    def _switch_to_updates(self, exc: SlackApiError, unsent: str = "") -> None:
        log_event(
            log,
            "stream_unavailable",
            logging.WARNING,
            channel_id=self._channel_id,
            error=exc.response.get("error"),
        )
        self._streaming = False
        self._stream = None
        self._text += unsent
        if self._streamed_ts:
            # Carry on in the streamed message itself, with chat.update.
            self._update_ts = self._streamed_ts[-1]
        if self._text:
            self._interim_update(force=True)

    def _post_instead(self, unsent: str) -> None:
        """No stream budget: this message (the first, or the next after a full one) is posted and updated."""
        log_event(log, "stream_budget_spent", channel_id=self._channel_id)
        self._streaming = False
        self._stream = None
        self._text += unsent
        self._interim_update(force=True)

    def step(self, text: str) -> bool:
        """A Glean work step as a task of the stream (opening it if need be); False where it is not shown."""
        if not self._streaming or not self._steps.enabled:
            return False
        self._steps.add(text)
        if self._stream is not None and not self._allowed("chat.appendStream"):
            return True  # Tier 4 spent for now: the step goes with the next append (or the stop)
        try:
            self._open_stream().append(chunks=self._steps.take())
        except _NoStreamBudget:
            log_event(log, "stream_budget_spent", channel_id=self._channel_id)
            self._streaming = False  # the answer is posted when its text comes; the steps go to the status
            return False
        except SlackApiError as exc:
            error = exc.response.get("error")
            log_event(log, "steps_unavailable", logging.WARNING, channel_id=self._channel_id, error=error)
            self._steps.enabled, _ = False, self._steps.end()
            if self._stream is not None and not self._stream.ts:  # Slack refused the stream: post instead
                self._streaming, self._stream = False, None
            return False
        self._note_stream_ts()
        return True

    def end_steps(self) -> None:
        """The answer failed before any text: its message of steps alone goes (a notice or a retry follows)."""
        if self._stream is None or self._text_shown or not self._stream.ts:
            return
        with contextlib.suppress(SlackApiError):
            self._stream.stop(chunks=self._steps.end("error") or None)
            self._client.chat_delete(channel=self._channel_id, ts=self._stream.ts)
        self._stream = None

    # -- AnswerWriter ----------------------------------------------------------------------------------
    def append(self, delta: str) -> None:
        if not delta:
            return
        if self._streaming:
            self._pending += delta
            if self.visible and len(self._pending) < STREAM_BUFFER_CHARS:
                return
            if self._stream is not None and not self._allowed("chat.appendStream"):
                return  # Tier 4 spent for now: keep gathering, the next delta (or the stop) sends it
            self._flush_pending()
            return
        self._text += delta
        self._interim_update()

    def finish(self, markdown: str, sources: Sequence[Source]) -> None:
        if self._streaming and len(self._text) + len(self._pending) > STREAM_SOFT_MAX_CHARS:
            self._flush_pending()  # a long tail goes through the roll-over into further messages
        if self._streaming:
            tail = [*sources_blocks(sources), *extras_blocks(), feedback_block(self._start_over)]
            last, self._pending = self._pending, ""  # sent with the stop: one call fewer
            try:
                if self._stream is None and self._streamed_ts and not last:
                    # The answer filled whole messages: the Sources and buttons get one of their own.
                    self._on_message(self._post("Sources", tail))
                    return
                self._text += last
                empty = not self._text.strip() and not self._text_shown
                self._open_stream().stop(
                    markdown_text="_Glean returned an empty answer._" if empty else (last or None),
                    chunks=self._steps.end() or None,
                    blocks=tail,
                    metadata=self._mark,
                )
                self._note_stream_ts()
                return
            except SlackApiError as exc:
                self._switch_to_updates(exc)
            except _NoStreamBudget:
                self._streaming = False  # the whole answer is here: posted as one message
        body = self._text.strip() if (self._text.strip() or self._streamed_ts) else markdown
        self._post_final(public_answer_messages(body, sources, start_over=self._start_over))

    def abort(self, notice: str) -> None:
        note = f"\n\n:warning: _{notice}_"
        if self._streaming:
            self._flush_pending()  # what Glean sent before it broke off is shown, then the notice
        if self._streaming and self._stream is not None:
            try:
                self._stream.stop(
                    markdown_text=note, chunks=self._steps.end("error") or None, metadata=self._mark
                )
                self._note_stream_ts()
                return
            except SlackApiError as exc:
                self._switch_to_updates(exc)
        if self._update_ts is not None:
            self._pace("chat.update")
            self._client.chat_update(
                channel=self._channel_id,
                ts=self._update_ts,
                text=f":warning: {notice}",
                blocks=[{"type": "markdown", "text": self._text[:STREAM_SOFT_MAX_CHARS] + note}],
            )
        else:
            self._client.chat_postMessage(
                channel=self._channel_id,
                thread_ts=self._thread_ts,
                text=f":warning: {notice}",
                metadata=self._mark,
            )
