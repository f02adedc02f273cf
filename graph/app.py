"""The ASGI application: `/graphql` (with GraphiQL), `/healthz` and `/readyz`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from cross_web import HTTPException
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http import process_result as strawberry_process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionResult

from graph.apq import AutomaticPersistedQueries, build_persisted_queries
from graph.auth import (
    AuthMode,
    FacadeAuthentication,
    KeyError_,
    Refused,
    caller_of,
    is_authenticated,
    refusal_response,
)
from graph.cors import cors_middleware
from graph.graphiql import BY_NAME as GRAPHIQL_ASSETS
from graph.graphiql import MEDIA_TYPES as GRAPHIQL_MEDIA_TYPES
from graph.graphiql import assets_dir, editor_headers, favicon, missing_or_altered
from graph.graphiql import page as graphiql_page
from graph.logs import JsonFormatter
from graph.metrics import Metrics
from graph.over_http import GRAPHQL_RESPONSE, JSON, answer_media_type, is_request_error
from graph.settings import Settings, SettingsError, load_settings
from graph.surface import (
    NO_STORE,
    SECURITY_HEADERS,
    AllowedHosts,
    PostJsonOnly,
    SecurityHeaders,
    graphql_error,
)
from graph.tracing import TraceRequests
from resolvers.audit import AuditTrail, configure_audit_log
from resolvers.budget import build_budget
from resolvers.cache import build_cache
from resolvers.client import SsbtekClient, WsdlError
from resolvers.errors import UpstreamBusy, UpstreamError
from resolvers.loader import Upstream
from resolvers.privacy import redact
from schema.build import build_schema, schema_sdl
from schema.context import new_context
from schema.errors import INTERNAL_MESSAGE, REFUSAL_CODES, error_code, in_path_order, with_code
from schema.limits import Limits

log = logging.getLogger(__name__)
access_log = logging.getLogger("ssbtek_graphql.access")


class FacadeGraphQL(GraphQL):
    """Strawberry's ASGI view with a fresh loader per operation, coded and redacted errors, and
    an audit line for an operation refused for its input or the caller's rights."""

    def __init__(
        self,
        upstream: Upstream,
        audit: AuditTrail,
        limits: Limits,
        introspection: bool,
        fast_execution: bool = True,
        **kwargs: Any,
    ) -> None:
        schema = build_schema(
            introspection=introspection, limits=limits, fast_execution=fast_execution
        )
        super().__init__(schema, **kwargs)
        self.introspection = introspection
        # The GraphiQL page, made once; None when GraphiQL is off or its files are missing.
        self.graphiql_html: str | None = None
        self.metrics: Metrics | None = None
        self.upstream = upstream
        self.audit = audit
        self.limits = limits

    def encode_json(self, data: object) -> str | bytes:
        """The response body, UTF-8 JSON; one larger than SSBTEK_MAX_RESPONSE_BYTES is refused
        whole with a code (never cut short)."""
        return self._encoded(data)[0]

    def _encoded(self, data: object) -> tuple[bytes, bool]:
        """The body, and whether it is the refusal of an answer too large."""
        body = encode_answer(data)
        if len(body) <= self.limits.response_bytes:
            return body, False
        log.warning("an answer of %d bytes was refused: RESPONSE_TOO_LARGE", len(body))
        self.audit.refused(reason="RESPONSE_TOO_LARGE")
        refusal = graphql_error(
            f"the answer is larger than {self.limits.response_bytes} bytes; ask for less (fewer "
            "people, fields or aliases) or in several operations",
            "RESPONSE_TOO_LARGE",
        )
        return refusal, True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's view, with its HTTP-level refusals (an unknown `operationName`, a method
        it does not take) as a coded GraphQL error in JSON rather than plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = Response(
                graphql_error(http_refusal(exc), "BAD_REQUEST"),
                status_code=exc.status_code,
                media_type=answer_media_type(request.headers.get("accept")),
            )
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Any) -> Response:
        """The facade's own GraphiQL page (graph/graphiql.py), never one that loads a CDN."""
        if self.graphiql_html is None:
            return HTMLResponse(
                "<!doctype html><title>GraphiQL</title><p>GraphiQL's files are not installed "
                "here: run <code>python -m graph.graphiql fetch</code> (make does).</p>",
                status_code=503,
            )
        return HTMLResponse(self.graphiql_html)

    async def get_sub_response(self, request: Any) -> Any:
        sub_response = await super().get_sub_response(request)
        # The negotiated media type and the operation's name and start travel with the
        # sub-response to `create_response`.
        sub_response.media_type = answer_media_type(request.headers.get("accept"))
        sub_response.operation_state = dict(request.scope.get("state", {}))
        return sub_response

    def create_response(self, response_data: Any, sub_response: Any) -> Response:
        """The answer as the client asked (graph/over_http.py): under graphql-response+json a
        request error is HTTP 400 without `data`."""
        media_type = getattr(sub_response, "media_type", None) or JSON
        status = sub_response.status_code or 200
        if media_type == GRAPHQL_RESPONSE and is_request_error(response_data):
            response_data = {k: v for k, v in response_data.items() if k != "data"}
            status = 400
        body, too_large = self._encoded(response_data)
        if self.metrics is not None:
            state = getattr(sub_response, "operation_state", {})
            self.metrics.operation(
                state.get("operation_name"),
                "RESPONSE_TOO_LARGE" if too_large else outcome_of(response_data),
                state.get("started", time.perf_counter()),
            )
        response = Response(body, status, media_type=media_type)
        retry_after = retry_after_of(response_data)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        response.headers.raw.extend(
            (name, value) for name, value in sub_response.headers.raw if name != b"content-type"
        )
        if sub_response.background:
            response.background = sub_response.background
        return response

    async def get_context(self, request: Any, response: Any) -> Any:
        if request.method in ("GET", "HEAD") and not is_authenticated(request):
            return None  # the GraphiQL page: strawberry builds a context it does not use
        return new_context(caller_of(request), self.upstream)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = in_path_order(
                [with_code(error, suggestions=self.introspection) for error in result.errors]
            )
            refusals = sorted({error_code(e) for e in result.errors} & REFUSAL_CODES)
            if refusals:
                caller = caller_of(request)
                self.audit.refused(
                    reason=",".join(refusals), tenant=caller.tenant, caseworker=caller.handlaggare
                )
        return strawberry_process_result(result)


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


