"""/metrics: what operators watch, in Prometheus' format (parsed here with prometheus-client's
own parser), with bounded label sets and not one personal value, over a whole sequence of
questions, errors and refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from graph.metrics import MAX_OPERATION_NAMES
from tests.support import CASEWORKER, Facade, Simulator, facade, facade_env

ALLA = "198503151238"
FEL_BT = "197505051230"  # every agency errs from its own service
TRASIGT = "197909091238"  # CSN, FK and SKV payloads that cannot be read
SOAP_FAULT = "196006061235"
ARENDE = "METRIK-2026-17"
PERSONAL = re.compile(r"\d{6}[-+]?\d{4}|Tolvan|Tolvansson|" + re.escape(CASEWORKER) + "|" + ARENDE)


def _person(number: str, name: str | None = None) -> dict[str, Any]:
    head = f"query {name}" if name else "query"
    return {
        "query": f'{head} {{ person(personnummer: "{number}", period: {{from: "2026-01-01", '
        f'tom: "2026-03-31"}}, arende: "{ARENDE}") {{ transportstyrelsen {{ resultat }} '
        "csn { fel { felkod } } } }",
        **({"operationName": name} if name else {}),
    }


@pytest.fixture(scope="module")
def watched(sim: Simulator) -> Iterator[Facade]:
    with facade(facade_env(sim.url, SSBTEK_CACHE_TTL_S="60")) as running:
        yield running


def _scrape(api: Facade) -> dict[str, list[Any]]:
    response = api.request("GET", "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = text_string_to_metric_families(response.text)
    return {family.name: family.samples for family in families}


def test_a_sequence_of_questions_is_counted_without_personal_labels(watched: Facade) -> None:
    watched.post(_person(ALLA, "Fordon"))
    watched.post(_person(ALLA, "Fordon"))  # a cache hit
    watched.post(_person(ALLA))  # anonymous
    watched.post(_person(ALLA, f"P{ALLA}"))  # a name with a personnummer in it
    for i in range(MAX_OPERATION_NAMES + 20):  # more names than are kept
        watched.post({"query": f"query Namn{i} {{ tjanstestatus {{ myndighet }} }}"})
    watched.post(_person(FEL_BT, "Fel"))
    watched.post(_person(TRASIGT, "Trasigt"))
    watched.post(_person(SOAP_FAULT, "Fault"))
    watched.post({"query": '{ person(personnummer: "198503151238", period: {from: "2026-02-01", '
                  'tom: "2026-01-01"}, arende: "A") { personnummer } }'})  # fmt: skip
    watched.request("POST", "/graphql", content=b"x", headers={"content-type": "text/plain"})
    samples = _scrape(watched)

    operations = {s.labels["operation"] for s in samples["ssbtek_graphql_operations"]}
    assert {"Fordon", "anonymous", "other", "Fel", "Trasigt"} <= operations
    assert len(operations) <= MAX_OPERATION_NAMES + 2
    outcomes = {s.labels["outcome"] for s in samples["ssbtek_graphql_operations"]}
    assert {"ok", "UPSTREAM_FAULT", "BAD_USER_INPUT"} <= outcomes

    calls = {s.labels["outcome"]: s.value for s in samples["ssbtek_graphql_ssbtek_calls"]}
    assert calls["ok"] >= 3 and calls["UPSTREAM_FAULT"] >= 1
    errors = {
        (s.labels["agency"], s.labels["kalla"]) for s in samples["ssbtek_graphql_agency_errors"]
    }
    assert ("TNS", "BT") in errors
    assert {s.labels["agency"] for s in samples["ssbtek_graphql_decode_failures"]} == {"CSN"}
    refused = {s.labels["code"] for s in samples["ssbtek_graphql_refused"]}
    assert {"BAD_USER_INPUT", "UNSUPPORTED_MEDIA_TYPE"} <= refused
    hits = {s.labels["backend"]: s.value for s in samples["ssbtek_graphql_cache_hits"]}
    assert hits["memory"] >= 1
    assert [s.value for s in samples["ssbtek_graphql_upstream_queue"]] == [0]
    assert [s.value for s in samples["ssbtek_graphql_ssbtek_in_flight"]] == [0]

    for name, family in samples.items():
        for sample in family:
            for value in sample.labels.values():
                assert not PERSONAL.search(value), (name, sample.labels)


def test_metrics_can_be_turned_off(sim: Simulator) -> None:
    with facade(facade_env(sim.url, SSBTEK_METRICS="false")) as api:
        assert api.request("GET", "/metrics").status_code == 404


def test_an_answer_refused_for_its_size_is_counted_so(sim: Simulator) -> None:
    with facade(facade_env(sim.url, SSBTEK_MAX_RESPONSE_BYTES="40")) as api:
        api.post(_person(ALLA, "Stor"))
        samples = _scrape(api)
    outcomes = {
        s.labels["outcome"]
        for s in samples["ssbtek_graphql_operations"]
        if s.labels["operation"] == "Stor"
    }
    assert outcomes == {"RESPONSE_TOO_LARGE"}
