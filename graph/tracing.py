"""Tracing with OpenTelemetry, on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard OTel
variables configure the rest: `OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_HEADERS`, …).

A request's span continues the caller's trace (W3C `traceparent`); the GraphQL operation, its
planning, each SSBTEK call (which passes `traceparent` on), each agency's decoding and the cache
have spans of their own (resolvers/tracing.py). No span carries variables, arguments, a
personnummer or a payload: this module records none, and strawberry's own OpenTelemetry
extension, which records arguments, is not used."""

from __future__ import annotations

import os

from opentelemetry import context, propagate, trace
from opentelemetry.trace import SpanKind
from starlette.types import Message, Receive, Scope, Send

from graph.middleware import HttpMiddleware
from resolvers.privacy import redact
from resolvers.tracing import enabled as tracing_enabled
from resolvers.tracing import state as tracing_state
from resolvers.tracing import tracer


def configure_tracing(environ: dict[str, str] | None = None) -> bool:
    """Install the OTLP exporter when the standard endpoint variable is set; whether it was."""
    env = os.environ if environ is None else environ
    if not (
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME", "ssbtek-graphql")})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    tracing_state["enabled"] = True
    return True


class TraceRequests(HttpMiddleware):
    """A server span per HTTP request, continuing the caller's `traceparent`; its attributes are
    the method, the path (never a query string) and the status."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not tracing_enabled():
            await self.app(scope, receive, send)
            return
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        token = context.attach(propagate.extract(carrier))
        try:
            with tracer.start_as_current_span(
                f"HTTP {scope['method']}",
                kind=SpanKind.SERVER,
                attributes={
                    "http.request.method": scope["method"],
                    "url.path": redact(scope["path"]),
                },
                record_exception=False,
                set_status_on_exception=False,
            ) as span:

                async def sending(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        span.set_attribute("http.response.status_code", message["status"])
                    await send(message)

                await self.app(scope, receive, sending)
        finally:
            context.detach(token)
