"""The ASGI application: `/graphql` (with GraphiQL), `/healthz` and `/readyz`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http import process_result as strawberry_process_result
from strawberry.types import ExecutionResult

from graph.context import caller_of
from graph.settings import Settings, load_settings
from resolvers.client import SsbtekClient
from resolvers.loader import Upstream
from schema.build import build_schema
from schema.context import new_context
from schema.errors import with_code

log = logging.getLogger(__name__)


class FacadeGraphQL(GraphQL):
    """Strawberry's ASGI view with a fresh loader per operation and coded, redacted errors."""

    def __init__(self, upstream_holder: dict[str, Upstream], **kwargs: Any) -> None:
        super().__init__(build_schema(), **kwargs)
        self.upstream_holder = upstream_holder

    async def get_context(self, request: Any, response: Any) -> Any:
        return new_context(caller_of(request), self.upstream_holder["upstream"])

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [with_code(error) for error in result.errors]
        return strawberry_process_result(result)


def demo_transport() -> httpx.AsyncBaseTransport:
    """The embedded simulator, reached in-process, with its latency model on."""
    from simulator.app import SimulatorConfig, create_app
    from simulator.latency import LatencyModel

    return httpx.ASGITransport(app=create_app(SimulatorConfig(latency=LatencyModel(enabled=True))))


def create_app(settings: Settings | None = None) -> Starlette:
    """The facade application; settings are read from the environment when not given."""
    settings = settings or load_settings()
    holder: dict[str, Upstream] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        transport = demo_transport() if settings.demo else None
        client = SsbtekClient(settings.client, transport=transport)
        holder["upstream"] = Upstream(client, settings.requester)
        log.info(
            "facade ready: %s, ssbt/%s",
            "demo mode with the embedded simulator" if settings.demo else "SSBTEK at SSBTEK_URL",
            settings.client.version.value,
        )
        try:
            yield
        finally:
            holder.pop("upstream", None)
            await client.aclose()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        if "upstream" not in holder:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ready", "demo": settings.demo})

    graphql = FacadeGraphQL(holder, graphql_ide="graphiql")
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
