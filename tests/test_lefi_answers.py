"""Every FK and PM benefit field answers from the simulator, typed; LEFI's own states and
errors reach the caller."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest

from schema.lefi_fields import FK_FIELDS, PM_FIELDS
from simulator.lefi import PM_MONTHLY, lefi_answer, model
from simulator.people import person_for
from simulator.scenarios import Scenario
from tests.support import Facade, Simulator, facade, facade_env

ALLA = "198503151238"
OMFATTANDE = "195804121233"
PM_OTILLGANGLIG = "194808081238"
YEAR = {"from": "2025-07-01", "tom": "2026-06-30"}
TWO_YEARS = {"from": "2024-07-01", "tom": "2026-06-30"}


def person(api: Facade, number: str, selection: str, period: dict = YEAR) -> dict:
    answer = api.query(
        "query($pnr: Personnummer!, $period: PeriodInput!) { "
        f'person(personnummer: $pnr, period: $period, arende: "A-1") {{ {selection} }} }}',
        {"pnr": number, "period": period},
    )
    assert "errors" not in answer, answer["errors"]
    return answer["data"]["person"]


def test_every_fk_benefit_field_answers(api: Facade) -> None:
    selection = " ".join(f"{f.name} {{ __typename ovrigaFalt {{ path }} }}" for f in FK_FIELDS)
    fk = person(api, ALLA, f"forsakringskassan {{ fel {{ felkod }} {selection} }}")[
        "forsakringskassan"
    ]
    assert fk["fel"] is None
    for field in FK_FIELDS:
        value = fk[field.name]
        assert value, f"{field.name} is empty"
        items = [value] if field.single else value
        assert all(item["ovrigaFalt"] == [] for item in items), field.name


def test_every_pm_field_answers(api: Facade) -> None:
    selection = " ".join(f"{f.name} {{ __typename }}" for f in PM_FIELDS)
    pm = person(api, ALLA, f"pensionsmyndigheten {{ {selection} }}")["pensionsmyndigheten"]
    for field in PM_FIELDS:
        assert pm[field.name], f"{field.name} is empty"


def test_payments_are_typed_with_decimals_and_rows(api: Facade) -> None:
    fk = person(
        api,
        ALLA,
        "forsakringskassan { utbetalningsuppgifter(formansgrupper: [SJP]) { datum "
        "period { fran till franDatum tillDatum } bruttobelopp { summa valuta } "
        "skattebelopp { summa } avdragsbelopp { summa } nettobelopp { summa } "
        "utbetalningsdetalj { beloppstyp { kod } bruttobelopp { summa } skattebelopp { summa } "
        "avdragsbelopp { summa } } } }",
    )["forsakringskassan"]
    payments = fk["utbetalningsuppgifter"]
    assert len(payments) == 12
    for payment in payments:
        brutto = float(payment["bruttobelopp"]["summa"])
        netto = float(payment["nettobelopp"]["summa"])
        avdrag = float(payment["avdragsbelopp"]["summa"])
        assert isinstance(payment["bruttobelopp"]["summa"], str)  # Decimal, never a float
        assert abs(brutto - avdrag - netto) < 0.005
        exact = {k: Decimal(payment[k]["summa"]) for k in ("bruttobelopp", "avdragsbelopp")}
        assert exact["bruttobelopp"] - exact["avdragsbelopp"] == Decimal(
            payment["nettobelopp"]["summa"]
        )
        assert exact["bruttobelopp"] == sum(  # the gross is the sum of its rows' gross
            Decimal(row["bruttobelopp"]["summa"])
            for row in payment["utbetalningsdetalj"]
            if row["bruttobelopp"]
        )
        kinds = [row["beloppstyp"]["kod"] for row in payment["utbetalningsdetalj"]]
        assert "PS" in kinds
        assert YEAR["from"] <= payment["datum"] <= YEAR["tom"]
        assert payment["period"]["franDatum"] is not None
        # `fran` is `YYYY-MM` or `YYYY-MM-01`: either way the month's first day.
        assert payment["period"]["franDatum"] == f"{payment['period']['fran'][:7]}-01"
        assert payment["period"]["tillDatum"] == payment["period"]["till"]


def test_pm_payments_are_whole_kronor_with_negative_deductions(api: Facade) -> None:
    pm = person(
        api,
        ALLA,
        "pensionsmyndigheten(formansgrupper: [AP]) { utbetalningar { bruttobelopp nettobelopp "
        "avdrag { belopp avdragstyp { kod } } "
        "utbetalningsrader { formansgrupp { kod } belopp } } }",
    )["pensionsmyndigheten"]
    for payment in pm["utbetalningar"]:
        assert isinstance(payment["bruttobelopp"], int)
        assert abs(payment["bruttobelopp"] - PM_MONTHLY["PM:AP"]) <= 200
        assert payment["bruttobelopp"] == sum(r["belopp"] for r in payment["utbetalningsrader"])
        assert (
            payment["bruttobelopp"] + sum(a["belopp"] for a in payment["avdrag"])
            == payment["nettobelopp"]
        )
        assert all(a["belopp"] <= 0 for a in payment["avdrag"])
        assert {r["formansgrupp"]["kod"] for r in payment["utbetalningsrader"]} == {"PM:AP"}


def test_only_the_asked_period_is_answered(api: Facade) -> None:
    fk = person(
        api,
        ALLA,
        "forsakringskassan { utbetalningsuppgifter(formansgrupper: [ABB]) { datum } }",
        {"from": "2026-02-01", "tom": "2026-03-31"},
    )["forsakringskassan"]
    assert [p["datum"] for p in fk["utbetalningsuppgifter"]] == ["2026-02-25", "2026-03-25"]


def test_the_huge_answer_decodes_and_answers(api: Facade) -> None:
    codes = model()["enums"]
    question = {
        "period": TWO_YEARS,
        "formansinformation": codes["LefiFkFormanGruppKod"],
        "utbetalningar": codes["LefiExternFormanGruppKod"],
        "preliminaraUtbetalningar": codes["LefiExternFormanGruppKod"],
        "ansprak": codes["LefiPmFormanGruppKod"],
        "beslut": codes["LefiPmFormanGruppKod"],
        "ovrigInformation": codes["LefiExternOvrigInformationTypKod"],
    }
    raw = lefi_answer(
        question, person_for(OMFATTANDE, Scenario.OMFATTANDE), Scenario.OMFATTANDE, frozenset()
    )
    assert len(json.dumps(raw, default=str).encode()) >= 2_000_000
    selection = " ".join(f"{f.name} {{ __typename }}" for f in FK_FIELDS if not f.single)
    fk = person(
        api,
        OMFATTANDE,
        f"forsakringskassan {{ {selection} sjukpenning {{ beslut {{ ersattningsdagar "
        "{ ersattningsbelopp { summa } } } } utbetalningsuppgifter { utbetalningsdetalj "
        "{ bruttobelopp { summa } } } }",
        TWO_YEARS,
    )["forsakringskassan"]
    assert len(fk["utbetalningsuppgifter"]) >= 24 * 10
    days = [d for case in fk["sjukpenning"] for b in case["beslut"] for d in b["ersattningsdagar"]]
    assert len(days) >= 500


def test_pm_unavailable_shows_in_utlamnare(api: Facade) -> None:
    data = person(
        api,
        PM_OTILLGANGLIG,
        "pensionsmyndigheten { utlamnare { utlamnare { kod } tillstand { kod } } "
        "utbetalningar { bruttobelopp } avvikelser { utbetalningar { formansgrupp { kod } } } }",
    )["pensionsmyndigheten"]
    states = {u["utlamnare"]["kod"]: u["tillstand"]["kod"] for u in data["utlamnare"]}
    assert states == {"FK": "OK", "PM": "OTILLGANGLIG"}
    assert data["utbetalningar"] == []
    assert data["avvikelser"]["utbetalningar"] == []


@pytest.fixture(scope="module")
def restricted(sim: Simulator) -> Iterator[Facade]:
    """A facade for a municipality that may not see some LEFI groups (the simulator's default
    restricted actor)."""
    with facade(facade_env(sim.url, SSBTEK_AKTORSID="begransad-aktor")) as api:
        yield api


def test_groups_the_municipality_may_not_see_are_avvikelser(restricted: Facade) -> None:
    fk = person(
        restricted,
        ALLA,
        "forsakringskassan { generellPersoninformation { namn } sjukpenning { aktivt } "
        "avvikelser { ovrigInformation { avvikelse { kod } ovrigInformationstyp { kod } } } }",
    )["forsakringskassan"]
    assert fk["generellPersoninformation"] is None
    assert fk["sjukpenning"]
    assert fk["avvikelser"]["ovrigInformation"] == [
        {"avvikelse": {"kod": "OBEHORIG"}, "ovrigInformationstyp": {"kod": "FK:GEPI"}}
    ]


def test_an_unsupported_lefi_version_reaches_fel(sim: Simulator) -> None:
    with facade(facade_env(sim.url, SSBTEK_LEFI_VERSION="v8")) as api:
        data = person(
            api,
            ALLA,
            "forsakringskassan { fel { kalla felkod } sjukpenning { aktivt } } "
            "pensionsmyndigheten { fel { felkod } } transportstyrelsen { resultat }",
        )
    assert data["forsakringskassan"] == {
        "fel": {"kalla": "BT", "felkod": "LEFI-VERSION"},
        "sjukpenning": None,
    }
    assert data["pensionsmyndigheten"]["fel"]["felkod"] == "LEFI-VERSION"
    assert data["transportstyrelsen"]["resultat"] == "OK"
