"""Structured (JSON lines) logging for the bot and workers: ids and reasons, never tokens or message text.

Only the project's own loggers (`gleanbot.*`, which log event names and allowlisted fields) write freely.
A library's record is written only at WARNING or above, whatever level the library set on its own logger
(Bolt copies the root's level into each of its loggers, and logs request bodies at INFO and DEBUG), and only
the fixed phrase its message starts with: what follows (a body, an error's text) may be what people wrote.
No exception's message is written either, only its type and where it was raised.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

__all__ = ["JsonFormatter", "LibraryFilter", "configure_logging", "get_logger", "is_own", "log_event"]

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


# A library message's leading phrase: words, ids and brackets, up to the first colon, parenthesis or quote.
_PHRASE = re.compile(r"[\w .,/\[\]#*-]{0,120}")
LIBRARY_MIN_LEVEL = logging.WARNING


def is_own(name: str) -> bool:
    """Whether a logger is the project's own (whose records carry only event names and allowlisted fields)."""
    return name == "gleanbot" or name.startswith("gleanbot.")


def _library_message(message: str) -> str:
    phrase = _PHRASE.match(message)
    kept = phrase.group(0).rstrip(" .,") if phrase else ""
    return kept + (" [...]" if len(kept) < len(message) else "")


def _frames(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    """A traceback without any exception's message: the types, and where each was raised."""
    lines: list[str] = []
    exc: BaseException | None = exc_info[1]
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}")
        for frame in traceback.extract_tb(exc.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        exc = exc.__cause__ or exc.__context__
    return "\n".join(lines)


class LibraryFilter(logging.Filter):
    """Drops a library's records below `LIBRARY_MIN_LEVEL`, whatever level the library set on its logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        return is_own(record.name) or record.levelno >= LIBRARY_MIN_LEVEL


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        line: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": message if is_own(record.name) else _library_message(message),
        }
        for name in _FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None and record.exc_info[1] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["exc"] = _frames(record.exc_info)
        return _TOKEN.sub("[redacted]", json.dumps(line, default=str))


def configure_logging(level: str = "INFO") -> None:
    """One JSON line per record on stderr; uncaught exceptions go through it too (not as raw tracebacks)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(LibraryFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("slack_sdk", "slack_bolt", "httpx", "httpcore", "waitress", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    crash = logging.getLogger("gleanbot.crash")

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        crash.critical("uncaught_exception", exc_info=(kind, exc, tb), extra={"event": "uncaught_exception"})

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit and args.exc_value is not None:
            excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, /, **fields: Any) -> None:
    """Log `event` with structured fields (ids, reasons). Callers must not pass message text."""
    logger.log(level, event, extra={"event": event, **fields})
