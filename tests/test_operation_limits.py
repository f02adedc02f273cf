"""Costly GraphQL documents are refused before they run; each limit is a setting."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import parse

from graph.app import create_app
from graph.settings import load_settings
from schema.build import build_schema
from schema.limits import DocumentCache
from schema.planning import SelectionWalker
from tests.support import (
    CASEWORKER,
    PERIOD,
    Facade,
    Simulator,
    asgi_client,
    facade_app,
    facade_env,
)
from tests.support.queries import PERSON_ARGS, QUERY, codes, every_field, fragment_chain

ALLA = "198503151238"


def test_a_fragment_chain_is_refused_before_it_runs(api: Facade, fresh: Simulator) -> None:
    answer = api.query(fragment_chain(30))
    assert codes(answer) == {"QUERY_TOO_COMPLEX"}
    assert fresh.requests() == []


def test_a_fragment_chain_within_the_limits_is_planned_once_per_fragment(
    api: Facade, fresh: Simulator
) -> None:
    answer = api.query(fragment_chain(10))  # 1024 field sites: allowed
    assert answer == {"data": {"person": {"transportstyrelsen": {"resultat": "OK"}}}}
    assert len(fresh.questions()) == 1
    document = parse(fragment_chain(40))
    fragments = {d.name.value: d for d in document.definitions[1:]}
    walker = SelectionWalker(build_schema().graphql_schema, fragments, {})
    [person] = walker.fields(document.definitions[0].selection_set)
    assert [f.name.value for f in walker.fields(person.selection_set)] == ["transportstyrelsen"]
    assert walker._visited < 200  # 2 selections per fragment, not 2^40


def test_aliases_of_a_rich_person_are_refused_before_they_run(
    api: Facade, fresh: Simulator
) -> None:
    person_type = build_schema().graphql_schema.get_type("Person")
    fragment = f"fragment Rich on Person {{ {every_field(person_type, 4, typename=True)} }}"
    aliases = " ".join(f"p{i}: person({PERSON_ARGS}) {{ ...Rich }}" for i in range(16))
    answer = api.query(f"{{ {aliases} }} {fragment}")
    assert codes(answer) == {"QUERY_TOO_COMPLEX"}
    assert fresh.requests() == []


def test_the_probe_is_one_call_whatever_the_aliases(api: Facade, assert_ssbtek_calls: Any) -> None:
    many = " ".join(f"t{i}: tjanstestatus {{ myndighet }}" for i in range(50))
    with assert_ssbtek_calls(0, probes=1):
        answer = api.query(f"{{ {many} }}")
    assert "errors" not in answer
    too_many = " ".join(f"t{i}: tjanstestatus {{ myndighet }}" for i in range(1000))
    with assert_ssbtek_calls(0, probes=0):  # over the alias limit
        assert codes(api.query(f"{{ {too_many} }}")) == {"QUERY_TOO_COMPLEX"}


def test_the_document_cache_keeps_only_small_documents_within_its_bytes() -> None:
    cache = DocumentCache(max_entries=100, max_bytes=10_000, max_document_bytes=1_000)
    assert cache.put("{ " + "x " * 1_000 + "}", object()) is None  # too large to keep
    for i in range(200):
        cache.put(f"{{ a{i} {' b' * 200} }}", object())
    assert cache.held_bytes <= 10_000
    assert cache.get(f"{{ a199 {' b' * 200} }}") is not None
    assert cache.get(f"{{ a0 {' b' * 200} }}") is None


def test_limits_are_settings() -> None:
    settings = load_settings(
        facade_env(
            "https://ssbtek.example/ssbtek",
            SSBTEK_MAX_DEPTH="7",
            SSBTEK_MAX_ALIASES="3",
            SSBTEK_MAX_FIELDS="50",
            SSBTEK_MAX_TOKENS="400",
            SSBTEK_MAX_RESPONSE_BYTES="1000",
            SSBTEK_MAX_BODY_BYTES="2048",
        )
    )
    assert (settings.limits.depth, settings.limits.aliases, settings.limits.fields) == (7, 3, 50)
    assert settings.http.max_body_bytes == 2048
    assert (settings.limits.tokens, settings.limits.response_bytes) == (400, 1000)
    assert create_app(settings).state.cache is not None  # the app takes them


async def test_an_answer_larger_than_allowed_is_refused_whole(sim: Simulator) -> None:
    app = facade_app(facade_env(sim.url, SSBTEK_MAX_RESPONSE_BYTES="100"))
    query = (
        f"{{ person({PERSON_ARGS}) {{ arbetsformedlingen {{ fornamn efternamn }} "
        "transportstyrelsen { fordon { regnr fabrikat fordonsar } } } }"
    )
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        response = await client.post("/graphql", json={"query": query})
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "RESPONSE_TOO_LARGE"


def test_a_fault_in_planning_is_a_masked_internal_error(
    api: Facade, fresh: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import schema.plan_step

    def planted(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("planted: 198503151238")

    monkeypatch.setattr(schema.plan_step, "plan_operation", planted)
    answer = api.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    assert codes(answer) == {"INTERNAL_SERVER_ERROR"}
    assert "planted" not in json.dumps(answer)
    assert fresh.questions() == []


def test_an_operation_too_large_to_plan_asks_nothing_at_all(
    api: Facade, fresh: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's bound is met in the second root field: the first one is not asked either."""
    import schema.planning

    monkeypatch.setattr(schema.planning, "MAX_SELECTIONS", 6)
    fields = " ".join(f"f{i}: transportstyrelsen {{ resultat }}" for i in range(8))
    other_case = PERSON_ARGS.replace('arende: "A"', 'arende: "B"')
    answer = api.query(
        f"{{ a: person({PERSON_ARGS}) {{ migrationsverket {{ fornamn }} }} "
        f"b: person({other_case}) {{ {fields} }} }}"
    )
    assert codes(answer) == {"BAD_USER_INPUT"}
    assert "too complex" in json.dumps(answer["errors"])
    assert fresh.questions() == []


