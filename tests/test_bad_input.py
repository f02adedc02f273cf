"""Bad input is refused before any SSBTEK call, with BAD_USER_INPUT, and never becomes an
internal error."""

from __future__ import annotations

import pytest

from tests.support import PERIOD, Facade, Simulator

ALLA = "198503151238"
HEAD = "query($pnr: Personnummer!, $period: PeriodInput!)"
ARGS = 'personnummer: $pnr, period: $period, arende: "A-1"'


def test_typename_beside_person_is_fine(api: Facade) -> None:
    answer = api.query(
        f"{HEAD} {{ __typename person({ARGS}) {{ __typename "
        "transportstyrelsen { resultat } } }",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert "errors" not in answer
    assert answer["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}


@pytest.mark.parametrize(
    "period", [{"from": "2026-01-01"}, {"from": "2026-13-01", "tom": "2026-12-31"}]
)
def test_bad_variables_are_bad_user_input_not_internal(api: Facade, period: dict) -> None:
    answer = api.query(
        f"{HEAD} {{ person({ARGS}) {{ personnummer }} }}", {"pnr": ALLA, "period": period}
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Internal" not in error["message"]


def test_one_bad_person_does_not_null_the_others(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        "query($long: PeriodInput!, $period: PeriodInput!) { "
        f'a: person(personnummer: "{ALLA}", period: $long, arende: "A") '
        "{ forsakringskassan { sjukpenning { aktivt } } } "
        'b: person(personnummer: "199001011239", period: $period, '
        'arende: "A") { transportstyrelsen { resultat } } }',
        {"long": {"from": "2022-01-01", "tom": "2026-06-30"}, "period": PERIOD},
    )
    assert answer["data"]["a"] is None
    assert answer["data"]["b"] == {"transportstyrelsen": {"resultat": "OK"}}
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["BAD_USER_INPUT"]
    assert [q["personidentitet"] for q in fresh.questions()] == ["199001011239"]


def test_tax_years_out_of_range_are_bad_user_input(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f"{HEAD} {{ person({ARGS}) {{ skatteverket(ar: [-5]) {{ fel {{ felkod }} }} }} }}",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []


def test_arende_with_control_characters_is_bad_user_input(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f'{HEAD} {{ person(personnummer: $pnr, period: $period, arende: "A-\\u0001-1") '
        "{ transportstyrelsen { resultat } } }",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []
