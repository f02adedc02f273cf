"""Shared fixtures: one in-process simulator and facades of both contract generations for the
session, and the audit lines a test wrote."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import resolvers.client
from tests.support import Facade, Simulator, facade, facade_env, simulator


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
def api_slow(sim: Simulator) -> Iterator[Facade]:
    """A facade speaking ssbt/11 to the simulator with the fast path switched off
    (SSBTEK_FAST_EXECUTION=false): graphql-core completes every field."""
    with facade(facade_env(sim.url, SSBTEK_FAST_EXECUTION="false")) as running:
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


@pytest.fixture
def assert_ssbtek_calls(fresh: Simulator) -> Any:
    """`with assert_ssbtek_calls(n, probes=0) as asked:` the block makes exactly `n`
    hamtaBastjanstInformation calls and `probes` testaBastjanstInformation calls to SSBTEK;
    `asked` then holds the questions, for checks of what each asked for."""

    @contextmanager
    def budget(calls: int, probes: int = 0) -> Iterator[list[dict[str, Any]]]:
        fresh.clear()
        asked: list[dict[str, Any]] = []
        yield asked
        requests = fresh.requests()
        asked += [r for r in requests if r["operation"] == "hamtaBastjanstInformation"]
        probed = [r for r in requests if r["operation"] == "testaBastjanstInformation"]
        assert len(asked) == calls, f"{len(asked)} SSBTEK calls; the budget is {calls}"
        assert len(probed) == probes, f"{len(probed)} probes; the budget is {probes}"

    return budget


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The raw SOAP answers SSBTEK (the simulator) sends during the test."""
    received: list[bytes] = []
    original = resolvers.client._answer_element

    def keep(status: int, content: bytes, operation: str) -> Any:
        received.append(content)
        return original(status, content, operation)

    monkeypatch.setattr(resolvers.client, "_answer_element", keep)
    return received
