"""Which request bodies are read: an operation comes only as a POST of one JSON object in UTF-8,
bounded in size and nesting and checked in shape, before authentication and before strawberry
(trusted documents are looked up here too, `graph/trusted.py`)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.http_errors import refuse
from graph.middleware import HttpMiddleware
from graph.trusted import TrustedDocuments, requested_hash
from resolvers.audit import AuditTrail
from resolvers.codes import ErrorCode


class PostJsonOnly(HttpMiddleware):
    """Operations come only as a POST of a JSON object in UTF-8, of at most `max_body_bytes`.

    Refused before authentication and before strawberry, each with a GraphQL-shaped error, a code
    and an audit line: a GET with a query string (it would put a personnummer in a URL, a history
    or a log; 400), a POST of another type such as a cross-site "simple" request (a form or
    text/plain, sent without a CORS preflight; 415), a body larger than allowed (413, as soon as
    its length is known, without reading it all), and a body that is not UTF-8, not JSON, nested
    too deep, or not an object with a `query` string (400).
    """

    def __init__(
        self,
        app: ASGIApp,
        audit: AuditTrail,
        max_body_bytes: int,
        trusted: TrustedDocuments | None = None,
    ) -> None:
        super().__init__(app)
        self.audit = audit
        self.max_body_bytes = max_body_bytes
        self.trusted = trusted or TrustedDocuments()

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] in ("GET", "HEAD") and scope["query_string"]:
            await self._refuse(
                send,
                400,
                "queries are not allowed when using GET; POST them as application/json",
                ErrorCode.BAD_REQUEST,
            )
            return
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        media_type, _, parameters = headers.get("content-type", "").partition(";")
        if media_type.strip().lower() != "application/json":
            await self._refuse(
                send,
                415,
                "a GraphQL request must be sent as application/json",
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            )
            return
        charset = _charset(parameters)
        if charset not in (None, "utf-8", "utf8"):
            await self._refuse(send, 400, "a GraphQL request must be UTF-8", ErrorCode.BAD_REQUEST)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send, 413, self._too_large(), ErrorCode.PAYLOAD_TOO_LARGE)
            return
        try:
            body = await self._read(receive)
        except ClientGone:  # nobody to answer, nothing was asked (graph/connections.py)
            return
        if body is None:
            await self._refuse(send, 413, self._too_large(), ErrorCode.PAYLOAD_TOO_LARGE)
            return
        parsed, problem = read_request_body(body)
        if problem is not None:
            await self._refuse(send, 400, problem, ErrorCode.BAD_REQUEST)
            return
        request, refusal = self.trusted.resolve(parsed)
        # For the operation's metrics (graph/view.py): its name and when it came; and the
        # request as read, for the automatic persisted queries (graph/apq.py).
        scope.setdefault("state", {}).update(
            operation_name=request.get("operationName"),
            started=time.perf_counter(),
            graphql_request=request,
        )
        if refusal is not None:
            await self._refuse(send, *refusal)
            return
        if request is not parsed:  # the document's text, looked up by its id
            body = json.dumps(request, ensure_ascii=False).encode()
        # strawberry compares the type case-sensitively: hand it on in lower case.
        scope = {**scope, "headers": _with_content_type(scope, "application/json")}
        await self.app(scope, _replaying(body, receive), send)

    def _too_large(self) -> str:
        return f"a GraphQL request is at most {self.max_body_bytes} bytes"

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it grows past the limit; `ClientGone` when the
        connection ends before the body does (the client left, or missed the body deadline)."""
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientGone
            body += message.get("body", b"")
            if len(body) > self.max_body_bytes:
                return None
            if not message.get("more_body", False):
                return bytes(body)

    async def _refuse(self, send: Send, status: int, message: str, code: ErrorCode) -> None:
        await refuse(send, self.audit, status, message, code)


class ClientGone(Exception):
    """The connection ended before the request's body did."""


MAX_JSON_DEPTH = 32


def read_request_body(body: bytes) -> tuple[dict[str, Any], str | None]:
    """A GraphQL request body read once: the request, or what is wrong with it (UTF-8, JSON
    nested at most `MAX_JSON_DEPTH` deep, an object whose `query` is a string, or that names a
    trusted document, and whose `variables`, `operationName` and `extensions` have their types)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}, "a GraphQL request must be UTF-8"
    if _json_depth(text) > MAX_JSON_DEPTH:
        return {}, f"a GraphQL request is JSON nested at most {MAX_JSON_DEPTH} deep"
    try:
        request = json.loads(text)
    except (ValueError, RecursionError):
        return {}, "a GraphQL request must be JSON"
    if not isinstance(request, dict):
        return {}, "a GraphQL request must be a JSON object (batches are not taken)"
    if not isinstance(request.get("query"), str) and requested_hash(request) is None:
        return {}, (
            "a GraphQL request must have the operation as a string in `query`, or name a trusted "
            "document by `documentId`"
        )
    for name, kind in (("variables", dict), ("operationName", str), ("extensions", dict)):
        if request.get(name) is not None and not isinstance(request[name], kind):
            return {}, f"`{name}` of a GraphQL request must be a {kind.__name__} or null"
    return request, None


def _json_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text, without parsing it (strings skipped; an
    unclosed string runs to the end)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_outside_strings(text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)  # (unrolled: 20 times faster)
_BRACKET = re.compile(r"[\[\]{}]")
# A request is mostly its query, one long string: with few quotes and few runs of backslashes,
# the strings are found by searching for their quotes (`_outside_strings`, many times faster
# than the expression on a long query); otherwise by the expression, whose time does not grow
# with them.
_FEW = 64


def _outside_strings(text: str) -> str:
    """The text without its strings, as `_STRING` removes them: each string from a quote to the
    next quote that no backslash escapes (an odd run of backslashes before a quote escapes it),
    or to the end (where the expression keeps a last lone backslash outside: no bracket)."""
    if text.count('"') > _FEW or text.count("\\\\") > _FEW:
        return _STRING.sub("", text)
    kept = []
    start = 0
    while (opening := text.find('"', start)) >= 0:
        kept.append(text[start:opening])
        closing = opening
        while True:
            closing = text.find('"', closing + 1)
            if closing < 0:
                return "".join(kept)  # unclosed: runs to the end
            backslash = closing - 1
            while backslash > opening and text[backslash] == "\\":
                backslash -= 1
            if (closing - 1 - backslash) % 2 == 0:
                break
        start = closing + 1
    kept.append(text[start:])
    return "".join(kept)


def _charset(parameters: str) -> str | None:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_content_type(scope: Scope, content_type: str) -> list[tuple[bytes, bytes]]:
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"]
    return [*headers, (b"content-type", content_type.encode("latin-1"))]
