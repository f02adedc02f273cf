"""One failure erases nothing else: the whole `Person` for every scenario person of the
simulator keeps every agency that answered, whatever failed beside it; an error nulls only its
own field. Which agencies answered is read here from the SOAP bytes SSBTEK sent (lxml), not from
the facade."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from schema.build import build_schema
from schema.person import PERSON_FIELDS
from simulator.scenarios import SCENARIO_PEOPLE, Scenario
from tests.support import Facade, Simulator, facade, facade_env
from tests.support.queries import whole_person

PERIOD = {"from": "2025-07-01", "tom": "2026-06-30"}
WHOLE = whole_person(build_schema().graphql_schema)
# The Person field of each agency's own data (the views across agencies read several).
AGENCY_FIELDS = {
    name: next(iter(field.reads)).value
    for name, field in PERSON_FIELDS.items()
    if len(field.reads) == 1
}
VIEWS = [name for name, field in PERSON_FIELDS.items() if len(field.reads) > 1]


@pytest.fixture(scope="module")
def quick(sim: Simulator) -> Iterator[Facade]:
    """A facade that gives up after a second, so the slow scenario person fails quickly. Only
    for that person: the others' whole answers (the largest some megabytes) are asked of a
    facade whose deadline a loaded machine does not reach."""
    with facade(facade_env(sim.url, SSBTEK_TIMEOUT_S="1", SSBTEK_CONNECT_TIMEOUT_S="1")) as api:
        yield api


@pytest.fixture(scope="module")
def patient(sim: Simulator) -> Iterator[Facade]:
    """A facade with a deadline far past what any answer but the slow person's takes."""
    with facade(facade_env(sim.url, SSBTEK_TIMEOUT_S="60")) as api:
        yield api


def agencies_in(content: bytes | None) -> dict[str, str]:
    """Each agency in a raw SOAP answer: `data` (it answered) or `error`."""
    if content is None:
        return {}
    try:
        root = etree.fromstring(content)
    except etree.XMLSyntaxError:
        return {}
    found = {}
    for svarsdata in root.xpath("//*[local-name()='svarsdata']"):
        for slot in svarsdata:
            kind = [etree.QName(child).localname for child in slot]
            found[etree.QName(slot).localname] = "data" if "data" in kind else "error"
    return found


@pytest.mark.parametrize("scenario", list(Scenario), ids=[scenario.value for scenario in Scenario])
def test_the_whole_person_keeps_every_agency_that_answered(
    request: pytest.FixtureRequest, answers: list[bytes], scenario: Scenario
) -> None:
    number = next(n for n, s in SCENARIO_PEOPLE.items() if s is scenario)
    api: Facade = request.getfixturevalue("quick" if scenario is Scenario.LANGSAM else "patient")
    answer = api.query(WHOLE, {"pnr": number, "period": PERIOD})
    person = answer["data"]["person"]
    assert person is not None, answer.get("errors")
    assert person["personnummer"] == number
    slots = agencies_in(answers[-1] if answers else None)
    failed_paths = {tuple(error["path"]) for error in answer.get("errors") or []}
    for name, agency in AGENCY_FIELDS.items():
        if agency in slots:  # the agency answered, with data or its own error: both are data
            assert person[name] is not None, (name, slots[agency])
            assert ("person", name) not in failed_paths
            assert (person[name]["fel"] is None) == (slots[agency] == "data") or (
                agency in ("CSN", "FK", "SKV") and scenario is Scenario.TRASIGT_INNEHALL
            ), name  # an unreadable payload is the facade's own `fel`
        else:  # the whole call failed: only this field errors
            assert person[name] is None and ("person", name) in failed_paths
    answered = {agency for agency, kind in slots.items() if kind == "data"}
    for view in VIEWS:
        readable = answered & {"FK", "SO", "CSN"}
        if scenario is Scenario.TRASIGT_INNEHALL:
            readable -= {"FK", "CSN"}
        if readable:  # a view answers with the sources that answered
            assert person[view] is not None, view
        else:
            assert person[view] is None and ("person", view) in failed_paths


def test_a_view_beside_one_agency_never_nulls_it(api: Facade) -> None:
    """The person whose PM provider is unavailable: Arbetsförmedlingen and the payments asked
    together, the payments partial, Arbetsförmedlingen whole."""
    query = """query($pnr: Personnummer!, $period: PeriodInput!) {
      person(personnummer: $pnr, period: $period, arende: "A") {
        arbetsformedlingen { fel { felkod } fornamn }
        utbetalningar(kallor: [PM]) { rader { netto } }
        manadssummor { saknade { kalla } } } }"""
    number = next(n for n, s in SCENARIO_PEOPLE.items() if s is Scenario.PM_OTILLGANGLIG)
    answer = api.query(query, {"pnr": number, "period": PERIOD})
    person: dict[str, Any] = answer["data"]["person"]
    assert person["arbetsformedlingen"]["fel"] is None
    assert person["arbetsformedlingen"]["fornamn"]
    assert person["utbetalningar"] is None  # its only source is missing
    assert person["manadssummor"]["saknade"] == [{"kalla": "PM"}]
    assert {tuple(e["path"]) for e in answer["errors"]} == {
        ("person", "utbetalningar"),
        ("person", "manadssummor"),
    }
