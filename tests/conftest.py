"""Shared fixtures: one simulator and facades of both contract generations for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import Facade, Simulator, facade, facade_env, simulator

PERIOD = {"from": "2026-01-01", "tom": "2026-06-30"}


@pytest.fixture(scope="session")
def sim() -> Iterator[Simulator]:
    """The simulator every end-to-end test talks to (latency off)."""
    with simulator() as running:
        yield running


@pytest.fixture(scope="session")
def api(sim: Simulator) -> Iterator[Facade]:
    """A facade speaking ssbt/11 to the simulator."""
    with facade(facade_env(sim.url)) as running:
        yield running


@pytest.fixture(scope="session")
def api_v10(sim: Simulator) -> Iterator[Facade]:
    """A facade speaking ssbt/10 to the simulator."""
    with facade(facade_env(sim.url, SSBTEK_VERSION="10")) as running:
        yield running


@pytest.fixture
def fresh(sim: Simulator) -> Simulator:
    """The simulator with an empty request log."""
    sim.clear()
    return sim
