"""Spans of the facade's work (OpenTelemetry's API), recorded only once tracing is configured
(`graph/tracing.py`): until then `span` gives a no-op at once, without even OpenTelemetry's
no-op span machinery, so a facade without tracing pays nothing for it.

Span attributes never carry a query's variables or arguments, a personnummer, a caseworker, a
case id or a payload: only what the facade itself defines (agency elements, sizes, outcomes,
counts) and a client's operation name when it is a plain name without a personnummer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

tracer = trace.get_tracer("ssbtek_graphql")
# Set by graph/tracing.py configure_tracing (and by tests that record spans).
state = {"enabled": False}


def enabled() -> bool:
    """Whether spans are recorded."""
    return state["enabled"]


def span(
    name: str, kind: SpanKind = SpanKind.INTERNAL, /, **attributes: Any
) -> AbstractContextManager[trace.Span]:
    """A span as the current one while the block runs, or a no-op when tracing is off.
    `attributes` are OpenTelemetry's attribute values (strings, numbers, lists of them)."""
    if not state["enabled"]:
        return nullcontext(trace.INVALID_SPAN)
    return _recorded(name, kind, attributes)


@contextmanager
def _recorded(name: str, kind: SpanKind, attributes: dict[str, Any]) -> Iterator[trace.Span]:
    # Exceptions are not recorded: their messages may hold upstream free text. The span says
    # only that it failed, and with which of the facade's codes.
    with tracer.start_as_current_span(
        name,
        kind=kind,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        try:
            yield current
        except Exception as exc:
            current.set_status(Status(StatusCode.ERROR, getattr(exc, "code", type(exc).__name__)))
            raise
