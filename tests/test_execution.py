"""Execution's fast path for plain data gives graphql-core's very answer, errors included, and
keeps the shape that makes a broad selection cheap: plain data is completed without a
graphql-core field execution (no resolve info, no awaitable check) and compiled once per
document."""

from __future__ import annotations

import asyncio
import enum
import gc
import inspect
from datetime import date
from decimal import Decimal
from typing import Any
from unittest.mock import ANY

import pytest
import strawberry
from graphql import execute as graphql_execute
from graphql import parse
from hypothesis import given
from strawberry.schema.config import StrawberryConfig

from schema import execution
from schema.build import build_schema
from schema.coded_execution import CodedExecutionContext
from schema.execution import FacadeExecutionContext
from schema.lefi_types import resolve_attribute
from schema.per_operation import MAX_VARIABLE_SETS, KeptPerOperation, OperationKept
from schema.scalars import SCALARS
from tests.support import Facade
from tests.support.fuzz import (
    DIRECTIVE_SHAPES,
    Operation,
    check_answer,
    fuzz_settings,
    operations,
)
from tests.support.queries import answered_fields, every_field

# Under its old name: hypothesis draws the generated test's fixed examples from the test's own
# source, and those examples must include a directive error (its last assertion).
from tests.support.queries import without_korrelationsid as _per_call_left_out
from tests.support.waiting import until

ALLA = "198503151238"
OMFATTANDE = "195804121233"  # a LEFI answer of several MB
LONG_PERIOD = {"from": "2025-01-01", "tom": "2026-06-30"}


@strawberry.enum
class Colour(enum.Enum):
    RED = "r"
    BLUE = "b"


@strawberry.type
class Leaf:
    name: str
    count: int | None
    colour: Colour | None
    day: date | None
    amount: Decimal | None


@strawberry.type
class Branch:
    title: str | None
    leaves: list[Leaf]
    maybe: list[Leaf | None] | None
    strict: Leaf


@strawberry.type
class Query:
    @strawberry.field
    def branches(self, case: str) -> list[Branch | None]:
        return [_branch(case, i) for i in range(3)]


def _branch(case: str, index: int) -> Any:
    def leaf(i: int) -> dict[str, Any]:
        return {
            "name": f"n{index}{i}",
            "count": i,
            "colour": Colour.RED if i % 2 else Colour.BLUE,
            "day": date(2026, 1, 1 + i),
            "amount": Decimal("12.50"),
        }

    leaves = [leaf(i) for i in range(3)]
    maybe: Any = [leaf(7), None]
    strict: Any = leaf(9)
    if index == 1:  # each case breaks the second branch in its own way
        if case == "null-in-non-null":
            leaves[1]["name"] = None
        elif case == "int-out-of-range":
            leaves[2]["count"] = 2**40
        elif case == "not-a-list":
            maybe = "text"
        elif case == "bad-enum":
            strict["colour"] = "green"
        elif case == "null-object":
            strict = None
    # Dicts and objects both: the schema's default resolver reads either.
    return {"title": None, "leaves": leaves, "maybe": maybe, "strict": strict}


CASES = ["fine", "null-in-non-null", "int-out-of-range", "not-a-list", "bad-enum", "null-object"]
DOCUMENT = """
query($case: String!, $withMaybe: Boolean!) {
  branches(case: $case) {
    __typename
    title
    first: leaves { name ...L }
    leaves { colour }
    maybe @include(if: $withMaybe) { name count }
    strict { ...L __typename }
  }
}
fragment L on Leaf { name count colour day amount }
"""


def _schema(fast: bool) -> strawberry.Schema:
    extra: dict[str, Any] = {"execution_context_class": FacadeExecutionContext} if fast else {}
    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(scalar_map=SCALARS, default_resolver=resolve_attribute),
        **extra,
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("with_maybe", [True, False])
def test_plain_completion_answers_as_graphql_core_does(case: str, with_maybe: bool) -> None:
    variables = {"case": case, "withMaybe": with_maybe}
    fast = _schema(fast=True).execute_sync(DOCUMENT, variable_values=variables)
    slow = _schema(fast=False).execute_sync(DOCUMENT, variable_values=variables)
    assert fast.data == slow.data
    assert [e.formatted for e in fast.errors or []] == [e.formatted for e in slow.errors or []]
    if case != "fine" and (with_maybe or case != "not-a-list"):
        assert fast.errors, "each broken case is an error with its path"


@strawberry.type
class _Leaf:
    name: str


@strawberry.type
class _Branch:
    @strawberry.field
    def strict(self, root: strawberry.Parent[dict[str, Any]]) -> _Leaf:
        if root["broken"]:
            raise ValueError("broken")  # at once, on the loop: it nulls the branch
        return _Leaf(name="s")

    @strawberry.field
    def leaves(self, root: strawberry.Parent[dict[str, Any]]) -> list[_Leaf] | None:
        return root["_leaves"]  # type: ignore[no-any-return]  # a resolver's plain list


