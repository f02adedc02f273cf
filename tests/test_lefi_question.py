"""The LEFI question names exactly what the selection under forsakringskassan and
pensionsmyndigheten needs; payments without narrowing ask every group that can pay."""

from __future__ import annotations

import pytest

from schema.lefi_fields import FK_FIELDS, PM_FIELDS, fk_group_codes, pm_group_codes
from tests.support import PERIOD, Facade, Simulator

ALLA = "198503151238"
ALL_FK = sorted(fk_group_codes())
ALL_PM = sorted(pm_group_codes())


def asked(api: Facade, sim: Simulator, selection: str, variables: dict | None = None) -> dict:
    """The LEFI question (without personnummer and period) sent for a selection under person."""
    answer = api.query(
        "query($pnr: Personnummer!, $period: PeriodInput!) { "
        f'person(personnummer: $pnr, period: $period, arende: "A-1") {{ {selection} }} }}',
        {"pnr": ALLA, "period": PERIOD, **(variables or {})},
    )
    assert "errors" not in answer, answer["errors"]
    [question] = sim.questions()
    sim.clear()
    lefi = question["lefiQuestion"]
    assert lefi["personnummer"] == ALLA and lefi["period"] == PERIOD
    return {k: v for k, v in lefi.items() if k not in ("personnummer", "period")}


