"""What every answer writer does: show an answer as it arrives, finish it with its Sources, or end it with a notice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.blocks import Source

__all__ = ["AnswerWriter"]


class AnswerWriter(Protocol):
    @property
    def visible(self) -> bool:
        """Whether any part of the answer is already in Slack (then a retry would duplicate it)."""

    def append(self, delta: str) -> None: ...

    def finish(self, markdown: str, sources: Sequence[Source]) -> None: ...

    def abort(self, notice: str) -> None:
        """End a visible partial answer with a notice (only called when `visible`)."""