@strawberry.type
class _Orphans:
    @strawberry.field
    def branch(self, broken: bool) -> _Branch | None:
        leaves = [{"name": "x"} for _ in range(2_000)]
        if broken:
            leaves[-1] = {"name": None}
        return {"_leaves": leaves, "broken": broken}  # type: ignore[return-value]  # plain data, read as it is


def test_a_list_completed_off_the_loop_for_a_nulled_parent_is_not_completed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A heavy list in a worker thread fails on a broken item after a sibling's error has
    nulled their parent: nobody reads it, so graphql-core does not complete it again on the
    loop (300,000 items: 773 ms held, after the answer was sent)."""
    monkeypatch.setattr(execution, "OFF_LOOP_ITEMS", 0)
    monkeypatch.setattr(execution, "HEAVY_S", -1.0)
    again: list[Any] = []
    graphql_cores = CodedExecutionContext.complete_list_value
    monkeypatch.setattr(
        CodedExecutionContext,
        "complete_list_value",
        lambda self, *args: again.append(args[3]) or graphql_cores(self, *args),
    )
    ended: list[Any] = []
    off_the_loop = execution._off_the_loop

    async def noting(*args: Any) -> Any:
        completed = await off_the_loop(*args)
        if isinstance(args[1], list):  # the list's completion (each leaf object's is not)
            ended.append(completed)
        return completed

    monkeypatch.setattr(execution, "_off_the_loop", noting)
    schema = strawberry.Schema(
        query=_Orphans, config=StrawberryConfig(default_resolver=resolve_attribute)
    )._schema
    document = parse(
        "query($b: Boolean!) { branch(broken: $b) { leaves { name } strict { name } } }"
    )

    async def run(broken: bool) -> Any:
        answer = graphql_execute(
            schema, document, variable_values={"b": broken}, executor_class=FacadeExecutionContext
        )
        return await answer if inspect.isawaitable(answer) else answer

    async def runs() -> Any:
        await run(False)
        await run(False)  # heavy twice: in a worker thread from now on
        ended.clear()
        answer = await run(True)
        await until(lambda: len(ended) == 1)
        return answer

    answer = asyncio.run(runs())
    assert answer.data == {"branch": None}
    assert [error.path for error in answer.errors] == [["branch", "strict"]]
    assert ended == [None] and again == []


@pytest.mark.parametrize("case", CASES)
def test_completions_off_the_event_loop_answer_as_graphql_core_does(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every list and object completed in a worker thread, as those that took long the two
    times before are: graphql-core's answer and errors all the same, broken values too."""
    monkeypatch.setattr(execution, "OFF_LOOP_ITEMS", 0)
    monkeypatch.setattr(execution, "HEAVY_S", -1.0)
    document = parse(DOCUMENT)
    variables = {"case": case, "withMaybe": True}

    schemas = {True: _schema(fast=True)._schema, False: _schema(fast=False)._schema}

    async def both(learning: bool) -> list[Any]:
        answers = []
        for fast, context in ((True, FacadeExecutionContext), (False, CodedExecutionContext)):
            answer = graphql_execute(
                schemas[fast], document, variable_values=variables, executor_class=context
            )
            # The fast path awaits its completions in worker threads once it knows them heavy.
            assert inspect.isawaitable(answer) if fast and not learning else True
            assert fast or not inspect.isawaitable(answer)
            answers.append(await answer if inspect.isawaitable(answer) else answer)
        return answers

    for learning in (True, True, False):  # heavy twice in a row: in a worker thread after
        fast, slow = asyncio.run(both(learning))
        assert fast.data == slow.data
        assert [e.formatted for e in fast.errors or []] == [e.formatted for e in slow.errors or []]


def _whole_person(number: str, alias: str = "person") -> dict[str, Any]:
    person = build_schema().graphql_schema.get_type("Person")
    arguments = f'personnummer: "{number}", period: $p, arende: "A"'
    selection = every_field(person, 12)
    return {
        "query": f"query($p: PeriodInput!) {{ {alias}: person({arguments}) {{ {selection} }} }}",
        "variables": {"p": LONG_PERIOD},
    }


