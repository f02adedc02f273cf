"""Costly GraphQL documents are refused before they run; each limit is a setting."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from typing import Any

import pytest
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    Source,
    parse,
)
from graphql.language.parser import Parser
from hypothesis import given

from graph.app import create_app
from graph.settings import load_settings
from schema.build import build_schema
from schema.documents import INLINE_MAX_CHARS, DocumentCache, refusal_before_parsing
from schema.errors import INTERNAL_MESSAGE
from schema.limits import Limits, document_cost_errors, parse_coded, selection_cost
from schema.planner import selection_of
from schema.refusals import RefusedDocuments
from schema.text_cost import operation_costs
from schema.token_count import token_count
from tests.support import (
    CASEWORKER,
    PERIOD,
    Facade,
    Simulator,
    asgi_client,
    facade,
    facade_app,
    facade_env,
)
from tests.support.fuzz import Operation, fuzz_settings, operations
from tests.support.queries import (
    PERSON_ARGS,
    QUERY,
    codes,
    every_field,
    fragment_chain,
    refused_document,
)

ALLA = "198503151238"
CSN_TYPE = build_schema().graphql_schema.get_type("Csn")


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
    [person] = selection_of(build_schema().graphql_schema, parse(fragment_chain(40)))
    assert [f.name for f in person.fields()] == ["transportstyrelsen"]
    assert person.counter.visited < 200  # graphql-core visits each fragment once, not 2^40


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


async def test_an_answer_larger_than_allowed_is_refused_whole(
    sim: Simulator, audit_lines: list
) -> None:
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
    refused = [line for line in audit_lines if line["event"] == "refused"]
    assert [(line["reason"], line["tenant"]) for line in refused] == [("RESPONSE_TOO_LARGE", None)]


def test_a_fault_in_planning_is_a_masked_internal_error(
    api: Facade, fresh: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import schema.planned_execution

    def planted(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("planted: 198503151238")

    monkeypatch.setattr(schema.planned_execution, "plan_operation", planted)
    answer = api.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    assert codes(answer) == {"INTERNAL_SERVER_ERROR"}
    assert {error["message"] for error in answer["errors"]} == {INTERNAL_MESSAGE}
    assert "planted" not in json.dumps(answer)
    assert fresh.questions() == []


def test_a_fault_outside_any_field_is_a_masked_internal_error(
    api: Facade, fresh: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault while execution is set up, before any field: coded INTERNAL_SERVER_ERROR with
    the neutral message, never the exception's own text (it was shown, coded
    GRAPHQL_VALIDATION_FAILED)."""
    import schema.planned_execution

    def planted(*_args: Any, **_kwargs: Any) -> bool:
        raise TypeError("planted: 198503151238")

    monkeypatch.setattr(schema.planned_execution, "delivers_incrementally", planted)
    answer = api.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    assert answer["data"] is None
    assert codes(answer) == {"INTERNAL_SERVER_ERROR"}
    assert [error["message"] for error in answer["errors"]] == [INTERNAL_MESSAGE]
    assert "planted" not in json.dumps(answer) and "198503151238" not in json.dumps(answer)
    assert fresh.questions() == []


