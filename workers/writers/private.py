"""A private answer: one ephemeral message (or several) for the asker alone, with a "Share to thread" button."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient

from core.blocks import Source, StartOver, private_answer_messages

__all__ = ["PrivateWriter"]


class PrivateWriter:
    """A private answer: gathered, then shown to the asker alone with a "Share to thread" button.

    Ephemeral messages cannot be streamed or updated, so nothing is visible until `finish`.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        channel_id: str,
        thread_ts: str,
        user_id: str,
        share_id: str,
        start_over: StartOver | None = None,
        with_their_access: bool = True,
    ) -> None:
        self._start_over = start_over
        self._client = client
        self._channel_id = channel_id
        self._thread_ts = thread_ts
        self._user_id = user_id
        self._share_id = share_id
        self._with_their_access = with_their_access
        self._text = ""

    @property
    def visible(self) -> bool:
        return False

    def append(self, delta: str) -> None:
        self._text += delta

    def finish(self, markdown: str, sources: Sequence[Source]) -> None:
        for message in private_answer_messages(
            markdown,
            sources,
            self._share_id,
            start_over=self._start_over,
            with_their_access=self._with_their_access,
        ):
            self._client.chat_postEphemeral(
                channel=self._channel_id,
                user=self._user_id,
                thread_ts=self._thread_ts,
                text=message.text,
                blocks=message.blocks,
            )

    def abort(self, notice: str) -> None:
        self._client.chat_postEphemeral(
            channel=self._channel_id,
            user=self._user_id,
            thread_ts=self._thread_ts,
            text=f":warning: {notice}",
        )
