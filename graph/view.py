"""The GraphQL view behind `/graphql`: strawberry's ASGI view with a fresh context per operation,
coded and redacted errors, refusals audited, the answer in the media type the client accepts and
never larger than `SSBTEK_MAX_RESPONSE_BYTES`, and each operation counted in the metrics."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncGenerator, Iterable
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, GraphQLFormattedError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http import process_result as strawberry_process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionResult

from graph.auth import caller_of, is_authenticated
from graph.http_errors import graphql_error
from graph.metrics import Metrics
from graph.multipart import CONTENT_TYPE, Payloads, accepts_multipart, multipart_body
from graph.over_http import GRAPHQL_RESPONSE, accept_of, answer_media_type, is_request_error
from resolvers.audit import AuditTrail
from resolvers.codes import ErrorCode
from resolvers.loader import Upstream
from schema.build import build_schema
from schema.context import new_context
from schema.errors import REFUSAL_CODES, error_code, in_path_order, with_code
from schema.incremental import is_incremental
from schema.limits import Limits

log = logging.getLogger(__name__)


class OperationResponse(Response):
    """strawberry's sub-response (the status and headers execution may set), made for each
    request with what answering it needs from the request: the media type the client accepts,
    and the operation's name and arrival, which `graph/request_bodies.py` notes, for the
    metrics."""

    def __init__(self, media_type: str, operation_name: object, started: float) -> None:
        super().__init__()
        self.status_code = None  # type: ignore[assignment]  # as strawberry's: none until set
        del self.headers["content-length"]
        self.answer_media_type = media_type
        self.operation_name = operation_name
        self.started = started
        # An answer delivered in parts, kept here for `create_streaming_response`.
        self.incremental: Any = None


class FacadeGraphQL(GraphQL):
    """Strawberry's ASGI view with a fresh loader per operation, coded and redacted errors, and
    an audit line for an operation refused for its input or the caller's rights, or for the
    size of its answer. `graphiql_html` is the GraphiQL page (None: GraphiQL is off or its
    files are missing); `metrics` counts each operation (None: no metrics)."""

    def __init__(
        self,
        upstream: Upstream,
        audit: AuditTrail,
        limits: Limits,
        introspection: bool,
        fast_execution: bool = True,
        graphiql_html: str | None = None,
        metrics: Metrics | None = None,
        **kwargs: Any,
    ) -> None:
        schema = build_schema(
            introspection=introspection, limits=limits, fast_execution=fast_execution
        )
        super().__init__(schema, **kwargs)
        self.upstream = upstream
        self.audit = audit
        self.limits = limits
        self.introspection = introspection
        self.graphiql_html = graphiql_html
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's view, with its HTTP-level refusals (an unknown `operationName`, a method
        it does not take) as a coded GraphQL error in JSON rather than plain text (a route of
        HTTP only: no websockets)."""
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = Response(
                graphql_error(http_refusal(exc), ErrorCode.BAD_REQUEST),
                status_code=exc.status_code,
                media_type=answer_media_type(accept_of(request)),
            )
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        """The facade's own GraphiQL page (graph/graphiql.py), never one that loads a CDN."""
        if self.graphiql_html is None:
            return HTMLResponse(
                "<!doctype html><title>GraphiQL</title><p>GraphiQL's files are not installed "
                "here: run <code>python -m graph.graphiql fetch</code> (make does).</p>",
                status_code=503,
            )
        return HTMLResponse(self.graphiql_html)

    async def get_sub_response(self, request: Any) -> OperationResponse:
        noted = request.scope.get("state", {})
        return OperationResponse(
            answer_media_type(accept_of(request)),
            noted.get("operation_name"),
            noted.get("started", time.perf_counter()),
        )

    def create_response(  # type: ignore[override]  # what get_sub_response made
        self, response_data: Any, sub_response: OperationResponse
    ) -> Response:
        """The answer as the client asked (graph/over_http.py): under graphql-response+json a
        request error is HTTP 400 without `data`. An answer too large is refused whole here,
        logged and audited."""
        status = sub_response.status_code or 200
        if sub_response.answer_media_type == GRAPHQL_RESPONSE and is_request_error(response_data):
            response_data = {k: v for k, v in response_data.items() if k != "data"}
            status = 400
        outcome = outcome_of(response_data)
        if outcome == ErrorCode.NOT_ACCEPTABLE:
            status = 406  # the answer would come in parts, which the client does not take
        body, refused_bytes = bounded_body(response_data, self.limits.response_bytes)
        if refused_bytes is not None:
            log.warning("an answer of %d bytes was refused: RESPONSE_TOO_LARGE", refused_bytes)
            self.audit.refused(reason=ErrorCode.RESPONSE_TOO_LARGE)
        if self.metrics is not None:
            self.metrics.operation(
                sub_response.operation_name,
                ErrorCode.RESPONSE_TOO_LARGE if refused_bytes is not None else outcome,
                sub_response.started,
            )
        response = Response(body, status, media_type=sub_response.answer_media_type)
        _finished(response, response_data, sub_response)
        if sub_response.background:
            response.background = sub_response.background
        return response

    async def get_context(self, request: Any, response: Any) -> Any:
        if request.method in ("GET", "HEAD") and not is_authenticated(request):
            return None  # the GraphiQL page: strawberry builds a context it does not use
        return new_context(
            caller_of(request),
            self.upstream,
            self.limits,
            accepts_incremental=accepts_multipart(accept_of(request)),
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = self.coded_errors(request, result.errors)
        return strawberry_process_result(result)

    def coded_errors(self, request: Request, errors: list[GraphQLError]) -> list[GraphQLError]:
        """Errors as the answer shows them: coded, redacted, in path order; a refusal for the
        caller's input or rights leaves an audit line."""
        errors = self._coded(errors)
        self._audit_refusals(request, [error_code(error) for error in errors])
        return errors

    def shown_errors(self, errors: list[GraphQLError]) -> list[GraphQLFormattedError]:
        """The errors of one payload of an answer in parts, coded and formatted (its refusals
        are audited once for the whole answer, `_audit_refusals`)."""
        return [error.formatted for error in self._coded(errors)]

    def _coded(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return in_path_order([with_code(e, suggestions=self.introspection) for e in errors])

    def _audit_refusals(self, request: Request, codes: Iterable[str]) -> None:
        """One audit line for an operation refused for the caller's input or rights, naming
        each such code its answer holds."""
        refusals = sorted(set(codes) & REFUSAL_CODES)
        if refusals:
            caller = caller_of(request)
            self.audit.refused(
                reason=",".join(refusals), tenant=caller.tenant, caseworker=caller.handlaggare
            )

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """strawberry's execution; an answer delivered in parts (`@defer`, `@stream`) is kept
        with the sub-response for `create_streaming_response`, which sends it."""
        result = await super().execute_operation(*args, **kwargs)
        if is_incremental(result):
            kwargs["sub_response"].incremental = result
        return result

    async def create_streaming_response(  # type: ignore[override]  # what get_sub_response made
        self, request: Any, stream: Any, sub_response: OperationResponse, headers: Any
    ) -> Response:
        """An operation delivered in parts, as `multipart/mixed` (graph/multipart.py);
        strawberry's own `stream` of it is never started. A first payload over
        SSBTEK_MAX_RESPONSE_BYTES is refused whole, as a single answer is."""
        result = sub_response.incremental
        payloads = Payloads(self.shown_errors)
        first = payloads.first(result.initial_result)
        body = encode_answer(first)
        if len(body) > self.limits.response_bytes:
            await result.subsequent_results.aclose()  # lets the operation's answers go
            self._audit_refusals(request, payloads.codes)
            return self.create_response(first, sub_response)
        if self.metrics is not None:
            self.metrics.first_payload(sub_response.operation_name, sub_response.started)
        response = StreamingResponse(
            self._counted(
                multipart_body(
                    body,
                    result,
                    payloads,
                    encode_answer,
                    self.limits.response_bytes,
                    self._parts_too_large,
                ),
                payloads,
                sub_response,
                request,
            ),
            status_code=200,
            headers={"content-type": CONTENT_TYPE},
        )
        _finished(response, first, sub_response)
        return response

    def _parts_too_large(self) -> dict[str, Any]:
        """The error that ends an answer in parts larger than SSBTEK_MAX_RESPONSE_BYTES in all,
        logged and audited."""
        log.warning("an answer in parts passed SSBTEK_MAX_RESPONSE_BYTES: RESPONSE_TOO_LARGE")
        self.audit.refused(reason=ErrorCode.RESPONSE_TOO_LARGE)
        return {
            "message": f"the answer's parts are larger than {self.limits.response_bytes} bytes "
            "together; ask for less (fewer people, fields or aliases) or in several operations",
            "extensions": {"code": ErrorCode.RESPONSE_TOO_LARGE},
        }

    async def _counted(
        self,
        body: AsyncGenerator[bytes, None],
        payloads: Payloads,
        sub_response: OperationResponse,
        request: Request,
    ) -> AsyncGenerator[bytes, None]:
        """The body; when its last part is sent (or the client left) the operation's refusals
        audited once and the operation counted in the metrics, its outcome RESPONSE_TOO_LARGE
        where the parts were cut short, else the first error code of any of its payloads."""
        try:
            async for chunk in body:
                yield chunk
        finally:
            await body.aclose()
            self._audit_refusals(request, payloads.codes)
            if self.metrics is not None:
                outcome = payloads.codes[0] if payloads.codes else "ok"
                if ErrorCode.RESPONSE_TOO_LARGE in payloads.codes:
                    outcome = ErrorCode.RESPONSE_TOO_LARGE
                self.metrics.operation(sub_response.operation_name, outcome, sub_response.started)


NO_SUCH_OPERATION = (
    "the document has no operation of the name in operationName, or several operations and "
    "no operationName"
)


def http_refusal(exc: HTTPException) -> str:
    """The message of strawberry's refusal before execution: its own fixed sentences, except
    where it would echo the request (an unknown `operationName`, which may be anything)."""
    if isinstance(exc.__cause__, CannotGetOperationTypeError):
        return NO_SUCH_OPERATION
    return exc.reason


def outcome_of(answer: Any) -> str:
    """An operation's outcome for the metrics: ok, or the code of its first error."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not errors:
        return "ok"
    return str((errors[0].get("extensions") or {}).get("code", ErrorCode.INTERNAL_SERVER_ERROR))


def _finished(response: Response, answer: Any, sub_response: OperationResponse) -> None:
    """The headers every answer gets: `Retry-After` where it is RATE_LIMITED, and those the
    operation set (its content type is the response's own)."""
    retry_after = retry_after_of(answer)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    response.headers.raw.extend(
        (name, value) for name, value in sub_response.headers.raw if name != b"content-type"
    )


def retry_after_of(answer: Any) -> int | None:
    """The seconds a RATE_LIMITED answer asks the caller to wait (the longest of its errors)."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    waits = [
        int(extensions["retryAfter"])
        for error in errors or []
        if (extensions := error.get("extensions") or {}).get("code") == ErrorCode.RATE_LIMITED
        and "retryAfter" in extensions
    ]
    return max(waits) if waits else None


def bounded_body(data: object, limit: int) -> tuple[bytes, int | None]:
    """The JSON of an answer and None; or, for one longer than `limit` bytes, the refusal that
    replaces it whole (never an answer cut short) and the length refused. Nothing else happens
    here: the refusal is logged and audited where the response is made."""
    body = encode_answer(data)
    if len(body) <= limit:
        return body, None
    refusal = graphql_error(
        f"the answer is larger than {limit} bytes; ask for less (fewer people, fields or "
        "aliases) or in several operations",
        ErrorCode.RESPONSE_TOO_LARGE,
    )
    return refusal, len(body)


def encode_answer(data: object) -> bytes:
    """JSON of an answer: orjson (some ten times faster than the json module on a large answer),
    the json module for what orjson does not take (integers beyond 64 bits)."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
