"""Fuzzing: operations hypothesis-graphql generates from the facade's schema, run in-process
against a facade and the simulator, are answered with 200 or 400 and coded errors, never an
internal error or a personnummer in a message; and malformed personnummer are BAD_USER_INPUT.

The suite runs a small, fixed set of examples. `SSBTEK_FUZZ_EXAMPLES=2000` (what `make fuzz`
sets) runs that many random examples instead."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support import PERIOD, Facade, Simulator
from tests.support.fuzz import (
    ARABIC_INDIC,
    DEVANAGARI,
    FULL_WIDTH,
    Operation,
    check_answer,
    fuzz_settings,
    invalid_personnummer,
    operations,
)
from tests.support.queries import codes

ALLA = "198503151238"


@pytest.mark.parametrize(
    ("facade", "in_suite", "share"),
    [("api", 30, 1.0), ("api_v10", 10, 0.25)],
    ids=["ssbt11", "ssbt10"],
)
def test_generated_operations_get_clean_answers(
    request: pytest.FixtureRequest, fresh: Simulator, facade: str, in_suite: int, share: float
) -> None:
    api: Facade = request.getfixturevalue(facade)
    reached = 0

    @fuzz_settings(in_suite, share)
    @given(operation=operations())
    def answer(operation: Operation) -> None:
        nonlocal reached
        fresh.clear()
        check_answer(api.post(operation.body()), operation, spec_valid=True)
        reached += bool(fresh.questions())

    answer()
    assert reached > 0, "no generated operation got past input validation to SSBTEK"


def _ask(api: Facade, number: Any, how: str) -> tuple[str, dict[str, Any]]:
    """Ask about `number` through a variable, inline, or in a `personer` list; the operation and
    its JSON answer."""
    selection = "{ personnummer transportstyrelsen { resultat } }"
    if how == "variable":
        operation = (
            "query($pnr: Personnummer!, $period: PeriodInput!) "
            f'{{ person(personnummer: $pnr, period: $period, arende: "A-1") {selection} }}'
        )
        variables = {"pnr": number, "period": PERIOD}
    else:
        literal = json.dumps(number)  # a JSON string is a GraphQL string literal
        field = (
            f"person(personnummer: {literal}"
            if how == "inline"
            else f'personer(personnummer: ["{ALLA}", {literal}]'
        )
        operation = (
            f'query($period: PeriodInput!) {{ {field}, period: $period, arende: "A-1") '
            f"{selection} }}"
        )
        variables = {"period": PERIOD}
    response = api.post({"query": operation, "variables": variables})
    return operation, check_answer(response, f"{operation}\nvariables: {variables!r}")


HOW = st.sampled_from(["variable", "inline", "personer"])


def _refusal(how: str) -> set[str]:
    """The code of a bad number by where it was given: a variable's value is the caller's input,
    a literal in the document fails validation (with its location)."""
    return {"BAD_USER_INPUT"} if how == "variable" else {"GRAPHQL_VALIDATION_FAILED"}


def test_invalid_personnummer_is_refused_by_kind(api: Facade, fresh: Simulator) -> None:
    @fuzz_settings(25)
    @given(number=invalid_personnummer(), how=HOW)
    def refused(number: str, how: str) -> None:
        fresh.clear()
        operation, body = _ask(api, number, how)
        assert codes(body) == _refusal(how), f"{number!r} {operation}\n{body}"
        if how != "variable":
            assert all(error.get("locations") for error in body["errors"]), body
        assert fresh.questions() == [], f"{number!r} reached SSBTEK"

    refused()


OTHER_SCRIPTS = [
    ALLA.translate(ARABIC_INDIC),
    ALLA.translate(FULL_WIDTH),
    ALLA.translate(DEVANAGARI),
    ALLA[:11] + ALLA[11].translate(FULL_WIDTH),
    f"{ALLA[:8]}-{ALLA[8:]}".translate(ARABIC_INDIC),
]


def test_digits_of_other_scripts_are_refused(api: Facade, fresh: Simulator) -> None:
    accepted = []
    for number in OTHER_SCRIPTS:
        for how in ("variable", "inline", "personer"):
            _, body = _ask(api, number, how)
            if codes(body) != _refusal(how):
                accepted.append((number, how, sorted(codes(body))))
    assert accepted == [], f"accepted: {accepted}"
    assert fresh.questions() == []


@pytest.mark.parametrize("value", [19850315, 1.5, True, None, ["198503151238"], {"a": 1}])
def test_personnummer_variables_of_other_types_are_bad_user_input(
    api: Facade, fresh: Simulator, value: Any
) -> None:
    _, body = _ask(api, value, "variable")
    assert codes(body) == {"BAD_USER_INPUT"}, body
    assert fresh.questions() == []