ANY_ADDRESS = ("0.0.0.0", "::", "[::]")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def outcome_of(answer: Any) -> str:
    """An operation's outcome for the metrics: ok, or the code of its first error."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not errors:
        return "ok"
    return str((errors[0].get("extensions") or {}).get("code", "INTERNAL_SERVER_ERROR"))


def retry_after_of(answer: Any) -> int | None:
    """The seconds a RATE_LIMITED answer asks the caller to wait (the longest of its errors)."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    waits = [
        int(extensions["retryAfter"])
        for error in errors or []
        if (extensions := error.get("extensions") or {}).get("code") == "RATE_LIMITED"
        and "retryAfter" in extensions
    ]
    return max(waits) if waits else None


def tune_serving_process() -> None:
    """Keep the event loop free beside large answers; called once a serving process has built
    its application. Measured by `make bench` (docs/performance.md, small questions beside a huge
    answer).

    - What start-up built (the schema, the WSDL, the LEFI model: objects that live as long as
      the process) is kept out of the garbage collector's full passes, each of which otherwise
      scans it all and holds the loop for 70-90 ms.
    - Threads (decoding large answers) hand the interpreter back to the event loop after 1 ms
      instead of 5: the loop's lag beside a large answer falls from about 20 ms (p99) to 8.
    - The collector's youngest generation is collected after 10,000 allocations instead of
      700: a decoded answer's objects, alive until it is answered, are no longer walked again
      and again and promoted on the way, so the passes that walk everything come some 15 times
      less often (a huge answer: 0.8 full passes and 12 ms of collecting each, now 2-3 ms).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL_S)


SWITCH_INTERVAL_S = 0.001
GC_THRESHOLDS = (10_000, 10, 10)


def encode_answer(data: object) -> bytes:
    """JSON of an answer: orjson (some ten times faster than the json module on a large answer),
    the json module for what orjson does not take (integers beyond 64 bits)."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def demo_transport() -> httpx.AsyncBaseTransport:
    """The embedded simulator, reached in-process, with its latency model on."""
    from simulator.app import SimulatorConfig, create_app
    from simulator.latency import LatencyModel

    return httpx.ASGITransport(app=create_app(SimulatorConfig(latency=LatencyModel(enabled=True))))


