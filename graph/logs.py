"""Logs for people and for machines: `SSBTEK_LOG_FORMAT=text` (one readable line) or `json` (one
JSON object per line: time, level, logger, message, and the trace id when a trace is on). The
default is text on a terminal and JSON otherwise (a container, a service manager). The access
log goes the same way; the audit lines get the same fields around their own."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from resolvers.tracebacks import BARE_TRACEBACKS

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
FORMATS = ("text", "json")


def default_format() -> str:
    """text when a person watches (stderr is a terminal), json otherwise."""
    return "text" if sys.stderr.isatty() else "json"


def current_trace_id() -> str | None:
    """The W3C trace id of the span being recorded, if tracing is on (graph/tracing.py)."""
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - tracing is an optional part
        return None
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


class JsonFormatter(logging.Formatter):
    """One JSON object per record. A record that carries its own `fields` (an audit line) keeps
    them at the top level, beside time, level and logger."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
        }
        own = getattr(record, "fields", None)
        if isinstance(own, dict):
            fields.update({k: v for k, v in own.items() if k not in ("level", "logger")})
        else:
            fields["message"] = record.getMessage()
        trace_id = current_trace_id()
        if trace_id:
            fields["traceId"] = trace_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:  # made bare by resolvers/tracebacks.py where it passed its filter
            fields["exception"] = record.exc_text
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str)


def formatter(log_format: str) -> logging.Formatter:
    """The formatter of a log format."""
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(log_format: str) -> dict[str, Any]:
    """Send the facade's logs to stderr in `log_format`; uvicorn's logging configuration to
    match (its access log stays off: the facade logs requests without their query string).
    Every exception logged there is printed without its message (`BareTracebacks`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(log_format))
    handler.addFilter(BARE_TRACEBACKS)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name, watched in REPEATED_LINES.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, EveryInterval) for f in logger.filters):
            logger.addFilter(EveryInterval(watched))
    kind = "graph.logs.JsonFormatter" if log_format == "json" else "logging.Formatter"
    fmt = {} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"facade": {"()": kind, **fmt}},
        "filters": {"bare": {"()": "resolvers.tracebacks.BareTracebacks"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "facade",
                "filters": ["bare"],
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
        },
    }


# Lines that come in floods under attack, each logged at most once per `LINE_INTERVAL_S` with a
# count of those held back: asyncio's failed accept (when the process is out of file descriptors,
# asyncio tries up to uvicorn's backlog of 2048 accepts a round, logs each failure with its
# traceback, and schedules a retry for each; the retries that come after the listening socket
# was closed, at shutdown, fail again with a traceback each), uvicorn's malformed request, and
# the facade's own connection refusals (graph/connections.py; all of them).
REPEATED_LINES: dict[str, tuple[str, ...] | None] = {
    "asyncio": (
        "socket.accept() out of system resource",
        "Exception in callback BaseSelectorEventLoop._start_serving",
    ),
    "uvicorn.error": ("Invalid HTTP request received.",),
    "graph.connections": None,
}
LINE_INTERVAL_S = 10.0


class EveryInterval(logging.Filter):
    """Lets through at most one record per `interval_s` of each line it watches, and says in the
    one it lets through how many it held back since the last; other records pass untouched.

    A watched line is a record whose message starts with one of `watched` (with `watched` None:
    every record, one line per message template). The line let through is its message's first
    line, with the exception's class and text in place of a traceback."""

    def __init__(
        self,
        watched: tuple[str, ...] | None,
        interval_s: float = LINE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.watched = watched
        self.interval_s = interval_s
        self.clock = clock
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = self._key(record)
        if key is None:
            return True
        now = self.clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval_s:
                self._held[key] = self._held.get(key, 0) + 1
                return False
            held = self._held.pop(key, 0)
            self._last[key] = now
        line = record.getMessage().split("\n", 1)[0]
        if record.exc_info and record.exc_info[1] is not None:
            line += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        if held and last is not None:
            line += f" [{held} more like it in the last {now - last:.0f} s not logged]"
        record.msg, record.args = line, None
        record.exc_info = record.exc_text = None
        return True

    def _key(self, record: logging.LogRecord) -> str | None:
        if self.watched is None:
            return str(record.msg)
        message = record.getMessage()
        return next((w for w in self.watched if message.startswith(w)), None)
