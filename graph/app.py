"""The ASGI application, put together from small builders: what it holds for its lifetime
(`build_services`), the GraphQL view (`build_view`), the routes and the way into `/graphql`
(`build_routes`, `build_graphql_endpoint`), the middleware stack (`build_middleware`) and the
lifespan (`lifespan`). What each piece does is in its own module."""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial

import httpx
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from graph.access_log import AccessLog
from graph.allocator import allocator_name
from graph.apq import AutomaticPersistedQueries, PersistedQueries, build_persisted_queries
from graph.auth import AuthMode, FacadeAuthentication, Refused, UnusableKey, refusal_response
from graph.cors import cors_middleware
from graph.graphiql import asset as graphiql_asset
from graph.graphiql import assets_dir, editor_headers, favicon, missing_or_altered
from graph.graphiql import page as graphiql_page
from graph.hosts import AllowedHosts, served_hosts
from graph.http_errors import internal_error, not_found
from graph.logs import JsonFormatter
from graph.metrics import Metrics
from graph.readiness import Readiness
from graph.request_bodies import PostJsonOnly
from graph.security_headers import SecurityHeaders
from graph.settings import Settings, SettingsError, key_file_problem, load_settings
from graph.tracing import TraceRequests
from graph.view import FacadeGraphQL
from resolvers.audit import AuditTrail, configure_audit_log
from resolvers.budget import CallerBudget, build_budget
from resolvers.cache import PartCache, build_cache
from resolvers.client import SsbtekClient, WsdlError
from resolvers.loader import Upstream, UpstreamObserver
from schema.build import schema_sdl

log = logging.getLogger(__name__)


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
    services = build_services(settings, transport)
    view = build_view(settings, services)
    app = Starlette(
        routes=build_routes(settings, services, view, metrics_route),
        middleware=build_middleware(settings, services.audit, served_host),
        exception_handlers={500: internal_error},
        lifespan=partial(lifespan, settings=settings, services=services),
    )
    app.state.cache = services.cache
    app.state.metrics = services.metrics
    app.state.ready = False  # until the lifespan has started it (`/readyz`)
    return app


@dataclass(frozen=True)
class Services:
    """What the application holds for its lifetime, made once before it serves."""

    audit: AuditTrail
    authentication: FacadeAuthentication
    client: SsbtekClient
    cache: PartCache
    persisted_queries: PersistedQueries
    budget: CallerBudget
    upstream: Upstream
    metrics: Metrics | None

    async def aclose(self) -> None:
        """Close what holds connections, at shutdown."""
        await self.client.aclose()
        await self.authentication.aclose()
        await self.cache.close()
        await self.persisted_queries.close()
        await self.budget.close()


