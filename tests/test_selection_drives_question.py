"""The selection decides what SSBTEK is asked, and each person is asked once per operation."""

from __future__ import annotations

from unittest.mock import ANY

from tests.support import PERIOD, Facade, Simulator

ALLA = "198503151238"
INGENTING = "199001011239"
ORDINARY = "198807141232"

PERSON_ARGS = 'personnummer: $pnr, period: $period, arende: "A-1"'
VARIABLES = {"pnr": ALLA, "period": PERIOD}
HEAD = "query($pnr: Personnummer!, $period: PeriodInput!)"
ARGS = PERSON_ARGS


def test_selecting_only_arbetsformedlingen_asks_only_af(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f"query($pnr: Personnummer!, $period: PeriodInput!) {{ person({PERSON_ARGS}) "
        "{ arbetsformedlingen { fornamn statusKod akassetillhorighet } } }",
        VARIABLES,
    )
    assert "errors" not in answer
    assert answer["data"]["person"]["arbetsformedlingen"] == {
        "fornamn": "Tolvan",
        "statusKod": 0,
        "akassetillhorighet": "Unionens a-kassa",
    }
    [question] = fresh.questions()
    assert question["included"] == ["AF"]
    assert question["personidentitet"] == ALLA
    assert question["tidsperiod"] == PERIOD


def test_aliases_repeats_and_fragments_make_one_call(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        """
        query($pnr: Personnummer!, $period: PeriodInput!) {
          a: person(personnummer: $pnr, period: $period, arende: "A-1") {
            arbetsformedlingen { fornamn }
            kassa: akassorna { arbetsloshetsersattningar { svarandeOrganisation } }
            ...Fordon
          }
          b: person(personnummer: $pnr, period: $period, arende: "A-1") {
            igen: arbetsformedlingen { efternamn }
            ... on Person { migrationsverket { fornamn } }
          }
        }
        fragment Fordon on Person { transportstyrelsen { fordon { regnr } } }
        """,
        VARIABLES,
    )
    assert "errors" not in answer
    assert answer["data"]["a"]["kassa"]["arbetsloshetsersattningar"][0]["svarandeOrganisation"]
    assert answer["data"]["b"]["igen"]["efternamn"] == "Tolvansson"
    [question] = fresh.questions()
    assert question["included"] == ["AF", "SO", "TNS", "MIV"]


def test_skip_and_include_follow_variables(api: Facade, fresh: Simulator) -> None:
    query = """
        query($pnr: Personnummer!, $period: PeriodInput!, $fordon: Boolean!, $af: Boolean!) {
          person(personnummer: $pnr, period: $period, arende: "A-1") {
            transportstyrelsen @include(if: $fordon) { resultat }
            arbetsformedlingen @skip(if: $af) { statusKod }
            ... @include(if: $fordon) { migrationsverket { fornamn } }
          }
        }
    """
    api.query(query, {**VARIABLES, "fordon": False, "af": False})
    api.query(query, {**VARIABLES, "fordon": True, "af": True})
    first, second = fresh.questions()
    assert first["included"] == ["AF"]
    assert second["included"] == ["TNS", "MIV"]


def test_a_directive_given_null_asks_nothing_for_its_field(api: Facade, fresh: Simulator) -> None:
    """`@skip(if: $a)` and `@include(if: $a)` with `$a` null are an error where the selection
    is collected (BAD_USER_INPUT), so the field they are on is never read: neither directive
    asks SSBTEK for it (here: no LEFI group for it, though `forsakringskassan` is read)."""
    query = """
        query($pnr: Personnummer!, $period: PeriodInput!, $a: Boolean = true) {
          person(personnummer: $pnr, period: $period, arende: "A-1") {
            arbetsformedlingen { statusKod }
            forsakringskassan {
              sjukpenning @skip(if: $a) { aktivt }
              barnbidrag @include(if: $a) { beslut { fattades } }
            }
          }
        }
    """
    answer = api.query(query, {**VARIABLES, "a": None})
    assert answer["data"] == {"person": {"arbetsformedlingen": ANY, "forsakringskassan": None}}
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    [question] = fresh.questions()
    assert question["included"] == ["AF", "FK"]
    asked = question["lefiQuestion"].get("formansinformation", [])
    assert not {"FK:SJP", "FK:ABB"} & set(asked)


