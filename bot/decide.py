"""Is a channel message an information-seeking question? Prefilter, then Glean's `ask` (detect only),
falling back to the local classifier when `ask` is unavailable (404 on current Glean instances)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from bot.prefilter import prefilter
from core.logs import log_event
from glean_chat import Glean
from glean_chat.errors import GleanError
from glean_chat.utils import RetryConfig
from questions.classifier import detect

__all__ = ["Decider", "Verdict"]

log = logging.getLogger("gleanbot.decide")


@dataclass(frozen=True)
class Verdict:
    is_question: bool
    reason: str
    """Why: 'prefilter:<why>', 'ask', 'local:<classifier reason>'."""
    via: str
    """Which classifier decided: 'prefilter', 'ask' or 'local'."""


class Decider:
    """Thread-safe; one per bot process. Remembers (and logs once) that `ask` is unavailable."""

    def __init__(self, glean: Glean | None, *, retries: RetryConfig | None = None) -> None:
        self._glean = glean
        self._retries = retries
        self._ask_unavailable = glean is None
        self._lock = threading.Lock()

    @property
    def ask_available(self) -> bool:
        return not self._ask_unavailable

    def classify(self, text: str, *, act_as: str | None = None) -> Verdict:
        why_not = prefilter(text)
        if why_not is not None:
            return Verdict(False, f"prefilter:{why_not}", "prefilter")
        if not self._ask_unavailable and self._glean is not None:
            try:
                reply = self._glean.client.chat.ask(
                    ask_request={"search_request": {"query": text}, "detect_only": True},
                    x_scio_actas=act_as,
                    retries=self._retries,
                )
                return Verdict(bool(reply.is_question), "ask", "ask")
            except GleanError as exc:
                self._ask_failed(exc)
        detection = detect(text)
        return Verdict(detection.is_question, f"local:{detection.reason}", "local")

    def _ask_failed(self, exc: GleanError) -> None:
        if exc.status_code == 404:
            with self._lock:
                first = not self._ask_unavailable
                self._ask_unavailable = True
            if first:
                log_event(
                    log,
                    "ask_unavailable",
                    logging.WARNING,
                    status=404,
                    reason="Glean's ask endpoint answered 404; using the local question classifier from now on",
                )
            return
        # Any other failure: classify this one message locally, keep trying ask next time.
        log_event(log, "ask_failed", logging.WARNING, status=exc.status_code, error=type(exc).__name__)