@pytest.mark.parametrize("off_the_loop", [False, True])
@pytest.mark.parametrize("number", [ALLA, OMFATTANDE])
def test_a_whole_person_is_the_same_answer_without_the_fast_path(
    api: Facade, api_slow: Facade, number: str, off_the_loop: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same whole person from a facade with the fast path and one with it switched off
    (SSBTEK_FAST_EXECUTION=false), where graphql-core executes every answered field: no
    completion compiled by the fast path, kept or new, is used there. `off_the_loop`: every
    list and object completed in a worker thread (asked three times: the third, as heavy)."""
    body = _whole_person(number, alias="offloaded" if off_the_loop else "person")
    if off_the_loop:
        monkeypatch.setattr(execution, "OFF_LOOP_ITEMS", 0)
        monkeypatch.setattr(execution, "HEAVY_S", -1.0)
        api.post(body)
        api.post(body)
    fast = api.post(body).json()
    executed = _counting_field_executions(monkeypatch)
    slow = api_slow.post(body).json()
    assert "errors" not in fast
    assert answered_fields(fast) > 20_000
    assert executed["fields"] == answered_fields(slow["data"])
    assert _per_call_left_out(fast) == _per_call_left_out(slow)


def _counting_field_executions(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts graphql-core's field executions from now on (either path)."""
    counted = {"fields": 0}
    execute_field = CodedExecutionContext.execute_field

    def counting(self: Any, *args: Any) -> Any:
        counted["fields"] += 1
        return execute_field(self, *args)

    monkeypatch.setattr(CodedExecutionContext, "execute_field", counting)
    return counted


def test_plain_data_is_completed_without_field_executions_and_compiled_once(
    api: Facade, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape of the speed: of a whole person's 20,000+ answered fields, graphql-core
    executes only the few hundred with a resolver; the second time the document is compiled
    for nothing."""
    counted = {"executed": 0, "compiled": 0}
    execute_field = FacadeExecutionContext.execute_field
    compile_object = FacadeExecutionContext._compile_object

    def counting_execute(self: Any, *args: Any) -> Any:
        counted["executed"] += 1
        return execute_field(self, *args)

    def counting_compile(self: Any, *args: Any) -> Any:
        counted["compiled"] += 1
        return compile_object(self, *args)

    monkeypatch.setattr(FacadeExecutionContext, "execute_field", counting_execute)
    monkeypatch.setattr(FacadeExecutionContext, "_compile_object", counting_compile)
    body = _whole_person(ALLA, alias="shape")  # a document no other test sends
    answer = api.post(body).json()
    answered = answered_fields(answer["data"])
    assert answered > 20_000
    assert 0 < counted["executed"] < answered / 50
    assert counted["compiled"] > 0
    counted.update(executed=0, compiled=0)
    assert _per_call_left_out(api.post(body).json()) == _per_call_left_out(answer)
    assert counted["compiled"] == 0
    assert 0 < counted["executed"] < answered / 50


def test_a_new_document_of_shapes_seen_before_compiles_no_source(
    api: Facade, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generated source of a shape is compiled once for every document: another document
    selecting the same whole person (another operation name) has its completions made from the
    factories compiled before (compiling them costs as much as completing)."""
    compiled = []

    def counting(source: str, *args: Any) -> Any:
        compiled.append(source)
        return compile(source, *args)

    api.post(_whole_person(ALLA, alias="shapes"))
    monkeypatch.setattr(execution, "compile", counting, raising=False)
    body = _whole_person(ALLA, alias="shapes")
    body["query"] = body["query"].replace("query(", "query Again(", 1)
    answer = api.post(body).json()
    assert answered_fields(answer["data"]) > 20_000
    assert compiled == []


def test_a_directive_variable_decides_each_time_what_is_completed(api: Facade) -> None:
    """Compiled completions are kept per document and per value of the variables its
    directives read, in its fragments too: the same document with `$fordon` true, false, true
    answers each time as asked."""
    query = """query($pnr: Personnummer!, $period: PeriodInput!, $fordon: Boolean!) {
      person(personnummer: $pnr, period: $period, arende: "A") {
        transportstyrelsen { resultat ...Fordon } } }
      fragment Fordon on Transportstyrelsen { fordon @include(if: $fordon) { regnr } }"""

    def ask(fordon: bool) -> dict[str, Any]:
        variables = {"pnr": ALLA, "period": LONG_PERIOD, "fordon": fordon}
        return api.query(query, variables)["data"]["person"]["transportstyrelsen"]

    with_fordon = ask(True)
    assert with_fordon["fordon"] and all(set(f) == {"regnr"} for f in with_fordon["fordon"])
    assert ask(False) == {"resultat": with_fordon["resultat"]}
    assert ask(True) == with_fordon


NULLABLE_DIRECTIVES = {
    # A directive deep in a list of objects: graphql-core nulls the nearest nullable field.
    "nested": """query($a: Boolean = true, $pnr: Personnummer!, $period: PeriodInput!) {
      person(personnummer: $pnr, period: $period, arende: "A") {
        transportstyrelsen { resultat fordon { regnr @DIRECTIVE(if: $a) fabrikat } } } }""",
    # In a fragment on a root field: the whole answer is that one error.
    "root": """query($a: Boolean = false, $pnr: Personnummer!, $period: PeriodInput!) {
      ...Root }
      fragment Root on Query { tjanstestatus @DIRECTIVE(if: $a) { __typename }
        person(personnummer: $pnr, period: $period, arende: "A") { personnummer } }""",
}


@pytest.mark.parametrize("where", sorted(NULLABLE_DIRECTIVES))
@pytest.mark.parametrize("directive", ["include", "skip"])
@pytest.mark.parametrize("value", [None, "missing", True, False])
def test_a_directive_variable_given_as_null_is_graphql_cores_coded_error_on_both_paths(
    api: Facade, api_slow: Facade, where: str, directive: str, value: Any
) -> None:
    """`@include(if: $a)` / `@skip(if: $a)` with `$a: Boolean = <default>` given as null is
    graphql-core's error where it collects the selection, coded BAD_USER_INPUT; not given, the
    default applies. The fast path answers as graphql-core does (the facade without it)."""
    query = NULLABLE_DIRECTIVES[where].replace("DIRECTIVE", directive)
    variables: dict[str, Any] = {"pnr": ALLA, "period": LONG_PERIOD}
    if value != "missing":
        variables["a"] = value
    fast = api.query(query, variables)
    slow = api_slow.query(query, variables)
    assert _per_call_left_out(fast) == _per_call_left_out(slow)
    if value is not None:
        assert "errors" not in fast
        return
    [error] = fast["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "Expected variable '$a' provided to non-null type 'Boolean!'" in error["message"]
    if where == "root":
        assert fast["data"] is None and "path" not in error
    else:
        assert fast["data"] == {"person": {"transportstyrelsen": {"resultat": ANY, "fordon": None}}}
        assert error["path"] == ["person", "transportstyrelsen", "fordon", 0]


def test_generated_operations_answer_alike_with_and_without_the_fast_path(
    api: Facade, api_slow: Facade
) -> None:
    """Operations hypothesis-graphql generates over the facade's schema, with `@include`/`@skip`
    on fields whose conditions are variables given as null, not given, true or false: the fast
    path gives graphql-core's data and errors (the facade with SSBTEK_FAST_EXECUTION=false)."""
    seen = {"answered": 0, "directive errors": 0}

    @fuzz_settings(40)
    @given(operation=operations(DIRECTIVE_SHAPES))
    def alike(operation: Operation) -> None:
        fast = api.post(operation.body())
        slow = api_slow.post(operation.body())
        assert fast.status_code == slow.status_code, operation
        assert _per_call_left_out(fast.json()) == _per_call_left_out(slow.json()), operation
        answer = check_answer(fast, operation, spec_valid=True)
        seen["answered"] += bool(answer.get("data"))
        seen["directive errors"] += "Argument 'if' has invalid value" in fast.text

    alike()
    assert seen["answered"] > 0 and seen["directive errors"] > 0, seen


def test_kept_completions_are_bounded() -> None:
    """Completions are kept while their parsed operation lives, for at most `max_operations`
    operations and per operation at most MAX_VARIABLE_SETS sets of directive variable values;
    beyond that a completion is for one execution."""
    cache = KeptPerOperation(max_operations=2)
    documents = [parse(f"query($v: Boolean!) {{ a{i} @include(if: $v) }}") for i in range(3)]
    operations = [document.definitions[0] for document in documents]
    for operation in operations:
        cache.of(operation, {})
    assert len(cache) == 2
    held = cache.of(operations[2], {})
    assert held.directive_variables == ("v",)
    assert held.for_values({"v": True}) is held.for_values({"v": True})
    # A parsed operation nobody holds any more (a document the document cache does not keep)
    # takes its completions with it.
    del documents, operations, operation, held
    gc.collect()
    assert len(cache) == 0
    kept = parse("query { a }").definitions[0]
    many = OperationKept(kept, {}, lambda _gone: None)
    many.directive_variables = ("n",)
    for number in range(MAX_VARIABLE_SETS + 5):
        many.for_values({"n": number})
    assert len(many.by_values) == MAX_VARIABLE_SETS
    assert many.for_values({"n": [1]}) == {}  # an unhashable value: never kept


class _Never(strawberry.BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Guarded:
    open_: str = strawberry.field(name="open")
    secret: str = strawberry.field(permission_classes=[_Never])


@strawberry.type
class GuardedQuery:
    @strawberry.field
    def guarded(self) -> Guarded:
        return Guarded(open_="yes", secret="no")  # type: ignore[call-arg]


def test_a_field_with_a_permission_is_never_completed_by_the_fast_path() -> None:
    schema = strawberry.Schema(query=GuardedQuery, execution_context_class=FacadeExecutionContext)
    answer = schema.execute_sync("{ guarded { open secret } }")
    assert answer.data is None
    assert [e.message for e in answer.errors or []] == ["not allowed"]