def test_nothing_agency_selected_asks_nothing(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f"query($pnr: Personnummer!, $period: PeriodInput!) {{ person({PERSON_ARGS}) "
        "{ personnummer } }",
        {"pnr": "8503151238", "period": PERIOD},
    )
    assert answer["data"]["person"]["personnummer"] == ALLA
    assert fresh.questions() == []


def test_payload_agencies_are_included_when_selected(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f"query($pnr: Personnummer!, $period: PeriodInput!) {{ person({PERSON_ARGS}) "
        "{ csn { fel { felkod } } forsakringskassan { fel { felkod } } "
        "pensionsmyndigheten { fel { felkod } } skatteverket { fel { felkod } } } }",
        VARIABLES,
    )
    assert "errors" not in answer
    assert answer["data"]["person"]["csn"] == {"fel": None}
    [question] = fresh.questions()
    assert question["included"] == ["CSN", "FK", "SKV"]
    assert question["fkFraga"] == {"version": "v9", "aktorsid": "test-aktor"}
    assert question["lefiQuestion"] == {
        "personnummer": ALLA,
        "period": PERIOD,
        "formansinformation": ["FK:PJOB"],
        "ovrigInformation": ["PM:LINT"],
    }


def test_agency_period_goes_into_its_own_tidsperiod(api: Facade, fresh: Simulator) -> None:
    own = {"from": "2025-07-01", "tom": "2025-12-31"}
    answer = api.query(
        f"query($pnr: Personnummer!, $period: PeriodInput!, $own: PeriodInput) {{ "
        f"person({PERSON_ARGS}) {{ akassorna(period: $own) {{ from tom "
        "arbetsloshetsersattningar { utbetalningar { utbetalningsdatum } } } "
        "arbetsformedlingen { referensnummer } } }",
        {**VARIABLES, "own": own},
    )
    assert "errors" not in answer
    akassorna = answer["data"]["person"]["akassorna"]
    assert (akassorna["from"], akassorna["tom"]) == (own["from"], own["tom"])
    dates = [
        row["utbetalningsdatum"]
        for kassa in akassorna["arbetsloshetsersattningar"]
        for row in kassa["utbetalningar"]
    ]
    assert dates and all("2025-07-01" <= d <= "2025-12-31" for d in dates)
    [question] = fresh.questions()
    assert question["periods"] == {"SO": own}
    assert question["tidsperiod"] == PERIOD


def test_two_periods_for_one_agency_are_refused(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f"query($pnr: Personnummer!, $period: PeriodInput!) {{ person({PERSON_ARGS}) {{ "
        'a: akassorna(period: {from: "2025-01-01", tom: "2025-03-31"}) { tom } '
        'b: akassorna(period: {from: "2025-04-01", tom: "2025-06-30"}) { tom } } }',
        VARIABLES,
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "only one period" in error["message"]
    assert fresh.questions() == []


def test_personer_fetches_each_person_once(api: Facade, fresh: Simulator) -> None:
    numbers = [ALLA, INGENTING, ORDINARY, ALLA]
    answer = api.query(
        "query($pnr: [Personnummer!]!, $period: PeriodInput!) { "
        'personer(personnummer: $pnr, period: $period, arende: "A-1") '
        "{ personnummer transportstyrelsen { resultat } } }",
        {"pnr": numbers, "period": PERIOD},
    )
    assert "errors" not in answer
    assert [p["personnummer"] for p in answer["data"]["personer"]] == numbers
    asked = sorted(q["personidentitet"] for q in fresh.questions())
    assert asked == sorted({ALLA, INGENTING, ORDINARY})


def test_personer_takes_at_most_fifty(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        "query($pnr: [Personnummer!]!, $period: PeriodInput!) { "
        'personer(personnummer: $pnr, period: $period, arende: "A-1") { personnummer } }',
        {"pnr": [ALLA] * 51, "period": PERIOD},
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []


def test_an_agency_with_and_without_its_own_period_is_refused(
    api: Facade, fresh: Simulator
) -> None:
    answer = api.query(
        f"{HEAD} {{ person({ARGS}) {{ a: akassorna {{ tom }} "
        'b: akassorna(period: {from: "2025-01-01", tom: "2025-03-31"}) { tom } } }',
        {"pnr": ALLA, "period": PERIOD},
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []


def test_an_own_period_equal_to_the_persons_is_not_sent(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f"{HEAD} {{ person({ARGS}) {{ a: akassorna {{ tom }} b: akassorna(period: $period) "
        "{ tom } } }",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert "errors" not in answer
    assert fresh.questions()[0]["periods"] == {}
