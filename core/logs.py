"""Structured (JSON lines) logging for the bot and workers: ids and reasons, never tokens or message text."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

__all__ = ["configure_logging", "get_logger", "log_event"]

# Fields copied from `extra=` into the JSON line. Only identifiers and reasons: never text or tokens.
_FIELDS = (
    "event",
    "event_id",
    "job_id",
    "team_id",
    "channel_id",
    "user_id",
    "message_ts",
    "thread_ts",
    "reason",
    "status",
    "error",
    "attempt",
    "visibility",
    "mode",
    "chat",
    "elapsed_ms",
    "port",
    "count",
    "command",
    "kind",
    "method",
    "workers",
    "processes",
    "signal",
    "delay_s",
)
# Belt and braces: whatever a library logs, Slack and Glean tokens are masked before the line is written.
_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+|Bearer\s+[A-Za-z0-9._~+/=-]+")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in _FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["exc"] = self.formatException(record.exc_info)
        return _TOKEN.sub("[redacted]", json.dumps(line, default=str))


def configure_logging(level: str = "INFO") -> None:
    """One JSON line per record on stderr. Chatty HTTP libraries stay at WARNING (their DEBUG has bodies)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("slack_sdk", "slack_bolt", "httpx", "httpcore", "waitress", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, /, **fields: Any) -> None:
    """Log `event` with structured fields (ids, reasons). Callers must not pass message text."""
    logger.log(level, event, extra={"event": event, **fields})
