"""The event loop stays free: costly requests are refused while /healthz answers.

Over a real socket, each attack is refused with its code and /healthz keeps answering 200
between them, never failing. Nothing is timed here (a loaded machine would fail a timing): that
a refusal costs little is checked by the work it does, in `tests/test_operation_limits.py` (a
fragment chain's plan visits each fragment once, not 2^30 times; a large document is parsed off
the loop) and `tests/test_request_bodies.py` (a body over the limit is refused before it is
read)."""

from __future__ import annotations

import threading

import httpx

from tests.support import CASEWORKER, Simulator, facade_env, served_facade
from tests.support.queries import fragment_chain
from tests.support.waiting import eventually


def aliases(count: int) -> str:
    """`tjanstestatus` under `count` aliases: an operation over the alias limit."""
    return "{ " + " ".join(f"t{i}: tjanstestatus {{ myndighet }}" for i in range(count)) + " }"


def test_costly_requests_are_refused_while_health_answers(sim: Simulator) -> None:
    """Each attack is refused, and after each one /healthz has answered again: the process
    kept serving through them all, and no probe failed."""
    attacks = [{"query": fragment_chain(30)}, {"query": aliases(1000)}]
    huge = b'{"query": "{ tjanstestatus { myndighet } }", "x": "' + b"a" * 20_000_000 + b'"}'
    answered: list[int] = []
    failures: list[str] = []
    with served_facade(facade_env(sim.url)) as served:
        done = threading.Event()

        def probe_health() -> None:
            # Failures are recorded, not raised: an assertion in a thread would not fail the test.
            with httpx.Client(base_url=served.base, timeout=60) as client:
                while not done.is_set():
                    try:
                        answered.append(client.get("/healthz").status_code)
                    except httpx.HTTPError as exc:
                        failures.append(type(exc).__name__)
                        return

        def health_answers_again() -> None:
            seen = len(answered)
            assert eventually(lambda: len(answered) > seen or bool(failures)), "no /healthz"

        health = threading.Thread(target=probe_health)
        health.start()
        try:
            with httpx.Client(base_url=served.base, headers={"X-Handlaggare": CASEWORKER}) as c:
                for body in attacks:
                    response = c.post("/graphql", json=body, timeout=60)
                    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
                    health_answers_again()
                response = c.post(
                    "/graphql", content=huge, headers={"content-type": "application/json"}
                )
                assert response.status_code == 413
                health_answers_again()
        finally:
            done.set()
            health.join()
    assert failures == []
    assert answered and set(answered) == {200}
