"""A guard for the ways one answer can be made: for every scenario person, the whole person
(every field of `Person`) is the same answer from the facade as served (the fast path, the cache
off: the answer shown as it was decoded, nothing cut into slices), from graphql-core completing
every field (`SSBTEK_FAST_EXECUTION=false`), and from the cache (asked a second time: LEFI joined
from its class slices), errors included. What is new for every SSBTEK call (`korrelationsid`) is
left out."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from schema.build import build_schema
from simulator.scenarios import SCENARIO_PEOPLE, Scenario
from tests.support import Facade, Simulator, facade, facade_env
from tests.support.queries import whole_person, without_korrelationsid

PERIOD = {"from": "2025-01-01", "tom": "2026-06-30"}
PEOPLE = [number for number, scenario in SCENARIO_PEOPLE.items() if scenario != Scenario.LANGSAM]
QUERY = whole_person(build_schema().graphql_schema)
# The people whose every part the cache keeps: no agency answers with an error.
KEPT_WHOLE = {
    Scenario.ALLA,
    Scenario.INGENTING,
    Scenario.SKYDDAD,
    Scenario.OMFATTANDE,
    Scenario.PM_OTILLGANGLIG,
}


@pytest.fixture(scope="module")
def cached(sim: Simulator) -> Iterator[Facade]:
    """A facade with its cache on."""
    with facade(facade_env(sim.url, SSBTEK_CACHE_TTL_S="600", SSBTEK_AUDIT_FILE=os.devnull)) as api:
        yield api


@pytest.mark.parametrize("number", PEOPLE)
def test_a_whole_person_is_one_answer_however_it_is_made(
    api: Facade, api_slow: Facade, cached: Facade, sim: Simulator, number: str
) -> None:
    variables = {"pnr": number, "period": PERIOD}
    served = without_korrelationsid(api.query(QUERY, variables))
    assert without_korrelationsid(api_slow.query(QUERY, variables)) == served
    cached.query(QUERY, variables)  # the miss, which stores the parts
    asked = len(sim.questions())
    # A hit, LEFI joined from its slices: SSBTEK is not asked again where every part was kept
    # (an agency's error is not).
    assert without_korrelationsid(cached.query(QUERY, variables)) == served
    if SCENARIO_PEOPLE[number] in KEPT_WHOLE:
        assert len(sim.questions()) == asked
    if SCENARIO_PEOPLE[number] not in (Scenario.SOAP_FAULT, Scenario.OTILLGANGLIG, Scenario.TRASIG):
        assert served["data"]["person"] is not None
