"""Graceful shutdown: on SIGTERM the facade stops accepting connections, answers the operation
in flight, closes its upstream connections and exits 0."""

from __future__ import annotations

import signal
import threading
from typing import Any

import httpx

from tests.support import CASEWORKER, PERIOD, command, eventually, facade_env, free_port
from tests.support.queries import QUERY
from tests.support.waiting import GIVE_UP_S

SLOW = "196509091234"  # the simulator's slow person
SLOW_S = 4  # how long the simulator holds the slow person's answer


def test_sigterm_drains_the_operation_in_flight_and_exits_0() -> None:
    sim_port, port = free_port(), free_port()
    sim = f"http://127.0.0.1:{sim_port}"
    base = f"http://127.0.0.1:{port}"
    slow = ["simulator", "--port", str(sim_port), "--slow-seconds", str(SLOW_S)]
    with command(slow, f"{sim}/ssbtek?wsdl"):
        env = facade_env(f"{sim}/ssbtek", SSBTEK_TIMEOUT_S="60", SSBTEK_SHUTDOWN_GRACE_S="60")
        with command(["serve", "--port", str(port)], f"{base}/readyz", env) as facade:
            answered: dict[str, Any] = {}

            def ask() -> None:
                response = httpx.post(
                    f"{base}/graphql",
                    json={"query": QUERY, "variables": {"pnr": SLOW, "period": PERIOD}},
                    headers={"X-Handlaggare": CASEWORKER},
                    timeout=GIVE_UP_S,
                )
                answered["status"] = response.status_code
                answered["body"] = response.json()

            def with_ssbtek() -> bool:
                return httpx.get(f"{sim}/_sim/stats").json()["inFlight"] >= 1

            def refused() -> bool:
                try:
                    httpx.get(f"{base}/healthz", timeout=GIVE_UP_S)
                except httpx.TransportError:
                    return True
                return False

            in_flight = threading.Thread(target=ask)
            in_flight.start()
            assert eventually(with_ssbtek), "the question reached the slow SSBTEK"
            facade.send_signal(signal.SIGTERM)
            stopped_accepting = eventually(refused)
            # In that order: new connections were refused while the question was still in flight.
            still_in_flight = in_flight.is_alive()
            in_flight.join(timeout=GIVE_UP_S)
            exit_code = facade.wait(timeout=GIVE_UP_S)
    assert stopped_accepting, "a stopping facade accepts no new connection"
    assert still_in_flight, "new connections were refused before the question was answered"
    assert answered["status"] == 200
    person = answered["body"]["data"]["person"]
    assert person["transportstyrelsen"] == {"resultat": "OK"}
    assert exit_code == 0
