"""Logs for people and for machines: `SSBTEK_LOG_FORMAT=text` (one readable line) or `json` (one
JSON object per line: time, level, logger, message, and the trace id when a trace is on). The
default is text on a terminal and JSON otherwise (a container, a service manager). The access
log goes the same way; the audit lines get the same fields around their own."""

from __future__ import annotations

import json
import logging
import sys
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