def test_an_operation_too_large_to_plan_asks_nothing_at_all(
    api: Facade, fresh: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's bound is met in the second root field: the first one is not asked either."""
    import schema.planner

    monkeypatch.setattr(schema.planner, "MAX_SELECTIONS", 6)
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


@pytest.mark.parametrize(
    ("document", "max_tokens", "code"),
    [
        # graphql-core's message quotes the document: "... found String 'more than 9 tokens'."
        ('{ "more than 9 tokens" }', None, "GRAPHQL_PARSE_FAILED"),
        ('{ tjanstestatus { "more than 9 tokens" } }', 100, "GRAPHQL_PARSE_FAILED"),
        ("{ a b c d e }", 3, "QUERY_TOO_COMPLEX"),
        ("{ a b c d e", 3, "QUERY_TOO_COMPLEX"),  # over the bound before the syntax error
    ],
)
def test_a_syntax_error_is_coded_by_the_document_never_by_its_message(
    document: str, max_tokens: int | None, code: str
) -> None:
    with pytest.raises(GraphQLError) as refused:
        parse_coded(document, max_tokens=max_tokens)
    assert refused.value.extensions == {"code": code}


def test_a_document_that_quotes_the_token_refusal_is_a_parse_failure(
    api: Facade, audit_lines: list
) -> None:
    answer = api.query('{ tjanstestatus { "more than 15000 tokens" } }')
    assert codes(answer) == {"GRAPHQL_PARSE_FAILED"}
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


def test_a_selections_count_is_walked_once_per_document_and_directive_values(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fields a person's selection answers are counted by a walk once per document and
    values of its directives' variables: a directive that adds fields past the bound refuses
    the operation every time, and without it the same document is answered every time."""
    import schema.planner

    walks: list[int] = []
    walked = schema.planner._walked

    def counting(selected: list[Any]) -> int:
        walks.append(1)
        return walked(selected)

    monkeypatch.setattr(schema.planner, "_walked", counting)
    numbers = json.dumps(["195804121233", "198503151238", "199001011239"])
    query = (
        f"query($period: PeriodInput!, $more: Boolean!) {{ personer(personnummer: {numbers}, "
        'period: $period, arende: "A") { transportstyrelsen { resultat } '
        "migrationsverket @include(if: $more) { fornamn efternamn } } }"
    )
    with facade(facade_env(sim.url, SSBTEK_MAX_FIELDS="10")) as api:  # 3 x 2 fields, or 3 x 5
        for more in (False, True, False, True):
            answer = api.query(query, {"period": PERIOD, "more": more})
            if more:
                assert codes(answer) == {"BAD_USER_INPUT"}, answer
                assert "counting each person" in json.dumps(answer["errors"])
            else:
                assert "errors" not in answer, answer
    assert len(walks) == 2


def test_a_kept_count_still_counts_its_fields_against_the_plans_bound(
    api: Facade, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A selection's count kept from an earlier plan counts the fields its walk visited against
    MAX_SELECTIONS again: lowered below what the plan visits, the same document is refused."""
    import schema.planner

    visited: list[int] = []
    visit = schema.planner.Counter.visit

    def noting(self: schema.planner.Counter, count: int) -> None:
        visit(self, count)
        visited.append(self.visited)

    monkeypatch.setattr(schema.planner.Counter, "visit", noting)
    query = f"{{ person({PERSON_ARGS}) {{ csn {{ {every_field(CSN_TYPE, 3)} }} }} }}"
    assert "errors" not in api.query(query)
    walked = max(visited)
    visited.clear()
    assert "errors" not in api.query(query)
    assert max(visited) == walked
    monkeypatch.setattr(schema.planner, "MAX_SELECTIONS", walked - 1)
    answer = api.query(query)
    assert codes(answer) == {"BAD_USER_INPUT"}
    assert "too complex" in json.dumps(answer["errors"])


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


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[bool]]:
    """Each parse and each validation from now on, as whether it ran on an event loop; and
    whether the garbage collector's automatic passes were on meanwhile (`collecting`)."""
    import strawberry.schema.schema as strawberry_schema

    seen: dict[str, list[bool]] = {"parsed": [], "validated": [], "collecting": []}

    def on_a_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    parse_document, validate_document = Parser.parse_document, strawberry_schema.validate_document

    def parsing(self: Parser) -> Any:
        seen["parsed"].append(on_a_loop())
        seen["collecting"].append(gc.isenabled())
        return parse_document(self)

    def validating(*args: Any) -> Any:
        seen["validated"].append(on_a_loop())
        seen["collecting"].append(gc.isenabled())
        return validate_document(*args)

    monkeypatch.setattr(Parser, "parse_document", parsing)
    monkeypatch.setattr(strawberry_schema, "validate_document", validating)
    return seen


@pytest.mark.parametrize(
    ("kind", "parsed"),
    [("aliases", 0), ("fields", 0), ("tokens", 0), ("fragment chain", 1)],
)
def test_a_refused_document_is_refused_again_without_being_read(
    api: Facade,
    monkeypatch: pytest.MonkeyPatch,
    audit_lines: list[dict[str, Any]],
    kind: str,
    parsed: int,
) -> None:
    """A 64 KB document over a limit is refused without parsing it: too many tokens, or an
    operation whose own text is over the alias or field limit. A fragment chain, whose cost is
    in its spreads, is parsed, but refused without graphql-core's validation. The same document
    again gets the same answer without being read at all; each refusal is audited."""
    if kind == "fragment chain":
        document = fragment_chain(30).replace("person(", "chained: person(")
    else:
        document = refused_document(kind, seed=19)
    seen = _counting_reads(monkeypatch)
    first = api.post({"query": document}).json()
    again = api.post({"query": document}).json()
    assert codes(first) == {"QUERY_TOO_COMPLEX"}
    assert again == first
    assert (len(seen["parsed"]), seen["validated"]) == (parsed, [])
    assert gc.isenabled()
    assert [line["reason"] for line in audit_lines] == ["QUERY_TOO_COMPLEX"] * 2


def test_an_operation_over_a_limit_in_its_own_text_is_refused_as_when_parsed() -> None:
    """The reading of a large document's tokens finds the very errors the parsed document's
    check finds (same message, same place), for an operation without spreads."""
    limits = Limits()
    for kind in ("aliases", "fields"):
        document = refused_document(kind, seed=3)
        unparsed = refusal_before_parsing(document, limits)
        assert unparsed, kind
        assert [e.formatted for e in unparsed] == [
            e.formatted for e in document_cost_errors(parse(document), limits)
        ]


def test_a_refusal_is_remembered_per_document_and_only_for_the_document() -> None:
    """What depends on the document alone is remembered (with its locations); a refusal that
    depends on variables or on the answer is not, and at most `max_entries` are kept."""
    refused = RefusedDocuments(max_entries=2)
    syntax = GraphQLError(
        "Syntax Error: Expected Name, found <EOF>.",
        source=Source("{ a "),
        positions=[4],
        extensions={"code": "GRAPHQL_PARSE_FAILED"},
    )
    assert refused.remember("{ a ", None, [syntax])
    [again] = refused.get("{ a ", None) or []
    assert again.formatted == syntax.formatted
    assert refused.get("{ a ", "Other") is None  # another operation name: not this refusal
    variable = GraphQLError(
        "Variable '$x' got invalid value", extensions={"code": "BAD_USER_INPUT"}
    )
    assert not refused.remember("query($x: Int) { a }", None, [variable])
    assert not refused.remember("{ b }", None, [GraphQLError("fault", path=["b"])])
    for query in ("{ c ", "{ d "):
        refused.remember(query, None, [syntax])
    assert len(refused) == 2 and refused.get("{ a ", None) is None


def test_a_document_over_the_byte_limit_is_refused_before_it_is_parsed(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _counting_reads(monkeypatch)
    with facade(facade_env(sim.url, SSBTEK_MAX_DOCUMENT_BYTES="200")) as small:
        answer = small.query("{ tjanstestatus { myndighet } }" + " " * 200)
    assert codes(answer) == {"QUERY_TOO_COMPLEX"}
    assert "larger than 200 bytes" in answer["errors"][0]["message"]
    assert seen["parsed"] == []


def test_a_large_document_is_read_off_the_event_loop(
    api: Facade, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document of more than INLINE_MAX_CHARS is parsed and validated in a worker thread,
    with the garbage collector's automatic passes paused meanwhile, and is answered as a small
    one is; a small document is read on the loop."""
    person_type = build_schema().graphql_schema.get_type("Person")
    large = f"{{ offLoop: person({PERSON_ARGS}) {{ {every_field(person_type, 3)} }} }}"
    small = f"{{ onLoop: person({PERSON_ARGS}) {{ transportstyrelsen {{ resultat }} }} }}"
    assert len(small) <= INLINE_MAX_CHARS < len(large)
    seen = _counting_reads(monkeypatch)
    assert "errors" not in api.query(large)
    assert seen == {"parsed": [False], "validated": [False], "collecting": [False, False]}
    assert gc.isenabled()
    seen.update(parsed=[], validated=[], collecting=[])
    assert "errors" not in api.query(small)
    assert seen == {"parsed": [True], "validated": [True], "collecting": [True, True]}


def _graphql_core_counts(document: str, count: int) -> bool:
    """Whether graphql-core's parser counts exactly `count` tokens in `document`: it parses with
    `max_tokens=count` and refuses it with one fewer."""
    parse(document, max_tokens=count)
    with pytest.raises(GraphQLError, match="more than"):
        parse(document, max_tokens=count - 1)
    return True


TOKEN_CASES = [
    "{ a }",
    "# a comment\n{ a # another\n b, c,, }\n",
    '\ufeff{ a(s: """block "" \\""" x\n  y""", t: "q\\"u\\u00e5", n: -1.5e3, m: 0) }',
    "query Q($a: [Int!] = [1, 2], $b: In = {x: null, y: ENUM}) "
    "{ ...F ... on Query @skip(if: true) { a } } fragment F on Query { b }",
]


@pytest.mark.parametrize("document", TOKEN_CASES)
def test_tokens_are_counted_as_graphql_core_counts_them(document: str) -> None:
    assert _graphql_core_counts(document, token_count(document))


def test_tokens_of_generated_operations_are_counted_as_graphql_core_counts_them() -> None:
    @fuzz_settings(60)
    @given(operation=operations())
    def counted(operation: Operation) -> None:
        assert _graphql_core_counts(operation.query, token_count(operation.query)), operation

    counted()


def test_an_operations_own_text_never_costs_more_than_the_operation() -> None:
    """For generated operations (with named and inline fragments, aliases, directives), what
    each operation's own text costs is at most what `selection_cost` counts, and the same when
    it spreads no named fragment: refusing on it never refuses what the parse would let by."""

    @fuzz_settings(60)
    @given(operation=operations())
    def bounded(operation: Operation) -> None:
        document = parse(operation.query)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        parsed = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        read = operation_costs(operation.query)
        assert read is not None and len(read) == len(parsed), operation
        for text, node in zip(read, parsed, strict=True):
            found = selection_cost(node.selection_set, fragments, {})
            own = (text.fields, text.aliases, text.depth)
            assert text.start == node.loc.start, operation
            counted = (found.fields, found.aliases, found.depth)
            if fragments:
                assert all(a <= b for a, b in zip(own, counted, strict=True)), operation
            else:
                assert own == counted, operation

    bounded()


def test_a_parsed_document_is_freed_without_the_garbage_collector() -> None:
    """graphql-core links every token to its neighbours, a cycle the collector must walk and
    free; the facade's parse cuts those links, so that a dropped document leaves nothing for
    the collector (whose full passes hold the event loop)."""
    person_type = build_schema().graphql_schema.get_type("Person")
    query = f"{{ person({PERSON_ARGS}) {{ {every_field(person_type, 3)} }} }}"
    gc.collect()
    gc.disable()
    try:
        document = parse_coded(query)
        assert document.definitions[0].loc.start_token.line == 1  # locations are still read
        del document
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "hostile",
    [
        '{ a(b: "' + '\\"' * 20_000 + " }",  # a string never closed, of escaped quotes
        '"' * 40_000,  # quotes that each open a string
        '"""' + '"" ' * 13_000,  # a block string never closed, of quotes
    ],
    ids=["escaped-quotes", "quotes", "block-string"],
)
def test_counting_tokens_costs_what_reading_the_document_does(hostile: str) -> None:
    """Strings that are never closed cost the token count no more than ordinary text of the
    same length, within a wide margin (a count that tried each quote again would be quadratic:
    seconds for 40 KB). The baseline is measured here, beside."""
    ordinary = ("{ a(b: " + '"x" ' * (len(hostile) // 4))[: len(hostile)]

    def best_of_three(document: str) -> float:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            token_count(document)
            timings.append(time.perf_counter() - started)
        return min(timings)

    assert best_of_three(hostile) < 50 * best_of_three(ordinary) + 0.005