QUESTIONS = [
    ("forsakringskassan { sjukpenning { aktivt } }", {"formansinformation": ["FK:SJP"]}),
    (
        "forsakringskassan { sjukpenning { aktivt } barnbidrag { beslut { fattades } } "
        "generellPersoninformation { namn } }",
        {"formansinformation": ["FK:ABB", "FK:SJP"], "ovrigInformation": ["FK:GEPI"]},
    ),
    (
        "forsakringskassan { utbetalningsuppgifter(formansgrupper: [SJP, ABB]) { datum } }",
        {"utbetalningar": ["FK:ABB", "FK:SJP"]},
    ),
    (
        "forsakringskassan { utbetalningsuppgifter { datum } preliminaraUtbetalningar { datum } }",
        {"preliminaraUtbetalningar": ALL_FK, "utbetalningar": ALL_FK},
    ),
    (
        "pensionsmyndigheten(formansgrupper: [AP]) { beslut { beslutsid } utbetalningar "
        "{ bruttobelopp } }",
        {"beslut": ["PM:AP"], "utbetalningar": ["PM:AP"]},
    ),
    (
        "forsakringskassan { utbetalningsuppgifter { datum } } "
        "pensionsmyndigheten { utbetalningar { bruttobelopp } levnadsintyg { senastUppdaterad } }",
        {"ovrigInformation": ["PM:LINT"], "utbetalningar": sorted(ALL_FK + ALL_PM)},
    ),
    ("forsakringskassan { fel { felkod } utlamnare { tillstand { kod } } }",
     {"formansinformation": ["FK:PJOB"]}),
    ("pensionsmyndigheten { fel { felkod } }", {"ovrigInformation": ["PM:LINT"]}),
    (
        "forsakringskassan { fel { felkod } } pensionsmyndigheten { ansprak { ansprakid } }",
        {"ansprak": ALL_PM},
    ),
    (
        "... on Person { forsakringskassan { a: sjukpenning { aktivt } } } "
        "fk: forsakringskassan { b: foraldrapenning { aktivt } "
        "c: foraldrapenning @skip(if: true) { aktivt } }",
        {"formansinformation": ["FK:FP", "FK:SJP"]},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("selection", "expected"), QUESTIONS)
def test_the_question_is_the_union_of_the_selection(
    api: Facade, fresh: Simulator, selection: str, expected: dict
) -> None:
    assert asked(api, fresh, selection) == expected


def test_variables_narrow_payments(api: Facade, fresh: Simulator) -> None:
    query = (
        "query($pnr: Personnummer!, $period: PeriodInput!, $g: [FkFormansgrupp!]) { "
        'person(personnummer: $pnr, period: $period, arende: "A-1") { '
        "forsakringskassan { utbetalningsuppgifter(formansgrupper: $g) { datum } } } }"
    )
    answer = api.query(query, {"pnr": ALLA, "period": PERIOD, "g": ["FP"]})
    assert "errors" not in answer
    assert fresh.questions()[0]["lefiQuestion"]["utbetalningar"] == ["FK:FP"]


def test_two_narrowings_of_one_payment_class_are_refused(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        "query($pnr: Personnummer!, $period: PeriodInput!) { "
        'person(personnummer: $pnr, period: $period, arende: "A-1") { forsakringskassan { '
        "a: utbetalningsuppgifter(formansgrupper: [SJP]) { datum } "
        "b: utbetalningsuppgifter { datum } } } }",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []


def test_fk_and_pm_share_one_call_with_the_other_agencies(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        "query($pnr: Personnummer!, $period: PeriodInput!) { "
        'person(personnummer: $pnr, period: $period, arende: "A-1") { '
        "arbetsformedlingen { statusKod } forsakringskassan { sjukpenning { aktivt } } "
        "pensionsmyndigheten { beslut { beslutsid } } } }",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert "errors" not in answer
    [question] = fresh.questions()
    assert question["included"] == ["AF", "FK"]
    assert question["lefiQuestion"]["formansinformation"] == ["FK:SJP"]
    assert question["lefiQuestion"]["beslut"] == ALL_PM


@pytest.mark.parametrize(
    ("period", "fails"),
    [
        ({"from": "2024-01-01", "tom": "2026-01-01"}, False),
        ({"from": "2024-01-01", "tom": "2026-01-02"}, True),
        ({"from": "2024-02-29", "tom": "2026-02-28"}, False),
    ],
)
def test_lefi_periods_over_two_years_are_refused_before_any_call(
    api: Facade, fresh: Simulator, period: dict, fails: bool
) -> None:
    query = (
        "query($pnr: Personnummer!, $period: PeriodInput!) { "
        'person(personnummer: $pnr, period: $period, arende: "A-1") { '
        "forsakringskassan { sjukpenning { aktivt } } } }"
    )
    answer = api.query(query, {"pnr": ALLA, "period": period})
    if fails:
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "2 years" in answer["errors"][0]["message"]
        assert fresh.questions() == []
    else:
        assert "errors" not in answer
        assert len(fresh.questions()) == 1


def test_long_periods_are_fine_without_lefi(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        "query($pnr: Personnummer!) { person(personnummer: $pnr, "
        'period: {from: "2021-07-01", tom: "2026-06-30"}, arende: "A-1") '
        "{ transportstyrelsen { resultat } } }",
        {"pnr": ALLA},
    )
    assert "errors" not in answer


# The decided map, written out again so that a change to schema/lefi_fields.py is deliberate:
# field -> (information class, codes; "ALL" = every group of the provider).
EXPECTED_FK = {
    "generellPersoninformation": ("ovrigInformation", "FK:GEPI"),
    "aktivitetsstod": ("formansinformation", "FK:AS"),
    "allmanPension": ("formansinformation", "FK:AP"),
    "arbetsskadeEfterlevande": ("formansinformation", "FK:AS FK:YL"),
    "arbetsskadeEgenlivranta": ("formansinformation", "FK:AS FK:YL"),
    "barnbidrag": ("formansinformation", "FK:ABB"),
    "bostadsbidrag": ("formansinformation", "FK:BOB"),
    "bostadstillagg": ("formansinformation", "FK:BST FK:BTI"),
    "efterlevandepension": ("formansinformation", "FK:ET"),
    "mottagareAvBarnbidrag": ("formansinformation", "FK:MABB"),
    "foraldrapenning": ("formansinformation", "FK:FP"),
    "forebyggandeSjukpenning": ("formansinformation", "FK:FSJP"),
    "handikappersattning": ("formansinformation", "FK:HE"),
    "graviditetspenning": ("formansinformation", "FK:GP"),
    "intjanandebehallning": ("formansinformation", "FK:AP"),
    "intjanandeuppgift": ("formansinformation", "FK:AP"),
    "levnadsintygsuppgift": ("formansinformation", "FK:AP"),
    "merkostnadsersattning": ("formansinformation", "FK:MEK"),
    "narstaendepenning": ("formansinformation", "FK:NP"),
    "omvardnadsbidrag": ("formansinformation", "FK:OMV"),
    "preliminaraUtbetalningar": ("preliminaraUtbetalningar", "ALL"),
    "programanvisning": ("ovrigInformation", "FK:PANV"),
    "programersattning": ("formansinformation", "FK:PROG"),
    "programjobbdagar": ("formansinformation", "FK:PJOB"),
    "rehabersattning": ("formansinformation", "FK:RBE"),
    "sjukOchAktivitetsersattning": ("formansinformation", "FK:SA"),
    "sjukOchAktivitetsersattningSteglosAvrakningHistorik": ("formansinformation", "FK:SA"),
    "sjukOchAktivitetsersattningSteglosAvrakningNulage": ("formansinformation", "FK:SA"),
    "sjukpenning": ("formansinformation", "FK:SJP"),
    "sjukpenninggrundandeInkomst": ("ovrigInformation", "FK:SGI"),
    "skatteuppgift": ("ovrigInformation", "FK:SKUP"),
    "smittbararersattning": ("formansinformation", "FK:SBP"),
    "studiemedelsavisering": ("ovrigInformation", "FK:STAV"),
    "tillfalligForaldrapenning": ("formansinformation", "FK:TFP"),
    "totalforsvarsplikt": ("formansinformation", "FK:DPE"),
    "underhallsskuld": ("formansinformation", "FK:US"),
    "underhallsstodskrav": ("formansinformation", "FK:US"),
    "underhallsstodsmottag": ("formansinformation", "FK:US"),
    "utbetalningsuppgifter": ("utbetalningar", "ALL"),
    "vardbidrag": ("formansinformation", "FK:VB"),
    "yrkesskadeEfterlevande": ("formansinformation", "FK:YL"),
    "yrkesskadeEgenlivranta": ("formansinformation", "FK:YL"),
}
EXPECTED_PM = {
    "ansprak": ("ansprak", "ALL"),
    "beslut": ("beslut", "ALL"),
    "utbetalningar": ("utbetalningar", "ALL"),
    "preliminaraUtbetalningar": ("preliminaraUtbetalningar", "ALL"),
    "levnadsintyg": ("ovrigInformation", "PM:LINT"),
    "pensionsbehallning": ("ovrigInformation", "PM:PBH"),
    "pensionsunderlag": ("ovrigInformation", "PM:PU"),
    "ovrigInformation": ("ovrigInformation", "PM:LINT PM:PBH PM:PU"),
}


@pytest.mark.parametrize(
    ("agency", "field", "expected"),
    [("forsakringskassan", f, e) for f, e in EXPECTED_FK.items()]
    + [("pensionsmyndigheten", f, e) for f, e in EXPECTED_PM.items()],
)
def test_the_decided_map_is_what_is_asked(
    api: Facade, fresh: Simulator, agency: str, field: str, expected: tuple[str, str]
) -> None:
    information_class, codes = expected
    every = ALL_FK if agency == "forsakringskassan" else ALL_PM
    wanted = every if codes == "ALL" else sorted(codes.split())
    assert asked(api, fresh, f"{agency} {{ {field} {{ __typename }} }}") == {
        information_class: wanted
    }


def test_every_field_is_in_the_decided_map() -> None:
    assert {f.name for f in FK_FIELDS} == set(EXPECTED_FK)
    assert {f.name for f in PM_FIELDS} == set(EXPECTED_PM)
