"""Which `Host` names are served: parsed strictly, and only the configured ones (no DNS
rebinding); any other gets 400 `HOST_NOT_ALLOWED` and an audit line."""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.http_errors import refuse
from graph.middleware import HttpMiddleware
from resolvers.audit import AuditTrail
from resolvers.codes import ErrorCode

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


class AllowedHosts(HttpMiddleware):
    """Serves only requests whose `Host` is one of the configured names (no DNS rebinding);
    others get 400 with a GraphQL-shaped error and an audit line."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...], audit: AuditTrail) -> None:
        super().__init__(app)
        self.hosts = frozenset(hosts)
        self.audit = audit

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = host_name(Headers(scope=scope).get("host", ""))
        if not host or host not in self.hosts:
            message = "this host name is not served here"
            await refuse(send, self.audit, 400, message, ErrorCode.HOST_NOT_ALLOWED)
            return
        await self.app(scope, receive, send)


ANY_ADDRESS = ("0.0.0.0", "::", "[::]")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def served_hosts(allowed: tuple[str, ...], served_host: str | None) -> tuple[str, ...]:
    """The names served: `SSBTEK_ALLOWED_HOSTS`, and the command's `--host`. No client sends
    0.0.0.0: for a server on every address, the process's own loopback names are what a
    container's health check and a sidecar use, and a browser page cannot send them for another
    name."""
    hosts = allowed + ((served_host.lower(),) if served_host else ())
    if served_host in ANY_ADDRESS:
        hosts += LOOPBACK_HOSTS
    return hosts
