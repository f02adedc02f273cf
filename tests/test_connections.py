"""Connections of the served facade (graph/connections.py), against `ssbtek-graphql serve` on
loopback with deadlines of one second: a request head or body that does not arrive in time is
answered 408 `REQUEST_TIMEOUT` and closed while `/healthz` keeps answering; idle connections are
closed; connections over `SSBTEK_MAX_CONNECTIONS` are answered 503 `SERVER_BUSY`; oversized and
malformed heads get coded JSON."""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.app import create_app
from graph.connections import ConnectionSettings, ServingConfig
from graph.settings import load_settings
from tests.support import command, free_port, serving
from tests.support.drip import BODY_DRIP, HEAD_DRIP, Drip, drip

DEADLINE_S = 1.0
# How long a test client waits for the facade to close a connection: far past the deadlines,
# far short of forever (without them, the facade holds such connections for good).
GIVE_UP_S = 8 * DEADLINE_S
DRIPS = 40  # connections of each kind
DRIP_EVERY_S = 0.05

DEADLINES = {
    "SSBTEK_HEADER_TIMEOUT_S": str(DEADLINE_S),
    "SSBTEK_BODY_TIMEOUT_S": str(DEADLINE_S),
    "SSBTEK_KEEPALIVE_TIMEOUT_S": str(DEADLINE_S),
    "SSBTEK_LOG_FORMAT": "text",
}


@dataclass
class Served:
    """A served facade: its port, base URL and process id."""

    port: int
    base: str
    pid: int


FEW_FILES = 256  # the soft limit of open files the served process is started with


def few_files() -> None:
    """Start with a soft limit of `FEW_FILES` open files, the hard limit as it is."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (FEW_FILES, HARD_FILES))


HARD_FILES = resource.getrlimit(resource.RLIMIT_NOFILE)[1]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """`ssbtek-graphql serve` in demo mode with deadlines of `DEADLINE_S`, started with a low
    soft limit of open files."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serving = command(
        ["serve", "--port", str(port)], f"{base}/readyz", DEADLINES, preexec_fn=few_files
    )
    with serving as process:
        yield Served(port, base, process.pid)


async def healthz_until(base: str, stop: asyncio.Event) -> list[tuple[float, int]]:
    """Ask `/healthz` over and over until `stop`; when each answered, and its status."""
    loop = asyncio.get_running_loop()
    answers = []
    async with httpx.AsyncClient(timeout=GIVE_UP_S) as client:
        while not stop.is_set():
            response = await client.get(f"{base}/healthz")
            answers.append((loop.time(), response.status_code))
            await asyncio.sleep(DRIP_EVERY_S)
    return answers


async def drip_attack(served: Served) -> tuple[list[Drip], list[Drip], list[tuple[float, int]]]:
    """`DRIPS` dripping heads and `DRIPS` dripping bodies at once, `/healthz` asked meanwhile."""
    stop = asyncio.Event()
    probing = asyncio.create_task(healthz_until(served.base, stop))
    heads = [drip(served.port, HEAD_DRIP, DRIP_EVERY_S, GIVE_UP_S) for _ in range(DRIPS)]
    bodies = [drip(served.port, BODY_DRIP, DRIP_EVERY_S, GIVE_UP_S) for _ in range(DRIPS)]
    drips = await asyncio.gather(*heads, *bodies)
    stop.set()
    return drips[:DRIPS], drips[DRIPS:], await probing


