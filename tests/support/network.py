"""Real servers on loopback ports (uvicorn, each in a thread of its own), for what needs a
socket: the command, TLS, a WSDL fetched over HTTP, refused connections."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from graph.app import create_app as create_facade
from graph.connections import ConnectionSettings, ServingConfig
from graph.settings import load_settings
from simulator.app import SimulatorConfig
from simulator.app import create_app as create_simulator
from tests.support.env import CASEWORKER

# How long a server started for a test may take to answer before the test gives up on it.
START_BOUND_S = 120.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    app: Any, connections: ConnectionSettings | None = None, **uvicorn_config: Any
) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port; yield its base URL.

    Extra keyword arguments go to `uvicorn.Config`; with `ssl_certfile` the URL is https. With
    `connections`, the app is served as `ssbtek-graphql serve` serves it (graph/connections.py).
    """
    port = free_port()
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "log_level": "warning",
        "lifespan": "on",
        "access_log": False,
        "timeout_graceful_shutdown": 2,
        **uvicorn_config,
    }
    config = (
        ServingConfig(app, connections, **options)
        if connections is not None
        else uvicorn.Config(app, **options)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_BOUND_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        scheme = "https" if uvicorn_config.get("ssl_certfile") else "http"
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class ServedSimulator:
    """A simulator on a loopback port and its request log.

    `verify` is httpx's TLS setting for reading the log, e.g. an `ssl.SSLContext` with a client
    certificate when the simulator is served over mTLS.
    """

    def __init__(self, base: str, verify: ssl.SSLContext | bool = True) -> None:
        self.base = base
        self.url = f"{base}/ssbtek"
        self.verify = verify

    def requests(self) -> list[dict[str, Any]]:
        """The requests received since the last `clear()`."""
        return httpx.get(f"{self.base}/_sim/requests", verify=self.verify).json()

    def questions(self) -> list[dict[str, Any]]:
        """The `hamtaBastjanstInformation` questions received since the last `clear()`."""
        return [r for r in self.requests() if r["operation"] == "hamtaBastjanstInformation"]

    def clear(self) -> None:
        """Forget the requests received so far."""
        httpx.delete(f"{self.base}/_sim/requests", verify=self.verify).raise_for_status()


@contextmanager
def served_simulator(
    config: SimulatorConfig | None = None, **uvicorn_config: Any
) -> Iterator[ServedSimulator]:
    """The SSBTEK simulator on a loopback port."""
    app = create_simulator(config or SimulatorConfig(slow_seconds=10))
    with serving(app, **uvicorn_config) as base:
        yield ServedSimulator(base)


class ServedFacade:
    """A facade on a loopback port."""

    def __init__(self, base: str) -> None:
        self.base = base

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST a GraphQL operation as the test caseworker; return the JSON answer."""
        response = httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-Handlaggare": CASEWORKER},
            timeout=60,
        )
        assert response.status_code in (200, 400), response.text
        return response.json()


@contextmanager
def served_facade(env: dict[str, str]) -> Iterator[ServedFacade]:
    """The facade on a loopback port, configured by `env`, reaching SSBTEK over the network."""
    with serving(create_facade(load_settings(env))) as base:
        yield ServedFacade(base)


@contextmanager
def command(
    args: list[str],
    ready: str,
    env: dict[str, str] | None = None,
    verify: ssl.SSLContext | bool = True,
    capture: bool = False,
    module: str = "graph",
    preexec_fn: Callable[[], None] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """`ssbtek-graphql <args>` (or `python -m <module> <args>`) in its own process, with this
    environment's `SSBTEK_*` left out and `env` added; yields once `ready` (a URL) answers below
    500. With `capture`, what the process printed is in its `output` attribute after the block.
    `preexec_fn` runs in the new process before it starts (e.g. to lower a resource limit)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SSBTEK_")}
    sink = subprocess.PIPE if capture else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env={**clean, **(env or {})},
        stdout=sink,
        stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
        preexec_fn=preexec_fn,
    )
    try:
        # Ready as soon as it answers; the bound only ends a wait for a process that hangs, and is
        # far past what a start takes on a loaded machine (a few seconds quiet).
        deadline = time.monotonic() + START_BOUND_S
        while True:
            try:
                if httpx.get(ready, verify=verify).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError(
                    f"`python -m {module} {' '.join(args[:1])}` stopped with exit code "
                    f"{process.returncode} before it answered"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"`python -m {module} {' '.join(args[:1])}` did not answer {ready} within "
                    f"{START_BOUND_S:g} s"
                )
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        printed, _ = process.communicate(timeout=15)
        process.output = (printed or b"").decode()  # type: ignore[attr-defined]
