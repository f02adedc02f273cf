"""Refusals answered at the HTTP level, before strawberry runs: a GraphQL-shaped error body (no
`data`) with a code, sent whole, and audited where the request is refused for what it is."""

from __future__ import annotations

import json

from starlette.types import Send

from resolvers.audit import AuditTrail


def graphql_error(message: str, code: str) -> bytes:
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


async def refuse(send: Send, audit: AuditTrail, status: int, message: str, code: str) -> None:
    """Refuse a request before it reaches GraphQL: an audit line and a coded error."""
    audit.refused(reason=code)
    await respond(send, status, graphql_error(message, code))
