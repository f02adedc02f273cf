"""The event loop stays free: costly requests are refused while /healthz answers."""

from __future__ import annotations

import threading
import time

import httpx
from graphql import parse

from tests.support import CASEWORKER, Simulator, facade_env, served_facade
from tests.support.queries import fragment_chain

# How many times the loop may be held, at most, for as long as this process takes to parse the
# costliest attack's document (graphql-core's work, not the facade's, which is what is checked).
# Measured: the facade holds its loop one to three times that (parsing and checking the limits);
# the stalls this test guards against were some hundred times it (16-24 s).
STALL_FACTOR = 8


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


def test_costly_requests_are_refused_while_health_answers(sim: Simulator) -> None:
    """Each attack is refused, and the process keeps answering /healthz meanwhile: it is never
    held much longer than parsing the costliest attack takes this process at this time (a
    baseline measured before and after the attacks, so that a loaded machine slows both)."""
    attacks = [{"query": fragment_chain(30)}, {"query": aliases(1000)}]
    huge = b'{"query": "{ tjanstestatus { myndighet } }", "x": "' + b"a" * 20_000_000 + b'"}'
    timings: list[float] = []
    failures: list[str] = []
    baseline = [parsing_takes(attacks[1]["query"])]
    with served_facade(facade_env(sim.url)) as served:
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
                    response = c.post("/graphql", json=body, timeout=60)
                    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
                response = c.post(
                    "/graphql", content=huge, headers={"content-type": "application/json"}
                )
                assert response.status_code == 413
        finally:
            done.set()
            health.join()
    baseline.append(parsing_takes(attacks[1]["query"]))
    assert failures == []
    assert timings, "/healthz was not asked meanwhile"
    bound = STALL_FACTOR * max(baseline)
    assert max(timings) < bound, (
        f"/healthz took {max(timings):.3f} s, more than {STALL_FACTOR} times the "
        f"{max(baseline):.3f} s this process takes to parse the costliest attack"
    )
