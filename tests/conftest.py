"""Shared fixtures: one simulator and facades of both contract generations for the session."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture
def audit_lines() -> Iterator[list[dict[str, Any]]]:
    """The audit lines written during the test, parsed."""
    lines: list[dict[str, Any]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(record.getMessage()))

    handler = Collect()
    audit = logging.getLogger("ssbtek_graphql.audit")
    audit.addHandler(handler)
    yield lines
    audit.removeHandler(handler)
