"""CORS for the browser frontends of `SSBTEK_CORS_ORIGINS`: which request headers their
preflights may name. Besides the caller's credentials and the body's type, the headers that
browser clients commonly add on their own: trace context (OpenTelemetry, Sentry), request ids,
and GraphQL clients' identification (Apollo Client, The Guild's). A browser refuses to send a
request whose preflight names a header that is not allowed, so a frontend with tracing switched
on could not call at all. `SSBTEK_CORS_HEADERS` adds more; `X-Handlaggare` is never allowed."""

from __future__ import annotations

import re

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

# The request headers a listed origin may send (the CORS-safelisted ones, such as Accept, are
# always allowed). docs/operations.md, Browser frontends (CORS), lists them with their senders.
CLIENT_HEADERS = (
    "Authorization",
    "Content-Type",
    # W3C Trace Context and Baggage: OpenTelemetry's browser instrumentation.
    "traceparent",
    "tracestate",
    "baggage",
    # Sentry's browser SDK (with `baggage`).
    "sentry-trace",
    # Request ids that gateways and clients pass along.
    "X-Request-Id",
    "X-Correlation-Id",
    # Apollo Client's name and version, Apollo's CSRF-prevention headers.
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    # The Guild's clients (GraphQL Hive's usage reporting).
    "graphql-client-name",
    "graphql-client-version",
)
# Only a trusted gateway names the caseworker (docs/security.md, Gateway mode).
NEVER_ALLOWED = frozenset({"x-handlaggare"})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def header_problem(names: list[str]) -> str | None:
    """What is wrong with header names for SSBTEK_CORS_HEADERS, or None: each must be an HTTP
    header name (no `*`), and none may be X-Handlaggare."""
    for name in names:
        if not _TOKEN.fullmatch(name) or name == "*":
            return (
                "SSBTEK_CORS_HEADERS must be HTTP header names (letters, digits and "
                "!#$%&'*+-.^_`|~, no '*'), separated by commas"
            )
        if name.lower() in NEVER_ALLOWED:
            return "SSBTEK_CORS_HEADERS may not list X-Handlaggare: only a trusted gateway sets it"
    return None


def cors_middleware(origins: tuple[str, ...], extra_headers: tuple[str, ...] = ()) -> Middleware:
    """Starlette's CORS middleware for `origins`: GET and POST with the client headers and
    `extra_headers`, no credentials (cookies), preflights cached 600 s, and `WWW-Authenticate`
    exposed so that a frontend can read a 401's challenge."""
    return Middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["GET", "POST"],
        allow_headers=[*CLIENT_HEADERS, *extra_headers],
        expose_headers=["WWW-Authenticate"],
        allow_credentials=False,
        max_age=600,
    )
