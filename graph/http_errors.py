"""Errors answered at the HTTP level, outside GraphQL execution: a GraphQL-shaped error body (no
`data`) with a code, sent whole; audited where a request is refused for what it is; and the
coded 500 of an unexpected failure."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Send

from graph.security_headers import NO_STORE, SECURITY_HEADERS
from resolvers.audit import AuditTrail
from resolvers.codes import ErrorCode
from schema.errors import INTERNAL_MESSAGE


def not_found() -> Response:
    """A plain 404 for a path the facade does not serve (or does not serve as configured)."""
    return Response("not found", status_code=404, media_type="text/plain")


def graphql_error(message: str, code: ErrorCode) -> bytes:
    """A GraphQL-shaped error body (no `data`): for refusals before strawberry runs."""
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


async def respond(
    send: Send, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    """Send a whole JSON response."""
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def refuse(send: Send, audit: AuditTrail, status: int, message: str, code: ErrorCode) -> None:
    """Refuse a request before it reaches GraphQL: an audit line and a coded error."""
    audit.refused(reason=code)
    await respond(send, status, graphql_error(message, code))


async def internal_error(_request: Request, _exc: Exception) -> Response:
    """An unexpected failure outside GraphQL execution (Starlette's 500 handler): a coded
    GraphQL-shaped 500 with the security headers (it is sent from outside the middleware that
    adds them)."""
    return Response(
        graphql_error(INTERNAL_MESSAGE, ErrorCode.INTERNAL_SERVER_ERROR),
        status_code=500,
        media_type="application/json",
        headers={**SECURITY_HEADERS, **NO_STORE},
    )