def parse_answer(raw: bytes) -> tuple[int, dict[str, str], Any]:
    """An HTTP/1.1 answer as its status, headers (lower-case names) and JSON body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *fields = head.decode("latin-1").split("\r\n")
    headers = {}
    for field in fields:
        name, _, value = field.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, json.loads(body)


def test_dripping_heads_and_bodies_are_answered_408_and_closed_while_healthz_answers(
    served: Served,
) -> None:
    heads, bodies, health = asyncio.run(drip_attack(served))
    drips = heads + bodies
    assert all(d.closed_at is not None for d in drips), "every dripping connection is closed"
    for kind, group in (("headers", heads), ("body", bodies)):
        for d in group:
            status, headers, body = parse_answer(d.answer)
            assert status == 408
            assert headers["connection"] == "close"
            assert headers["content-type"] == "application/json"
            assert headers["x-content-type-options"] == "nosniff"
            assert body == {
                "errors": [
                    {
                        "message": f"the request's {kind} did not arrive within {DEADLINE_S:g} s",
                        "extensions": {"code": "REQUEST_TIMEOUT"},
                    }
                ]
            }
    # /healthz answered all along, also while every dripping connection was open.
    assert health and {status for _, status in health} == {200}
    all_open = max(d.connected_at for d in drips)
    first_closed = min(d.closed_at or 0.0 for d in drips)
    assert any(all_open < when < first_closed for when, _ in health)


async def silent_and_kept_alive(served: Served) -> tuple[bytes, bytes]:
    """What a connection that sends nothing, and one kept alive after a `/healthz`, are sent
    until the facade closes them (or `GIVE_UP_S`)."""

    async def read_to_end(reader: asyncio.StreamReader) -> bytes:
        async with asyncio.timeout(GIVE_UP_S):
            return await reader.read()

    silent_reader, silent = await asyncio.open_connection("127.0.0.1", served.port)
    kept_reader, kept = await asyncio.open_connection("127.0.0.1", served.port)
    kept.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    try:
        return await asyncio.gather(read_to_end(silent_reader), read_to_end(kept_reader))
    finally:
        silent.close()
        kept.close()


def test_idle_connections_are_closed_without_an_answer(served: Served) -> None:
    silent, kept_alive = asyncio.run(silent_and_kept_alive(served))
    assert silent == b"", "a connection that sent nothing is closed, and nothing is answered"
    # One answer, to the one request; then the keep-alive timeout closes the connection.
    assert kept_alive.count(b"HTTP/1.1 ") == 1 and kept_alive.startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize("token_bytes", [100_000, 1_000_000])
def test_an_oversized_header_is_a_coded_431(served: Served, token_bytes: int) -> None:
    response = httpx.post(
        f"{served.base}/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": "Bearer " + "a" * token_bytes},
        timeout=30,
    )
    assert response.status_code == 431
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": "the request line and headers are larger than 16384 bytes",
                "extensions": {"code": "HEADERS_TOO_LARGE"},
            }
        ]
    }
    # A token of a few KiB is read as any other.
    normal = httpx.post(
        f"{served.base}/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": "Bearer " + "a" * 8000},
    )
    assert normal.status_code == 200, normal.text


def test_a_head_that_is_not_http_is_a_coded_400(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=GIVE_UP_S) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")  # no colon
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    status, headers, body = parse_answer(raw)
    assert status == 400 and headers["connection"] == "close"
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_connections_over_the_cap_are_a_coded_503_but_probes_answer() -> None:
    settings = load_settings({"SSBTEK_MAX_CONNECTIONS": "3", "SSBTEK_KEEPALIVE_TIMEOUT_S": "60"})
    operation = {"query": "{ __typename }"}
    with serving(create_app(settings), settings.connections) as base:
        holders = [httpx.Client() for _ in range(3)]
        for holder in holders:  # three connections kept open
            assert holder.get(f"{base}/healthz").status_code == 200
        busy = httpx.post(f"{base}/graphql", json=operation)
        probe = httpx.get(f"{base}/healthz")
        for holder in holders:
            holder.close()
        for _ in range(100):  # until the facade has seen them closed
            after = httpx.post(f"{base}/graphql", json=operation)
            if after.status_code == 200:
                break
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1" and busy.headers["connection"] == "close"
    assert busy.json() == {
        "errors": [
            {
                "message": "the service has too many connections open; try again shortly",
                "extensions": {"code": "SERVER_BUSY"},
            }
        ]
    }
    assert probe.status_code == 200, "the probes are answered over the cap"
    assert after.json() == {"data": {"__typename": "Query"}}


def test_the_soft_limit_of_open_files_is_raised_to_the_hard_limit(served: Served) -> None:
    """Started with a soft limit of 256 files, too few for the cap of 1000 connections."""
    limits = Path(f"/proc/{served.pid}/limits").read_text().splitlines()
    [files] = [line.split()[3:5] for line in limits if line.startswith("Max open files")]
    assert HARD_FILES > FEW_FILES
    assert files == [str(HARD_FILES), str(HARD_FILES)]


def test_serve_runs_asyncios_loop_where_uvloop_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # uvicorn takes uvloop when it can import it; the courtesy of large decodes reads asyncio's.
    fake = types.ModuleType("uvloop")
    fake.new_event_loop = lambda: pytest.fail("uvloop's loop was made")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "uvloop", fake)
    config = ServingConfig(lambda: None, ConnectionSettings())
    loop = config.get_loop_factory()
    assert loop is not None
    made = loop()
    try:
        assert type(made).__module__.startswith("asyncio")
    finally:
        made.close()
