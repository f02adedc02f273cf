"""The SSBTEK call budget, as Saleor budgets database queries: for representative operations,
exactly how many calls the facade makes and what each asks (`inkludera`, LEFI classes). A change
that makes an operation cost more calls, or ask for more, fails here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from schema.lefi_fields import fk_group_codes, pm_group_codes
from tests.support import PERIOD, Facade
from tests.support.queries import lefi_classes

ALLA = "198503151238"
INGENTING = "199001011239"
FEL_AF = "198202201235"
ALL_PAYING = sorted(fk_group_codes() + pm_group_codes())


@dataclass(frozen=True)
class Budget:
    """One operation, what it may cost, and what each call asks for (by personnummer)."""

    name: str
    query: str
    calls: int
    included: list[list[str]] = field(default_factory=list)
    lefi: list[dict[str, list[str]] | None] = field(default_factory=list)
    probes: int = 0
    variables: dict[str, Any] = field(default_factory=dict)


HEAD = "query($pnr: Personnummer!, $period: PeriodInput!)"
ARGS = 'personnummer: $pnr, period: $period, arende: "A-1"'

BUDGETS = [
    Budget(
        "one agency",
        f"{HEAD} {{ person({ARGS}) {{ transportstyrelsen {{ resultat }} }} }}",
        calls=1,
        included=[["TNS"]],
        lefi=[None],
    ),
    Budget(
        "many agencies through aliases and fragments, asked once",
        f"""{HEAD} {{
          a: person({ARGS}) {{ ...Jobb akassorna {{ fel {{ felkod }} }} }}
          b: person({ARGS}) {{ ... on Person {{ csn {{ fel {{ felkod }} }} }} ...Jobb }}
          c: person({ARGS}) {{ x: transportstyrelsen {{ resultat }} y: transportstyrelsen {{
            fordon {{ regnr }} }} }}
        }}
        fragment Jobb on Person {{ arbetsformedlingen {{ fornamn }} }}""",
        calls=1,
        included=[["AF", "CSN", "SO", "TNS"]],
        lefi=[None],
    ),
    Budget(
        "personer with repeats and the same person beside it",
        f"""query($period: PeriodInput!) {{
          personer(personnummer: ["{ALLA}", "{INGENTING}", "{ALLA}"], period: $period,
                   arende: "A-1") {{ migrationsverket {{ fel {{ felkod }} }} }}
          person(personnummer: "{ALLA}", period: $period, arende: "A-1") {{
            transportstyrelsen {{ resultat }} }}
        }}""",
        calls=2,
        included=[["TNS", "MIV"], ["MIV"]],
        lefi=[None, None],
    ),
    Budget(
        "every payment from FK and PM: the payment classes of every paying group, nothing else",
        f"""{HEAD} {{ person({ARGS}) {{
          forsakringskassan {{ utbetalningsuppgifter {{ datum }} }}
          pensionsmyndigheten {{ utbetalningar {{ bruttobelopp }} }} }} }}""",
        calls=1,
        included=[["FK"]],
        lefi=[{"utbetalningar": ALL_PAYING}],
    ),
    Budget(
        "a household, one call per member",
        f"""query($period: PeriodInput!) {{
          personer(personnummer: ["{ALLA}", "{INGENTING}", "{FEL_AF}"], period: $period,
                   arende: "A-1") {{ akassorna {{ fel {{ felkod }} }} }} }}""",
        calls=3,
        included=[["SO"], ["SO"], ["SO"]],
        lefi=[None, None, None],
    ),
    Budget(
        "the probe, once whatever the aliases",
        "{ a: tjanstestatus { myndighet } b: tjanstestatus { anropad } "
        "c: tjanstestatus { myndighet } }",
        calls=0,
        probes=1,
    ),
    Budget(
        "a selection that cannot be asked costs nothing",
        f"""{HEAD} {{ person({ARGS}) {{
          a: csn(period: {{from: "2026-01-01", tom: "2026-01-31"}}) {{ fel {{ felkod }} }}
          b: csn(period: {{from: "2026-02-01", tom: "2026-02-28"}}) {{ fel {{ felkod }} }} }} }}""",
        calls=0,
    ),
]


@pytest.mark.parametrize("budget", BUDGETS, ids=lambda b: b.name)
def test_the_call_budget(api: Facade, assert_ssbtek_calls: Any, budget: Budget) -> None:
    with assert_ssbtek_calls(budget.calls, probes=budget.probes) as asked:
        api.query(budget.query, {"pnr": ALLA, "period": PERIOD, **budget.variables})
    asked = sorted(asked, key=lambda question: question["personidentitet"])
    assert [question["included"] for question in asked] == budget.included
    assert [lefi_classes(question) for question in asked] == budget.lefi


def test_the_call_budget_of_a_repeat_with_the_cache_on(sim: Any, assert_ssbtek_calls: Any) -> None:
    """A caseworker's screen asking again: the second time costs no call."""
    from tests.support import facade, facade_env

    query = BUDGETS[1].query
    with facade(facade_env(sim.url, SSBTEK_CACHE_TTL_S="120")) as cached:
        with assert_ssbtek_calls(1):
            cached.query(query, {"pnr": ALLA, "period": PERIOD})
        with assert_ssbtek_calls(0):
            cached.query(query, {"pnr": ALLA, "period": PERIOD})
