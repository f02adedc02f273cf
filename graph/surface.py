"""The HTTP surface around `/graphql`: which hosts are served, which bodies are read, which
headers every response carries, and CORS for configured browser origins."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.audit import AuditTrail


@dataclass(frozen=True)
class HttpSettings:
    """`SSBTEK_INTROSPECTION`, `SSBTEK_GRAPHIQL`, `SSBTEK_ALLOWED_HOSTS`, `SSBTEK_CORS_ORIGINS`."""

    introspection: bool
    graphiql: bool
    allowed_hosts: tuple[str, ...]
    cors_origins: tuple[str, ...] = ()


# Every response: no sniffing, no framing, no referrer, and (where personal data can be) no
# storing. GraphiQL's own page is framed by nobody either.
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}
NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
PERSONAL_PATHS = ("/graphql",)


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


_PORT = re.compile(r"\d{1,5}")


def host_name(host_header: str) -> str:
    """The host of a `Host` header without its port: `[::1]:8000` → `::1`, `a.se:80` → `a.se`;
    "" for anything else (a port that is not digits, text after `]`, a bare IPv6 address)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        inside, bracket, after = host[1:].partition("]")
        if not bracket or (after and not (after[0] == ":" and _PORT.fullmatch(after[1:]))):
            return ""
        return inside
    name, colon, port = host.partition(":")
    if colon and not _PORT.fullmatch(port):
        return ""
    return name


class AllowedHosts:
    """Serves only requests whose `Host` is one of the configured names (no DNS rebinding);
    others get 400 with a GraphQL-shaped error and an audit line."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...], audit: AuditTrail) -> None:
        self.app = app
        self.hosts = frozenset(hosts)
        self.audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = host_name(Headers(scope=scope).get("host", ""))
            if not host or host not in self.hosts:
                self.audit.refused(reason="HOST_NOT_ALLOWED", tenant=None, caseworker=None)
                body = graphql_error("this host name is not served here", "HOST_NOT_ALLOWED")
                await respond(send, 400, body)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response and `no-store` to those that can carry personal
    data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        personal = scope["path"].startswith(PERSONAL_PATHS)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if personal:
                    for name, value in NO_STORE.items():
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, sending)


class PostJsonOnly:
    """Operations come only as a POST of `application/json`. A GET with a query string (which
    would put a personnummer in a URL, a history or a log) is refused with 400, and a POST of any
    other type, such as a cross-site "simple" request (a form or text/plain, sent without a CORS
    preflight), with 415, both before authentication and before the body is read, each with an
    audit line."""

    def __init__(self, app: ASGIApp, audit: AuditTrail) -> None:
        self.app = app
        self.audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD") and scope["query_string"]:
            await self._refuse(
                send,
                400,
                "queries are not allowed when using GET; POST them as application/json",
                "BAD_REQUEST",
            )
            return
        if scope["method"] == "POST":
            content_type = Headers(scope=scope).get("content-type", "")
            media_type, _, parameters = content_type.partition(";")
            if media_type.strip().lower() != "application/json":
                await self._refuse(
                    send,
                    415,
                    "a GraphQL request must be sent as application/json",
                    "UNSUPPORTED_MEDIA_TYPE",
                )
                return
            # strawberry compares the type case-sensitively: hand it on in lower case.
            scope = {
                **scope,
                "headers": _with_content_type(scope, f"application/json;{parameters}"),
            }
        await self.app(scope, receive, send)

    async def _refuse(self, send: Send, status: int, message: str, code: str) -> None:
        self.audit.refused(reason=code, tenant=None, caseworker=None)
        await respond(send, status, graphql_error(message, code))


def _with_content_type(scope: Scope, content_type: str) -> list[tuple[bytes, bytes]]:
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"]
    return [*headers, (b"content-type", content_type.rstrip(";").encode("latin-1"))]
