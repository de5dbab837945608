"""The post-and-update way of showing an answer: one message, edited at most once a second, paced by the budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from core.blocks import SlackMessage
from core.slack_budget import SlackBudget

__all__ = ["STREAM_SOFT_MAX_CHARS", "UPDATE_INTERVAL_S", "Posting"]

UPDATE_INTERVAL_S = 1.0
"""chat.update is Tier 3 (about 1 call per second per message)."""
STREAM_SOFT_MAX_CHARS = 10_000
"""Past this, a message ends at the next line break and the answer continues in a new one."""


class Posting:
    """State and calls of a posted (not streamed) answer message; `PublicWriter` builds on it."""

    _client: WebClient
    _channel_id: str
    _thread_ts: str
    _budget: SlackBudget | None
    _clock: Callable[[], float]
    _on_message: Callable[[str], None]
    _on_opening: Callable[[], None]
    _mark: dict[str, Any] | None  # the metadata naming the question (core.message_marks)
    _text: str
    _update_ts: str | None
    _last_update: float
    _final_reserved: bool
    _final_only: bool

    def _allowed(self, *methods: str) -> bool:
        """Whether the budget has a token of each method now (taken if so); no budget: always."""
        return self._budget is None or self._budget.take(*methods, channel_id=self._channel_id)

    def _pace(self, method: str) -> None:
        """For a call that goes out anyway (the answer, its end, a notice): wait for its token a little."""
        if self._budget is not None:
            self._budget.wait(method, channel_id=self._channel_id)

    def _interim_update(self, force: bool = False) -> None:
        now = self._clock()
        if self._final_only or (not force and now - self._last_update < UPDATE_INTERVAL_S):
            return
        blocks = [{"type": "markdown", "text": self._text[:STREAM_SOFT_MAX_CHARS] + " …"}]
        if self._update_ts is None and not self._allowed("chat.postMessage", "chat.update"):
            self._final_only = True  # no progress can be shown without risking the final edit
            return
        if self._update_ts is not None and self._budget is not None:
            # Within Slack's budget a posted answer is "a post and a single update": chat.update (Tier 3) is
            # shared by every answer in the workspace, and each one's final edit must find a token.
            return
        if self._update_ts is None:
            self._final_reserved = True
            self._update_ts = self._post("Answering…", blocks)
            self._on_message(self._update_ts)
        else:
            self._client.chat_update(
                channel=self._channel_id, ts=self._update_ts, text="Answering…", blocks=blocks
            )
        self._last_update = now

    def _post_final(self, final: list[SlackMessage]) -> None:
        first, rest = final[0], final[1:]
        if self._update_ts is None:
            self._pace("chat.postMessage")
            self._on_message(self._post(first.text, first.blocks))
        else:
            if not self._final_reserved:
                self._pace("chat.update")
            self._client.chat_update(
                channel=self._channel_id, ts=self._update_ts, text=first.text, blocks=first.blocks
            )
        for message in rest:
            self._pace("chat.postMessage")
            self._on_message(self._post(message.text, message.blocks))  # recorded before the next part

    def _post(self, text: str, blocks: list[dict[str, Any]]) -> str:
        """A message in the answer's thread (links not unfurled: the Sources are the links); its ts."""
        self._on_opening()  # until `_on_message` records the ts, a retry looks for the message in the thread
        reply = self._client.chat_postMessage(
            channel=self._channel_id,
            thread_ts=self._thread_ts,
            text=text,
            blocks=blocks,
            metadata=self._mark,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(reply["ts"])
