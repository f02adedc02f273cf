"""The facade and the simulator in one process, joined by httpx's ASGI transport: no socket, no
server thread. Synchronous tests reach them through one background event loop; asynchronous
tests call `asgi_client` on their own loop."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

from graph.app import create_app as create_facade
from graph.settings import load_settings
from simulator.app import SimulatorConfig
from simulator.app import create_app as create_simulator
from tests.support.env import CASEWORKER

T = TypeVar("T")
_numbers = itertools.count(1)
# In-process simulators by their URL: a facade whose SSBTEK_URL names one reaches it in-process.
_SIMULATORS: dict[str, Simulator] = {}


class _Loop:
    """One event loop in a daemon thread, for synchronous tests to run coroutines on."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


_LOOP: _Loop | None = None


def _loop() -> _Loop:
    global _LOOP
    if _LOOP is None:
        _LOOP = _Loop()
    return _LOOP


def asgi_client(app: Any, host: str = "localhost", **headers: str) -> httpx.AsyncClient:
    """An httpx client that calls an ASGI app in-process (no socket), as `http://<host>`."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{host}", headers=headers
    )


class Simulator:
    """An in-process simulator, its URL (a name only in-process facades resolve) and its
    request log."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.app = create_simulator(config or SimulatorConfig(slow_seconds=10))
        self.base = f"http://simulator-{next(_numbers)}.test"
        self.url = f"{self.base}/ssbtek"

    def transport(self) -> httpx.AsyncBaseTransport:
        """The transport that reaches this simulator in-process."""
        return httpx.ASGITransport(app=self.app)

    def requests(self) -> list[dict[str, Any]]:
        """The requests received since the last `clear()`."""
        return list(self.app.state.requests.entries)

    def questions(self) -> list[dict[str, Any]]:
        """The `hamtaBastjanstInformation` questions received since the last `clear()`."""
        return [r for r in self.requests() if r["operation"] == "hamtaBastjanstInformation"]

    def clear(self) -> None:
        """Forget the requests received so far."""
        self.app.state.requests.entries.clear()

    def call(self, method: str, path: str = "/ssbtek", **kwargs: Any) -> httpx.Response:
        """One HTTP request to the simulator (e.g. a raw SOAP envelope), in-process."""

        async def send() -> httpx.Response:
            async with asgi_client(self.app, host="127.0.0.1") as client:
                return await client.request(method, path, **kwargs)

        return _loop().run(send())


@contextmanager
def simulator(config: SimulatorConfig | None = None) -> Iterator[Simulator]:
    """An in-process simulator that in-process facades reach by its URL."""
    running = Simulator(config)
    _SIMULATORS[running.url] = running
    try:
        yield running
    finally:
        _SIMULATORS.pop(running.url, None)


def facade_app(env: dict[str, str], **create: Any) -> Any:
    """The facade application for `env`; an SSBTEK_URL of an in-process simulator is reached
    in-process, any other for real."""
    target = _SIMULATORS.get(env.get("SSBTEK_URL", ""))
    transport = target.transport() if target is not None else None
    return create_facade(load_settings(env), transport=transport, **create)


class Facade:
    """An in-process facade, called synchronously."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = asgi_client(app)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One HTTP request to the facade."""
        return _loop().run(self.client.request(method, path, **kwargs))

    def post(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        """POST a GraphQL request body as the test caseworker (headers may override)."""
        return self.request(
            "POST", "/graphql", json=body, headers={"X-Handlaggare": CASEWORKER, **headers}
        )

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST a GraphQL operation; return the JSON answer."""
        response = self.post({"query": query, "variables": variables or {}})
        assert response.status_code in (200, 400), response.text
        return response.json()


@contextmanager
def facade(env: dict[str, str]) -> Iterator[Facade]:
    """An in-process facade configured by `env` as its environment would be, started and stopped
    as a server starts and stops it (its lifespan), so that its connections are closed."""
    with started(facade_app(env)) as running:
        yield running


@contextmanager
def started(app: Any) -> Iterator[Facade]:
    """An in-process facade of an application made elsewhere (e.g. with a transport of the
    test's), started and stopped as a server starts and stops it."""
    lifespan = app.router.lifespan_context(app)
    _loop().run(lifespan.__aenter__())
    running = Facade(app)
    try:
        yield running
    finally:
        _loop().run(running.client.aclose())
        _loop().run(lifespan.__aexit__(None, None, None))


def post_scope(headers: list[tuple[bytes, bytes]], client_port: int = 50000) -> dict[str, Any]:
    """The ASGI scope of a POST to /graphql over HTTP/1.1 on loopback, with these headers, for
    an app called directly (no client, no socket)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", client_port),
        "server": ("127.0.0.1", 8000),
    }
