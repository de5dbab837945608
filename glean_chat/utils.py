"""Retry configuration, spelled as in Glean's Python SDK (all intervals in milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_RETRY_CONFIG", "NO_RETRIES", "BackoffStrategy", "RetryConfig"]


@dataclass(frozen=True)
class BackoffStrategy:
    """Exponential backoff: wait `initial_interval * exponent**attempt` ms (capped at `max_interval`,
    plus up to 25% jitter), and give up once `max_elapsed_time` ms have passed since the first try."""

    initial_interval: int
    max_interval: int
    exponent: float
    max_elapsed_time: int


@dataclass(frozen=True)
class RetryConfig:
    """`RetryConfig("backoff", BackoffStrategy(...), retry_connection_errors=True)`; `"none"` disables."""

    strategy: str
    backoff: BackoffStrategy
    retry_connection_errors: bool = True

    def __post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            raise ValueError(f"retry strategy must be 'backoff' or 'none', not {self.strategy!r}")


DEFAULT_RETRY_CONFIG = RetryConfig(
    "backoff",
    BackoffStrategy(initial_interval=500, max_interval=8_000, exponent=2.0, max_elapsed_time=30_000),
    retry_connection_errors=True,
)
"""What `Glean()` uses unless told otherwise: a few quick retries within 30 s."""

NO_RETRIES = RetryConfig("none", BackoffStrategy(0, 0, 1.0, 0), retry_connection_errors=False)
"""Pass as `retry_config=` or `retries=` to make exactly one attempt."""
