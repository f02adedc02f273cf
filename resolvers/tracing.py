"""Spans of the facade's work (OpenTelemetry's API; without a configured SDK they cost nothing).

Span attributes never carry a query's variables or arguments, a personnummer, a caseworker, a
case id or a payload: only what the facade itself defines (agency elements, sizes, outcomes,
counts) and a client's operation name when it is a plain name without a personnummer."""

from __future__ import annotations

from opentelemetry import trace

tracer = trace.get_tracer("ssbtek_graphql")
