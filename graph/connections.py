"""Connections of the served process: no connection is held without progress, and their number
is capped (`ssbtek-graphql serve`, graph/cli.py).

uvicorn's HTTP/1.1 protocol (h11) reads a request head and a body for as long as a client takes,
and answers an oversized or malformed head, and its own concurrency limit, in plain text.
`GuardedProtocol` adds, per connection:

- a deadline for the request head (`SSBTEK_HEADER_TIMEOUT_S`), from the connection's start or
  the first byte of the next request on a kept-alive connection;
- a deadline for the body (`SSBTEK_BODY_TIMEOUT_S`), from the end of the head to its last byte;
- a cap on the connections open in the process (`SSBTEK_MAX_CONNECTIONS`): a request that comes
  while more are open is answered 503 `SERVER_BUSY`, except the probes and `/metrics`;
- coded JSON answers: 408 `REQUEST_TIMEOUT`, 431 `HEADERS_TOO_LARGE` (a head over
  `MAX_HEAD_BYTES`), 400 `BAD_REQUEST` (a head that is not HTTP/1.1), each closing the
  connection after it has been sent.

A connection that sent nothing of a request before the head deadline, and a kept-alive
connection idle for `SSBTEK_KEEPALIVE_TIMEOUT_S` (uvicorn's own timer), are closed without an
answer: there is no request to answer. Every refusal is a rate-limited log line (graph/logs.py).
"""

from __future__ import annotations

import asyncio
import logging
import resource
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import h11
import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from graph.http_errors import graphql_error, respond
from graph.security_headers import SECURITY_HEADERS
from resolvers.codes import ErrorCode

log = logging.getLogger("graph.connections")

# The request line and headers together: h11's own default, as nginx's 4 x 8 KiB buffers. A
# bearer token of a few KiB fits many times over.
MAX_HEAD_BYTES = 16 * 1024
# Paths served even when the process has too many connections: they cost nothing and ask nobody,
# and the orchestrator must not restart a busy process (liveness) or lose sight of it (metrics).
UNCAPPED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# How long an answered connection that is closing reads and drops what the client still sends,
# so that its close does not reset the connection before the client has read the answer.
LINGER_S = 2.0
BUSY_RETRY_AFTER_S = 1
# Files a serving process opens besides its clients' connections: SSBTEK's and Redis's
# connections, the audit file, the event loop's own, with room to spare.
OWN_FILES = 100
# What the soft limit of open files is raised to when the hard limit is unlimited (Linux's
# default fs.nr_open).
UNLIMITED_FILES = 1 << 20


@dataclass(frozen=True)
class ConnectionSettings:
    """`SSBTEK_HEADER_TIMEOUT_S`, `SSBTEK_BODY_TIMEOUT_S`, `SSBTEK_KEEPALIVE_TIMEOUT_S`,
    `SSBTEK_MAX_CONNECTIONS`."""

    header_timeout_s: float = 5.0
    body_timeout_s: float = 10.0
    keepalive_timeout_s: float = 5.0
    max_connections: int = 1000


