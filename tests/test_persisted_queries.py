"""Automatic persisted queries (Apollo's APQ): a client sends its document's hash; on
`PERSISTED_QUERY_NOT_FOUND` it sends the hash with the document, which runs and is held for its
caller once it has passed every limit; with SSBTEK_TRUSTED_ONLY nothing can be registered.
Apollo Client 4 and 3 themselves run the protocol against the facade where Node.js is."""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import graph.apq
from graph.trusted import sha256
from tests.support import PERIOD, Facade, Simulator, facade, facade_app, facade_env, serving
from tests.support.node import node_project
from tests.support.queries import codes
from tests.support.redis_server import RedisServer, redis_server

ALLA = "198503151238"
VEHICLES = """query Fordon($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "A") { transportstyrelsen { resultat } }
}"""
VARIABLES = {"pnr": ALLA, "period": PERIOD}
CACHE_KEY = base64.b64encode(b"k" * 32).decode()


def apq(document: str, with_query: bool, **request: Any) -> dict[str, Any]:
    """An APQ request as Apollo's link sends it: the hash, and the document when registering."""
    body: dict[str, Any] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(document)}},
        "variables": VARIABLES,
        **request,
    }
    if with_query:
        body["query"] = document
    return body


@pytest.fixture
def api_apq(sim: Simulator) -> Iterator[Facade]:
    """A facade of its own (its store of registered documents starts empty)."""
    with facade(facade_env(sim.url)) as running:
        yield running


def test_a_hash_is_not_found_until_its_document_is_sent_then_it_runs_alone(
    api_apq: Facade, fresh: Simulator
) -> None:
    first = api_apq.post(apq(VEHICLES, with_query=False))
    assert first.status_code == 400
    assert codes(first.json()) == {"PERSISTED_QUERY_NOT_FOUND"}
    assert fresh.questions() == []
    registered = api_apq.post(apq(VEHICLES, with_query=True))
    assert registered.status_code == 200, registered.text
    assert registered.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}
    again = api_apq.post(apq(VEHICLES, with_query=False))
    assert again.status_code == 200, again.text
    assert again.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}
    assert len(fresh.questions()) == 2


def test_a_document_that_is_not_its_hash_is_refused_and_not_held(
    api_apq: Facade, fresh: Simulator
) -> None:
    other = VEHICLES.replace("resultat", "fordon { regnr }")
    forged = apq(other, with_query=False) | {"query": VEHICLES}
    refused = api_apq.post(forged)
    assert refused.status_code == 400 and codes(refused.json()) == {"BAD_REQUEST"}
    assert codes(api_apq.post(apq(other, with_query=False)).json()) == {"PERSISTED_QUERY_NOT_FOUND"}
    assert fresh.questions() == []


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("{ person(", "GRAPHQL_PARSE_FAILED"),
        ("query Nope { nope }", "GRAPHQL_VALIDATION_FAILED"),
        (
            "query Djup { tjanstestatus { fel { felmeddelanden } } }",
            "QUERY_TOO_COMPLEX",
        ),
    ],
    ids=["does not parse", "not valid", "over a limit"],
)
def test_only_a_document_within_every_limit_is_held(
    sim: Simulator, document: str, code: str
) -> None:
    with facade(facade_env(sim.url, SSBTEK_MAX_DEPTH="2")) as api:
        sent = api.post(apq(document, with_query=True))
        assert codes(sent.json()) == {code}
        later = api.post(apq(document, with_query=False))
        assert codes(later.json()) == {"PERSISTED_QUERY_NOT_FOUND"}


def test_a_document_that_holds_a_personnummer_runs_but_is_not_held(api_apq: Facade) -> None:
    literal = (
        '{ person(personnummer: "198503151238", period: {from: "2026-01-01", tom: "2026-06-30"}, '
        'arende: "A") { transportstyrelsen { resultat } } }'
    )
    sent = api_apq.post(apq(literal, with_query=True))
    assert sent.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}
    later = api_apq.post(apq(literal, with_query=False))
    assert codes(later.json()) == {"PERSISTED_QUERY_NOT_FOUND"}


def test_what_one_caller_registered_no_other_caller_finds(api_apq: Facade) -> None:
    """A hash found would tell a caller what another has asked."""
    assert api_apq.post(apq(VEHICLES, with_query=True), **{"X-Handlaggare": "a.one"}).is_success
    other = api_apq.post(apq(VEHICLES, with_query=False), **{"X-Handlaggare": "b.two"})
    assert codes(other.json()) == {"PERSISTED_QUERY_NOT_FOUND"}
    same = api_apq.post(apq(VEHICLES, with_query=False), **{"X-Handlaggare": "a.one"})
    assert same.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}