def build_services(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> Services:
    """The audit trail, authentication, the SSBTEK client, the caches, the per-caller budget,
    the way to SSBTEK that uses them, and the metrics that watch them."""
    configure_audit_log(settings.audit, JsonFormatter() if settings.log_format == "json" else None)
    metrics = Metrics() if settings.metrics else None
    audit = AuditTrail(settings.audit, on_refused=metrics.refusal if metrics else None)
    authentication = build_authentication(settings)
    client = build_client(settings, transport)
    cache = build_cache(settings.cache)
    persisted_queries = build_persisted_queries(settings.cache)
    budget = build_budget(
        settings.caller_questions_per_minute, settings.cache.url, settings.cache.key
    )
    observer = metrics if metrics is not None else UpstreamObserver()
    upstream = Upstream(client, settings.requester, audit, cache, observer=observer, budget=budget)
    if metrics is not None:
        metrics.watch(client.limiter, cache)
    return Services(
        audit, authentication, client, cache, persisted_queries, budget, upstream, metrics
    )


def build_view(settings: Settings, services: Services) -> FacadeGraphQL:
    """The GraphQL view: operations only by POST (a query string with a personnummer would land
    in access logs), GraphiQL on `GET /graphql` where it is switched on."""
    return FacadeGraphQL(
        services.upstream,
        services.audit,
        limits=settings.limits,
        introspection=settings.http.introspection,
        fast_execution=settings.fast_execution,
        graphiql_html=graphiql_html(settings),
        metrics=services.metrics,
        graphql_ide="graphiql" if settings.http.graphiql else None,
        allow_queries_via_get=False,
    )


def graphiql_html(settings: Settings) -> str | None:
    """The GraphiQL page, made once (it reads the schema guide's examples); None when GraphiQL
    is off, or, with a warning, when its files are missing or altered."""
    if not settings.http.graphiql:
        return None
    wrong = missing_or_altered(assets_dir())
    if wrong:
        log.warning(
            "GraphiQL's files are missing or altered in %s (%s): run "
            "`python -m graph.graphiql fetch`; /graphql shows no GraphiQL until then",
            assets_dir(),
            ", ".join(wrong),
        )
        return None
    return graphiql_page(editor_headers(settings.auth.mode))


def build_routes(
    settings: Settings, services: Services, view: FacadeGraphQL, metrics_route: bool
) -> list[Route]:
    """Every path the application serves."""
    readiness = Readiness(services.upstream, demo=settings.demo, probe=settings.ready_probe)
    metrics = services.metrics if metrics_route else None
    return [
        Route("/", partial(home, settings.http.graphiql), methods=["GET"]),
        Route("/metrics", partial(metrics_page, metrics), methods=["GET"]),
        Route(
            "/graphiql/{name}",
            partial(graphiql_asset, view.graphiql_html is not None),
            methods=["GET"],
        ),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/healthz", healthz),
        Route("/readyz", readiness.page),
        Route(
            "/graphql", build_graphql_endpoint(settings, services, view), methods=["GET", "POST"]
        ),
        # The schema for code generators and reviews, where introspection is on.
        Route(
            "/graphql/schema.graphql",
            partial(
                schema_page, settings.http.introspection, services.authentication, services.audit
            ),
            methods=["GET"],
        ),
    ]


def build_graphql_endpoint(settings: Settings, services: Services, view: FacadeGraphQL) -> ASGIApp:
    """The way into the view, outermost first: the body read and checked (POST of one JSON
    object; a trusted document looked up), the caller authenticated, an Apollo hash the caller
    registered looked up."""
    persisted = AutomaticPersistedQueries(view, services.persisted_queries, settings.http.trusted)
    authenticated = AuthenticationMiddleware(
        persisted, services.authentication, on_error=refusal_response(services.audit)
    )
    return PostJsonOnly(
        authenticated,
        audit=services.audit,
        max_body_bytes=settings.http.max_body_bytes,
        trusted=settings.http.trusted,
    )


def build_middleware(
    settings: Settings, audit: AuditTrail, served_host: str | None
) -> list[Middleware]:
    """Around every route, outermost first: the request's span, the security headers, the
    access line, the `Host` check, and CORS where browser origins are configured."""
    middleware = [
        Middleware(TraceRequests),
        Middleware(SecurityHeaders),
        Middleware(AccessLog),
        Middleware(
            AllowedHosts,
            hosts=served_hosts(settings.http.allowed_hosts, served_host),
            audit=audit,
        ),
    ]
    if settings.http.cors_origins:
        middleware.append(cors_middleware(settings.http.cors_origins, settings.http.cors_headers))
    return middleware


@contextlib.asynccontextmanager
async def lifespan(app: Starlette, settings: Settings, services: Services) -> AsyncIterator[None]:
    """Start-up (the start-up lines, the JWKS fetched), then ready until shutdown begins, when
    `/readyz` turns 503 before the connections are closed."""
    log_start_up(settings, services.cache)
    await services.authentication.prefetch()
    app.state.ready = True
    try:
        yield
    finally:
        app.state.ready = False
        await services.aclose()


def log_start_up(settings: Settings, cache: PartCache) -> None:
    """The start-up line, and a warning for each setting that leaves something unprotected."""
    log.info(
        "facade ready: %s, ssbt/%s, authentication %s, cache %s, allocator %s",
        "demo mode with the embedded simulator" if settings.demo else "SSBTEK at SSBTEK_URL",
        settings.client.version.value,
        settings.auth.mode.value,
        cache.backend,
        allocator_name(),
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


async def healthz(_request: Request) -> Response:
    """`/healthz`: the process answers."""
    return JSONResponse({"status": "ok"})


async def home(graphiql: bool, _request: Request) -> Response:
    """`/`: to GraphiQL, where it is on."""
    return RedirectResponse("/graphql", status_code=307) if graphiql else not_found()


async def metrics_page(metrics: Metrics | None, _request: Request) -> Response:
    """`/metrics`, where metrics are on and served on this port."""
    if metrics is None:
        return not_found()
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


async def schema_page(
    introspection: bool,
    authentication: FacadeAuthentication,
    audit: AuditTrail,
    request: Request,
) -> Response:
    """`/graphql/schema.graphql`, for the callers `/graphql` takes, where introspection is on."""
    try:
        await authentication.caller(request)
    except Refused as exc:
        return refusal_response(audit)(request, exc)
    if not introspection:
        return not_found()
    return Response(schema_sdl(), media_type="application/graphql; charset=utf-8")


def demo_transport() -> httpx.AsyncBaseTransport:
    """The embedded simulator, reached in-process, with its latency model on."""
    from simulator.app import SimulatorConfig, create_app
    from simulator.latency import LatencyModel

    return httpx.ASGITransport(app=create_app(SimulatorConfig(latency=LatencyModel(enabled=True))))


def build_authentication(settings: Settings) -> FacadeAuthentication:
    """The authentication backend; a token key that cannot be used stops start-up."""
    try:
        return FacadeAuthentication(settings.auth)
    except UnusableKey as exc:
        raise SettingsError(key_file_problem(exc)) from None


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
