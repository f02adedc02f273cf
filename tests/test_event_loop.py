"""The event loop stays free: costly requests are refused while /healthz answers."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from graphql import parse

from tests.support import CASEWORKER, Simulator, facade_env, served_facade
from tests.support.queries import fragment_chain

# How many times the loop may be held, at most, for as long as this process takes to parse the
# costliest attack's document (graphql-core's work, not the facade's, which is what is checked).
# Measured: the facade holds its loop three to five times that (reading the request, parsing
# with its token limit, checking the limits); the stalls this test guards against were some
# five hundred times it (16-24 s).
STALL_FACTOR = 20


def aliases(count: int) -> str:
    """`tjanstestatus` under `count` aliases: an operation over the alias limit."""
    return "{ " + " ".join(f"t{i}: tjanstestatus {{ myndighet }}" for i in range(count)) + " }"


def parsing_takes(document: str) -> float:
    """Seconds this process takes, here and now, to parse `document`: the most of three tries."""
    took = []
    for _ in range(3):
        started = time.perf_counter()
        parse(document)
        took.append(time.perf_counter() - started)
    return max(took)


@contextmanager
def without_collections() -> Iterator[None]:
    """No garbage collection meanwhile: a full pass over the test process's heap would hold the
    loop (and the baseline) for as long as it takes, whatever the facade does."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_costly_requests_are_refused_while_health_answers(sim: Simulator) -> None:
    """Each attack is refused, and the process keeps answering /healthz meanwhile: it is never
    held much longer than parsing the costliest attack takes this process at this time (a
    baseline measured next to each attack, so that a loaded machine slows both alike)."""
    attacks = [{"query": fragment_chain(30)}, {"query": aliases(1000)}]
    huge = b'{"query": "{ tjanstestatus { myndighet } }", "x": "' + b"a" * 20_000_000 + b'"}'
    timings: list[float] = []
    failures: list[str] = []
    baseline: list[float] = []
    with served_facade(facade_env(sim.url)) as served, without_collections():
        done = threading.Event()

        def probe_health() -> None:
            # Failures are recorded, not raised: an assertion in a thread would not fail the test.
            with httpx.Client(base_url=served.base, timeout=60) as client:
                while not done.is_set():
                    started = time.perf_counter()
                    try:
                        status = client.get("/healthz").status_code
                    except httpx.HTTPError as exc:
                        failures.append(type(exc).__name__)
                        return
                    if status != 200:
                        failures.append(f"HTTP {status}")
                    timings.append(time.perf_counter() - started)
                    time.sleep(0.01)

        health = threading.Thread(target=probe_health)
        health.start()
        try:
            with httpx.Client(base_url=served.base, headers={"X-Handlaggare": CASEWORKER}) as c:
                for body in attacks:
                    baseline.append(parsing_takes(attacks[1]["query"]))
                    response = c.post("/graphql", json=body, timeout=60)
                    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
                baseline.append(parsing_takes(attacks[1]["query"]))
                response = c.post(
                    "/graphql", content=huge, headers={"content-type": "application/json"}
                )
                assert response.status_code == 413
                baseline.append(parsing_takes(attacks[1]["query"]))
        finally:
            done.set()
            health.join()
    assert failures == []
    assert timings, "/healthz was not asked meanwhile"
    bound = STALL_FACTOR * max(baseline)
    assert max(timings) < bound, (
        f"/healthz took {max(timings):.3f} s, more than {STALL_FACTOR} times the "
        f"{max(baseline):.3f} s this process takes to parse the costliest attack"
    )
