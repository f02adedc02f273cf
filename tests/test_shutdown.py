"""Graceful shutdown: on SIGTERM the facade stops accepting connections, answers the operation
in flight, closes its upstream connections and exits 0."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import httpx

from tests.support import CASEWORKER, PERIOD, command, facade_env, free_port
from tests.support.queries import QUERY

SLOW = "196509091234"  # the simulator's slow person


def test_sigterm_drains_the_operation_in_flight_and_exits_0() -> None:
    sim_port, port = free_port(), free_port()
    sim = f"http://127.0.0.1:{sim_port}"
    base = f"http://127.0.0.1:{port}"
    with command(
        ["simulator", "--port", str(sim_port), "--slow-seconds", "2"], f"{sim}/ssbtek?wsdl"
    ):
        env = facade_env(f"{sim}/ssbtek", SSBTEK_TIMEOUT_S="10", SSBTEK_SHUTDOWN_GRACE_S="10")
        with command(["serve", "--port", str(port)], f"{base}/readyz", env) as facade:
            answered: dict[str, Any] = {}

            def ask() -> None:
                response = httpx.post(
                    f"{base}/graphql",
                    json={"query": QUERY, "variables": {"pnr": SLOW, "period": PERIOD}},
                    headers={"X-Handlaggare": CASEWORKER},
                    timeout=30,
                )
                answered["status"] = response.status_code
                answered["body"] = response.json()

            in_flight = threading.Thread(target=ask)
            in_flight.start()
            time.sleep(0.7)  # the question is with the slow SSBTEK now
            facade.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                accepted_after_sigterm = True
            except httpx.TransportError:
                accepted_after_sigterm = False
            in_flight.join(timeout=30)
            exit_code = facade.wait(timeout=30)
    assert not accepted_after_sigterm, "a stopping facade accepts no new connection"
    assert answered["status"] == 200
    person = answered["body"]["data"]["person"]
    assert person["transportstyrelsen"] == {"resultat": "OK"}
    assert exit_code == 0
