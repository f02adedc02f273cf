"""Tracing, recorded with the OpenTelemetry SDK's in-memory exporter: the caller's trace is
continued, the operation, its planning, the SSBTEK call, each agency's decoding and the cache
have spans, `traceparent` goes on to SSBTEK, and no span attribute holds a variable, an
argument, a personnummer, a caseworker or a case id. With no SDK configured nothing is kept."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from graph.tracing import configure_tracing
from resolvers.tracing import state as tracing_state
from tests.support import CASEWORKER, Simulator, facade, facade_env, simulator

ALLA = "198503151238"
ARENDE = "SPAR-2026-9"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module")
def recorded() -> Iterator[InMemorySpanExporter]:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # once per process: the global provider
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    tracing_state["enabled"] = True  # as configure_tracing does
    yield EXPORTER
    tracing_state["enabled"] = False


@pytest.fixture
def recording_simulator() -> Iterator[tuple[Simulator, list[dict[str, str]]]]:
    """A simulator that keeps the headers of what it receives."""
    seen: list[dict[str, str]] = []
    with simulator() as sim:
        app = sim.app

        async def keeping(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append({k.decode(): v.decode() for k, v in scope["headers"]})
            await app(scope, receive, send)

        sim.app = keeping
        yield sim, seen


def test_the_callers_trace_continues_through_every_step(
    recorded: InMemorySpanExporter, recording_simulator: tuple[Simulator, list[dict[str, str]]]
) -> None:
    sim, seen = recording_simulator
    recorded.clear()
    query = (
        "query Skarm($pnr: Personnummer!, $p: PeriodInput!) { person(personnummer: $pnr, "
        f'period: $p, arende: "{ARENDE}") {{ transportstyrelsen {{ resultat }} '
        "csn { fel { felkod } } } }"
    )
    variables = {"pnr": ALLA, "p": {"from": "2026-01-01", "tom": "2026-03-31"}}
    with facade(facade_env(sim.url, SSBTEK_CACHE_TTL_S="60")) as api:
        answer = api.post({"query": query, "variables": variables}, traceparent=PARENT).json()
    assert answer["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}
    spans = recorded.get_finished_spans()
    names = {span.name for span in spans}
    assert {"HTTP POST", "graphql.operation", "graphql.plan", "cache.get", "ssbtek.call",
            "ssbtek.decode", "cache.set"} <= names  # fmt: skip
    assert {f"{span.context.trace_id:032x}" for span in spans} == {TRACE_ID}
    call = next(span for span in spans if span.name == "ssbtek.call")
    assert list(call.attributes["ssbtek.agencies"]) == ["CSN", "TNS"]
    assert call.attributes["ssbtek.outcome"] == "ok"
    assert call.attributes["ssbtek.answer_bytes"] > 1000
    decoded = {span.attributes["ssbtek.agency"] for span in spans if span.name == "ssbtek.decode"}
    assert decoded == {"CSN", "TNS"}
    operation = next(span for span in spans if span.name == "graphql.operation")
    assert operation.attributes["graphql.operation.name"] == "Skarm"
    asked = [headers for headers in seen if "traceparent" in headers]
    assert asked and all(h["traceparent"].split("-")[1] == TRACE_ID for h in asked)
    recorded_text = json.dumps([dict(span.attributes or {}) for span in spans], default=str)
    for personal in (ALLA, "19850315", ARENDE, CASEWORKER, "Tolvan", "2026-01-01"):
        assert personal not in recorded_text
    assert not re.search(r"\d{10,12}", recorded_text)


def test_without_an_endpoint_tracing_is_not_configured() -> None:
    assert configure_tracing({}) is False


def test_with_tracing_off_nothing_is_recorded(
    recorded: InMemorySpanExporter, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(tracing_state, "enabled", False)
    recorded.clear()
    with facade(facade_env(sim.url)) as api:
        api.post({"query": "{ tjanstestatus { myndighet } }"}, traceparent=PARENT)
    assert recorded.get_finished_spans() == ()


def test_an_upstream_fault_leaves_its_code_and_no_words_in_the_span(
    recorded: InMemorySpanExporter, sim: Simulator
) -> None:
    recorded.clear()
    query = (
        '{ person(personnummer: "196006061235", period: {from: "2026-01-01", tom: "2026-03-31"}, '
        'arende: "A") { transportstyrelsen { resultat } } }'
    )
    with facade(facade_env(sim.url)) as api:
        api.post({"query": query})
    [call] = [span for span in recorded.get_finished_spans() if span.name == "ssbtek.call"]
    assert call.attributes["ssbtek.outcome"] == "UPSTREAM_FAULT"
    assert call.status.description == "UPSTREAM_FAULT"
    assert call.events == ()  # no exception event: its message is SSBTEK's free text


def test_an_incremental_operation_is_traced_to_its_last_payload(
    recorded: InMemorySpanExporter, sim: Simulator
) -> None:
    """`@defer`: the operation's span says it is delivered incrementally, each question (the
    first payload's and the deferred fragment's) has its call span in the caller's trace, and
    the request's span ends only when the last part is sent."""
    recorded.clear()
    query = (
        f'query Skarm($p: PeriodInput!) {{ person(personnummer: "{ALLA}", period: $p, '
        f'arende: "{ARENDE}") {{ transportstyrelsen {{ resultat }} '
        "... @defer { csn { fel { felkod } } } } }"
    )
    variables = {"p": {"from": "2026-01-01", "tom": "2026-03-31"}}
    with facade(facade_env(sim.url)) as api:
        response = api.post(
            {"query": query, "variables": variables},
            traceparent=PARENT,
            accept="multipart/mixed",
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("multipart/mixed")
    spans = recorded.get_finished_spans()
    assert {f"{span.context.trace_id:032x}" for span in spans} == {TRACE_ID}
    operation = next(span for span in spans if span.name == "graphql.operation")
    assert operation.attributes["graphql.incremental"] is True
    calls = [span for span in spans if span.name == "ssbtek.call"]
    assert sorted(list(call.attributes["ssbtek.agencies"]) for call in calls) == [["CSN"], ["TNS"]]
    request = next(span for span in spans if span.name == "HTTP POST")
    assert request.attributes["http.response.status_code"] == 200
    assert all(call.end_time <= request.end_time for call in calls)
    recorded_text = json.dumps([dict(span.attributes or {}) for span in spans], default=str)
    assert ALLA not in recorded_text and ARENDE not in recorded_text