def raise_file_limit(rules: ConnectionSettings) -> int:
    """Raise the process's soft limit of open files to its hard limit (Python keeps the soft
    limit it was started with, which container runtimes may set as low as 1024) and say, as a
    WARNING, when it is still too low for `SSBTEK_MAX_CONNECTIONS` connections and `OWN_FILES`:
    accepts would then fail before the cap could answer. The soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = UNLIMITED_FILES if hard == resource.RLIM_INFINITY else hard
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    needed = rules.max_connections + OWN_FILES
    if soft < needed:
        log.warning(
            "this process may open %d files, fewer than SSBTEK_MAX_CONNECTIONS (%d) and %d of its "
            "own: connections will fail before the cap answers them (raise the nofile limit, or "
            "lower SSBTEK_MAX_CONNECTIONS)",
            soft,
            rules.max_connections,
            OWN_FILES,
        )
    return soft


class ServingConfig(uvicorn.Config):
    """uvicorn's configuration with the facade's connection rules: `GuardedProtocol` for HTTP,
    and the keep-alive timeout of `connections`. It travels to `--workers` processes as
    uvicorn's own does. The event loop is asyncio's, even where uvloop is installed (uvicorn
    would take it): a large answer's decoding reads asyncio's loop to give way to it
    (`resolvers/courtesy.py`), and uvloop served a miss no faster (`docs/performance.md`)."""

    def __init__(self, app: Any, connections: ConnectionSettings, **kwargs: Any) -> None:
        super().__init__(
            app,
            http=GuardedProtocol,
            loop="asyncio",
            timeout_keep_alive=connections.keepalive_timeout_s,  # type: ignore[arg-type]  # int in uvicorn's type, any delay at run time
            **kwargs,
        )
        self.connections = connections


def coded_answer(
    status: int, message: str, code: ErrorCode, headers: list[tuple[bytes, bytes]] | None = None
) -> bytes:
    """A whole HTTP/1.1 response that closes its connection: a GraphQL-shaped error (no `data`)
    with the security headers, for answers the protocol writes itself."""
    body = graphql_error(message, code)
    fields = [
        *(headers or []),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
    ]
    head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode()
    return head + b"".join(k + b": " + v + b"\r\n" for k, v in fields) + b"\r\n" + body


class HeadLimitedConnection(h11.Connection):
    """h11's server side, which also refuses a request head over `max_head_bytes` that came
    whole (h11 limits only a head still incomplete), and keeps the HTTP status h11 suggests for
    the last request it could not read (431 for a head too large, else mostly 400)."""

    def __init__(self, max_head_bytes: int) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=max_head_bytes)
        self.max_head_bytes = max_head_bytes
        self.refusal_status = 400

    def next_event(self) -> Any:
        """The next event, as h11 reads it; a `RemoteProtocolError` for a head too large."""
        try:
            event = super().next_event()
            if isinstance(event, h11.Request) and head_size(event) > self.max_head_bytes:
                raise h11.RemoteProtocolError("request head too large", error_status_hint=431)
        except h11.RemoteProtocolError as exc:
            self.refusal_status = exc.error_status_hint
            raise
        return event


def head_size(request: h11.Request) -> int:
    """The bytes of a request's line and headers, as sent (near enough: h11 drops blanks)."""
    line = len(request.method) + len(request.target) + len(b"  HTTP/1.1\r\n")
    return line + sum(len(name) + len(value) + 4 for name, value in request.headers.raw_items())


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines for the head and the body, a connection cap and
    coded answers (the module's docstring). Its rules are `config.connections`."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.rules: ConnectionSettings = getattr(config, "connections", ConnectionSettings())
        self.heads = HeadLimitedConnection(MAX_HEAD_BYTES)
        self.conn = self.heads
        # uvicorn's own limit answers in plain text: the cap is checked in `_unless_busy`.
        self.limit_concurrency = None
        self.facade = self.app
        self.app = self._unless_busy
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._close_timer: asyncio.TimerHandle | None = None
        self._head_begun = False  # a byte of the awaited request has come
        self._closing = False  # answered by the protocol: what still comes is dropped

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
        """Start the head deadline as the connection opens."""
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.rules.header_timeout_s, self._head_overdue)

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop every timer of the connection."""
        for timer in (self._head_timer, self._body_timer, self._close_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = self._close_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Read as uvicorn does, with the head deadline running while a request head is awaited
        (from its first byte on a kept-alive connection)."""
        if self._closing:
            return
        if self.conn.their_state is h11.IDLE:
            self._head_begun = True
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(
                    self.rules.header_timeout_s, self._head_overdue
                )
        super().data_received(data)

    def handle_events(self) -> None:
        """Handle what h11 has read as uvicorn does, then move the deadlines: none once the head
        is in, the body's while a body is awaited."""
        super().handle_events()
        state = self.conn.their_state
        if state is h11.IDLE or self._closing:
            return
        self._head_begun = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        if state is h11.SEND_BODY:
            if self._body_timer is None:
                self._body_timer = self.loop.call_later(
                    self.rules.body_timeout_s, self._body_overdue
                )
        elif self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def send_400_response(self, msg: str) -> None:
        """A head h11 cannot read: 431 when it is too large, else 400, both coded."""
        if self.heads.refusal_status == 431:
            log.warning("refused request heads larger than %d bytes (431)", MAX_HEAD_BYTES)
            message = f"the request line and headers are larger than {MAX_HEAD_BYTES} bytes"
            self._answer_and_close(431, message, ErrorCode.HEADERS_TOO_LARGE)
        else:
            self._answer_and_close(400, "the request is not valid HTTP/1.1", ErrorCode.BAD_REQUEST)

    def shutdown(self) -> None:
        """Stop as uvicorn does; a connection the protocol has answered just closes."""
        if self._closing:
            self.transport.close()
        else:
            super().shutdown()

    def _head_overdue(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if not self._head_begun:  # nothing of a request came: nothing to answer
            self.transport.close()
            return
        log.warning(
            "closed connections that sent no whole request head within %g s (408)",
            self.rules.header_timeout_s,
        )
        message = f"the request's headers did not arrive within {self.rules.header_timeout_s:g} s"
        self._answer_and_close(408, message, ErrorCode.REQUEST_TIMEOUT)

    def _body_overdue(self) -> None:
        self._body_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.SEND_BODY:
            return
        log.warning(
            "closed connections whose request body did not arrive within %g s (408)",
            self.rules.body_timeout_s,
        )
        cycle = self.cycle
        if cycle is not None and cycle.response_started:  # answered without waiting for it
            self.transport.close()
            return
        if cycle is not None:  # the application reads no more, and writes nothing
            cycle.disconnected = True
            cycle.message_event.set()
        message = f"the request's body did not arrive within {self.rules.body_timeout_s:g} s"
        self._answer_and_close(408, message, ErrorCode.REQUEST_TIMEOUT)

    def _answer_and_close(self, status: int, message: str, code: ErrorCode) -> None:
        """Answer with a coded error (`coded_answer`), end the writing side, then drop what the
        client still sends until it closes or `LINGER_S` has passed (a close with unread data
        would reset the connection, and the answer could be lost on its way)."""
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None
        if self.transport.is_closing():
            return
        self._closing = True
        self.transport.write(coded_answer(status, message, code, self.server_state.default_headers))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.flow.resume_reading()
        self._close_timer = self.loop.call_later(LINGER_S, self.transport.close)

    async def _unless_busy(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The application, or 503 `SERVER_BUSY` when more than `max_connections` connections
        (or requests) are open in the process; the probes and `/metrics` always pass."""
        busy = max(len(self.connections), len(self.tasks)) > self.rules.max_connections
        if busy and scope.get("path") not in UNCAPPED_PATHS:
            log.warning(
                "refused requests: more than %d connections open (503)", self.rules.max_connections
            )
            headers = {"connection": "close", "retry-after": str(BUSY_RETRY_AFTER_S)}
            message = "the service has too many connections open; try again shortly"
            await respond(
                send,
                503,
                graphql_error(message, ErrorCode.SERVER_BUSY),
                {**headers, **SECURITY_HEADERS},
            )
            return
        await self.facade(scope, receive, send)