def create_app(
    settings: Settings | None = None,
    served_host: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    metrics_route: bool = True,
) -> Starlette:
    """The facade application; settings are read from the environment when not given.

    The SSBTEK client (and its WSDL) and the token keys are loaded here, before serving, so that
    one that cannot be loaded stops start-up with a message naming the setting. `served_host`
    (the command's `--host`) is served besides `SSBTEK_ALLOWED_HOSTS`. `transport` replaces the
    network way to SSBTEK (tests reach an in-process simulator so). Without `metrics_route`,
    `/metrics` is not served on this port (`serve --metrics-port` serves it on its own).
    """
    settings = settings or load_settings()
    configure_audit_log(settings.audit, JsonFormatter() if settings.log_format == "json" else None)
    audit = AuditTrail(settings.audit)
    authentication = build_authentication(settings)
    client = build_client(settings, transport)
    cache = build_cache(settings.cache)
    persisted_queries = build_persisted_queries(settings.cache)
    budget = build_budget(
        settings.caller_questions_per_minute, settings.cache.url, settings.cache.key
    )
    upstream = Upstream(client, settings.requester, audit, cache, budget=budget)
    metrics = Metrics() if settings.metrics else None
    if metrics is not None:
        upstream.observer = metrics
        audit.on_refused = metrics.refusal
        metrics.watch(client.limiter, cache)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        log.info(
            "facade ready: %s, ssbt/%s, authentication %s, cache %s",
            "demo mode with the embedded simulator" if settings.demo else "SSBTEK at SSBTEK_URL",
            settings.client.version.value,
            settings.auth.mode.value,
            cache.backend,
        )
        if not settings.demo and settings.client.url.lower().startswith("http://"):
            log.warning("SSBTEK_URL is plain http: questions and answers travel unencrypted")
        if (settings.auth.jwks_url or "").lower().startswith("http://"):
            log.warning("SSBTEK_JWT_JWKS_URL is plain http: token keys can be replaced in transit")
        if settings.auth.mode is AuthMode.GATEWAY:
            log.warning(
                "SSBTEK_AUTH=none: callers are not authenticated here; the caseworker is taken "
                "from the X-Handlaggare header, which only a trusted gateway may set"
            )
        await authentication.prefetch()
        _app.state.ready = True
        try:
            yield
        finally:
            _app.state.ready = False
            await client.aclose()
            await authentication.aclose()
            await cache.close()
            await persisted_queries.close()
            await budget.close()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        return await readiness(app, settings, upstream)

    # Queries only by POST: a query string with a personnummer would land in access logs.
    graphql = FacadeGraphQL(
        upstream,
        audit,
        limits=settings.limits,
        introspection=settings.http.introspection,
        fast_execution=settings.fast_execution,
        graphql_ide="graphiql" if settings.http.graphiql else None,
        allow_queries_via_get=False,
    )
    graphql.metrics = metrics
    if settings.http.graphiql:
        wrong = missing_or_altered(assets_dir())
        if wrong:
            log.warning(
                "GraphiQL's files are missing or altered in %s (%s): run "
                "`python -m graph.graphiql fetch`; /graphql shows no GraphiQL until then",
                assets_dir(),
                ", ".join(wrong),
            )
        else:
            # Made once: the page reads the schema guide's examples.
            graphql.graphiql_html = graphiql_page(editor_headers(settings.auth.mode))
    persisted = AutomaticPersistedQueries(graphql, persisted_queries, settings.http.trusted)
    guarded = PostJsonOnly(
        AuthenticationMiddleware(persisted, authentication, on_error=refusal_response(audit)),
        audit=audit,
        max_body_bytes=settings.http.max_body_bytes,
        trusted=settings.http.trusted,
    )
    hosts = settings.http.allowed_hosts + ((served_host.lower(),) if served_host else ())
    if served_host in ANY_ADDRESS:
        # No client sends 0.0.0.0: the process's own loopback names are what a container's
        # health check and a sidecar use; a browser page cannot send them for another name.
        hosts += LOOPBACK_HOSTS
    middleware = [
        Middleware(TraceRequests),
        Middleware(SecurityHeaders),
        Middleware(AccessLog),
        Middleware(AllowedHosts, hosts=hosts, audit=audit),
    ]
    if settings.http.cors_origins:
        middleware.append(cors_middleware(settings.http.cors_origins, settings.http.cors_headers))

    async def sdl(request: Request) -> Response:
        try:
            await authentication.caller(request)  # the same callers as /graphql
        except Refused as exc:
            return refusal_response(audit)(request, exc)
        if not settings.http.introspection:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(schema_sdl(), media_type="application/graphql; charset=utf-8")

    async def home(_request: Request) -> Response:
        if not settings.http.graphiql:
            return Response("not found", status_code=404, media_type="text/plain")
        return RedirectResponse("/graphql", status_code=307)

    async def graphiql_file(request: Request) -> Response:
        asset = GRAPHIQL_ASSETS.get(request.path_params["name"])
        if asset is None or graphql.graphiql_html is None:
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(
            assets_dir() / asset.name,
            media_type=GRAPHIQL_MEDIA_TYPES[Path(asset.name).suffix],
            headers={"cache-control": "public, max-age=31536000, immutable"},
        )

    async def metrics_page(_request: Request) -> Response:
        if metrics is None or not metrics_route:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/metrics", metrics_page, methods=["GET"]),
            Route("/graphiql/{name}", graphiql_file, methods=["GET"]),
            Route("/favicon.ico", favicon, methods=["GET"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", guarded, methods=["GET", "POST"]),
            # The schema for code generators and reviews, where introspection is on.
            Route("/graphql/schema.graphql", sdl, methods=["GET"]),
        ],
        middleware=middleware,
        exception_handlers={500: internal_error},
        lifespan=lifespan,
    )
    app.state.cache = cache
    app.state.metrics = metrics
    app.state.ready = False
    app.state.probe = None
    app.state.probe_lock = asyncio.Lock()
    return app