def test_a_document_is_validated_once(
    api: Facade, monkeypatch: pytest.MonkeyPatch, audit_lines: list
) -> None:
    import strawberry.schema.schema as strawberry_schema

    calls: list[int] = []
    real = strawberry_schema.validate_document

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate_document", counting)
    query = "{ tjanstestatus { myndighet anropad } t2: tjanstestatus { myndighet } }"
    for _ in range(3):
        api.query(query)
    assert len(calls) == 1
    api.query("{ tjanstestatus { myndighet ")  # a syntax error is a refusal too
    assert audit_lines[-1]["reason"] == "GRAPHQL_PARSE_FAILED"


def test_a_list_of_people_multiplies_what_a_selection_costs(api: Facade, fresh: Simulator) -> None:
    """Fifty numbers in `personer` with a rich selection: refused before anything is asked,
    though the document alone is within every limit."""
    person_type = build_schema().graphql_schema.get_type("Person")
    numbers = json.dumps(["195804121233"] * 50)
    selection = every_field(person_type, 3, typename=True)
    answer = api.query(
        f"query($period: PeriodInput!) {{ personer(personnummer: {numbers}, period: $period, "
        f'arende: "A") {{ {selection} }} }}',
        {"period": PERIOD},
    )
    assert codes(answer) == {"BAD_USER_INPUT"}
    assert "counting each person" in json.dumps(answer["errors"])
    assert fresh.questions() == []


@pytest.mark.parametrize(
    ("setting", "query"),
    [
        (
            "SSBTEK_MAX_DEPTH",
            f"{{ person({PERSON_ARGS}) {{ transportstyrelsen {{ fordon {{ regnr }} }} }} }}",
        ),
        (
            "SSBTEK_MAX_TOKENS",
            "{ " + " ".join(f"t{i}: tjanstestatus {{ myndighet }}" for i in range(20)) + " }",
        ),
    ],
    ids=["depth", "tokens"],
)
async def test_depth_and_tokens_are_bounded(sim: Simulator, setting: str, query: str) -> None:
    app = facade_app(facade_env(sim.url, **{setting: "3" if setting.endswith("DEPTH") else "40"}))
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        answer = (await client.post("/graphql", json={"query": query})).json()
    assert codes(answer) == {"QUERY_TOO_COMPLEX"}
