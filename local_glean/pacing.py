"""Answer pacing: how long an answer takes to start and to stream, so a bot's streaming can be watched."""

from __future__ import annotations

from dataclasses import dataclass

CHARS_PER_TOKEN = 4  # the usual rule of thumb for English text and LLM tokenizers


@dataclass(frozen=True)
class Pace:
    """`first_token_ms`: wait before the first CONTENT delta (retrieval and "thinking").
    `tokens_per_s`: generation speed after that; 0 means as fast as the machine allows.
    The "Searching" update goes out at once, "Reading" halfway to the first token.
    """

    first_token_ms: int = 0
    tokens_per_s: float = 0.0

    @property
    def enabled(self) -> bool:
        return self.first_token_ms > 0 or self.tokens_per_s > 0

    def reading_delay_s(self) -> float:
        return self.first_token_ms / 2000

    def first_token_delay_s(self) -> float:
        """From the "Reading" update to the first CONTENT delta."""
        return self.first_token_ms / 1000 - self.reading_delay_s()

    def delta_delay_s(self, text: str) -> float:
        """How long generating `text` takes (paid before it is sent)."""
        if self.tokens_per_s <= 0:
            return 0.0
        return max(1, round(len(text) / CHARS_PER_TOKEN)) / self.tokens_per_s

    def total_s(self, deltas: list[str]) -> float:
        return self.first_token_ms / 1000 + sum(self.delta_delay_s(d) for d in deltas)


OFF = Pace()
# Close to what Glean's chat feels like: about 1.5 s of searching and reading, then ~40 tokens/s.
REALISTIC = Pace(first_token_ms=1500, tokens_per_s=40.0)
PRESETS = {"off": OFF, "realistic": REALISTIC}