PROBE_EVERY_S = 30.0
PROBE_WAIT_S = 5.0


async def readiness(app: Starlette, settings: Settings, upstream: Upstream) -> Response:
    """`/readyz`: 503 until start-up has loaded the WSDL and the keys (and while shutting down);
    then 200 with how the last SSBTEK calls went. With SSBTEK_READY_PROBE=true it also asks
    SSBTEK's connectivity probe, at most every 30 s, and is 503 while that fails: for deployments
    that would rather take an instance out than let it answer UPSTREAM_UNAVAILABLE."""
    if not app.state.ready:
        return JSONResponse({"status": "not ready"}, status_code=503)
    health = upstream.health
    body: dict[str, Any] = {
        "status": "ready",
        "demo": settings.demo,
        "wsdl": "loaded",
        "upstream": {
            "lastReached": _stamp(health.last_reached),
            "lastFailed": _stamp(health.last_failed),
            "lastFailureCode": health.last_failure_code,
            "failuresInARow": health.failures_in_a_row,
        },
    }
    if settings.ready_probe:
        probed = app.state.probe
        if probed is None or time.monotonic() - probed[0] > PROBE_EVERY_S:
            probed = await _probe_once(app, upstream)
        body["probe"] = probed[1] or "ok"
        if probed[1] is not None:
            body["status"] = "not ready"
            return JSONResponse(body, status_code=503)
    return JSONResponse(body)


async def _probe_once(app: Starlette, upstream: Upstream) -> tuple[float, str | None]:
    """Ask the probe for readiness: one probe at a time (others take its result), at most
    PROBE_WAIT_S; a busy queue means the way to SSBTEK works, so it counts as ready."""
    async with app.state.probe_lock:
        probed = app.state.probe
        if probed is not None and time.monotonic() - probed[0] <= PROBE_EVERY_S:
            return probed
        try:
            async with asyncio.timeout(PROBE_WAIT_S):
                await upstream.probe()
            probed = (time.monotonic(), None)
        except UpstreamBusy:
            probed = (time.monotonic(), None)
        except TimeoutError:
            probed = (time.monotonic(), "UPSTREAM_TIMEOUT")
        except UpstreamError as exc:
            probed = (time.monotonic(), exc.code)
        app.state.probe = probed
        return probed


def _stamp(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")


async def internal_error(_request: Request, _exc: Exception) -> Response:
    """An unexpected failure outside GraphQL execution: a coded GraphQL-shaped 500 with the
    security headers (it is sent from outside the middleware that adds them)."""
    return Response(
        graphql_error(INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR"),
        status_code=500,
        media_type="application/json",
        headers={**SECURITY_HEADERS, **NO_STORE},
    )


def build_authentication(settings: Settings) -> FacadeAuthentication:
    """The authentication backend; a token key that cannot be used stops start-up."""
    try:
        return FacadeAuthentication(settings.auth)
    except KeyError_ as exc:
        raise SettingsError(f"SSBTEK_JWT_PUBLIC_KEY_FILE cannot verify tokens: {exc}") from None


def build_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> SsbtekClient:
    """The SSBTEK client for the settings: the embedded simulator in demo mode."""
    if transport is None and settings.demo:
        transport = demo_transport()
    try:
        return SsbtekClient(settings.client, transport=transport)
    except WsdlError as exc:
        name = "SSBTEK_WSDL" if settings.client.wsdl else "the WSDL for SSBTEK_VERSION"
        raise SettingsError(
            f"{name} ({settings.client.wsdl_location}) could not be loaded: {exc}"
        ) from exc


class AccessLog:
    """Logs each request's method, path (never the query string), status and duration; the
    status is `-` when nothing was answered (the client left before its body was in)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: int | None = None

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            status = status or 500
            raise
        finally:
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                redact(scope["path"]),  # a path is the client's: it may hold a number
                status or "-",
                (time.perf_counter() - start) * 1000,
            )