def test_registering_is_refused_with_trusted_documents_only(
    sim: Simulator, fresh: Simulator, tmp_path: Path, audit_lines: list[dict[str, Any]]
) -> None:
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({f"sha256:{sha256(VEHICLES)}": VEHICLES}), encoding="utf-8")
    unknown = VEHICLES.replace("resultat", "fordon { regnr }")
    env = facade_env(sim.url, SSBTEK_TRUSTED_DOCUMENTS=str(manifest), SSBTEK_TRUSTED_ONLY="true")
    with facade(env) as api:
        missing = api.post(apq(unknown, with_query=False))
        assert missing.status_code == 400
        assert codes(missing.json()) == {"PERSISTED_QUERY_NOT_FOUND"}
        registering = api.post(apq(unknown, with_query=True))
        assert registering.status_code == 403
        [error] = registering.json()["errors"]
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_TRUSTED"
        assert "register" in error["message"]
        assert fresh.questions() == []
        assert any(line.get("reason") == "PERSISTED_QUERY_NOT_TRUSTED" for line in audit_lines)
        trusted = api.post(apq(VEHICLES, with_query=False))
        assert trusted.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}


def test_the_store_in_memory_is_bounded(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph.apq, "APQ_MAX_DOCUMENTS", 2)
    documents = [VEHICLES.replace("Fordon", f"Fordon{n}") for n in range(3)]
    with facade(facade_env(sim.url)) as api:
        for document in documents:
            assert api.post(apq(document, with_query=True)).is_success
        held = [api.post(apq(d, with_query=False)).is_success for d in documents]
    assert held == [False, True, True]  # the least recently used went


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


def test_instances_sharing_redis_share_what_is_registered_sealed(
    sim: Simulator, redis: RedisServer
) -> None:
    redis.client().flushdb()
    env = facade_env(sim.url, SSBTEK_CACHE_URL=redis.url, SSBTEK_CACHE_KEY=CACHE_KEY)
    with facade(env) as one, facade(env) as two:
        assert one.post(apq(VEHICLES, with_query=True)).is_success
        found = two.post(apq(VEHICLES, with_query=False))
        assert found.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}
    stored = [
        (key, redis.client().get(key)) for key in redis.client().keys("*")
    ]  # the key is a keyed hash, the value sealed: neither the document nor its hash in clear
    assert stored
    for key, value in stored:
        assert sha256(VEHICLES).encode() not in key and b"anna" not in key
        assert b"transportstyrelsen" not in value and sha256(VEHICLES).encode() not in value


@pytest.fixture(scope="module")
def apollo() -> Path:
    """Apollo Client 4 and 3 with their persisted-queries link (tests/apollo)."""
    work = node_project("apollo", ("apq.mjs",), "the tests above speak the protocol in Python")
    return work / "apq.mjs"


def _apollo_runs(script: Path, base: str, caseworker: str) -> list[dict[str, Any]]:
    """What each Apollo Client saw and sent, running VEHICLES twice (graph/apollo/apq.mjs)."""
    headers = {version: {"X-Handlaggare": f"{caseworker}.{version}"} for version in ("4", "3")}
    printed = subprocess.run(
        ["node", str(script), f"{base}/graphql", json.dumps(headers), json.dumps(VARIABLES),
         VEHICLES],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    return [json.loads(line) for line in printed.splitlines() if line.strip()]


def test_apollo_clients_register_then_send_the_hash_alone(apollo: Path, sim: Simulator) -> None:
    with serving(facade_app(facade_env(sim.url))) as base:
        runs = _apollo_runs(apollo, base, "apq")
    assert [(run["client"], run["run"]) for run in runs] == [("4", 1), ("4", 2), ("3", 1), ("3", 2)]
    for run in runs:
        assert run["errors"] == [], run
        assert run["data"]["person"]["transportstyrelsen"]["resultat"] == "OK", run
    registering = [
        {"query": False, "hash": True, "status": 400},
        {"query": True, "hash": True, "status": 200},
    ]
    assert [run["wire"] for run in runs if run["run"] == 1] == [registering, registering]
    hash_alone = [{"query": False, "hash": True, "status": 200}]
    assert [run["wire"] for run in runs if run["run"] == 2] == [hash_alone, hash_alone]


def test_apollo_clients_see_a_clear_code_with_trusted_documents_only(
    apollo: Path, sim: Simulator, fresh: Simulator, tmp_path: Path
) -> None:
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text("{}", encoding="utf-8")
    env = facade_env(sim.url, SSBTEK_TRUSTED_DOCUMENTS=str(manifest), SSBTEK_TRUSTED_ONLY="true")
    with serving(facade_app(env)) as base:
        runs = _apollo_runs(apollo, base, "apq")
    for run in runs:
        assert run["data"] is None and run["errors"] == ["PERSISTED_QUERY_NOT_TRUSTED"], run
        assert [request["status"] for request in run["wire"]] == [400, 403]
    assert fresh.questions() == []
