"""Every question is accountable: the caseworker, the case and the time go to SSBTEK, and every
person question leaves an audit line with a keyed hash instead of the personnummer."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graph.settings import load_settings
from tests.support import AUDIT_SECRET, CASEWORKER, Simulator, asgi_client, facade_app, facade_env

ALLA = "198503151238"
FEL_AF = "198202201235"
SOAP_FAULT = "196006061235"
INGENTING = "199001011239"
PERIOD = {"from": "2026-01-01", "tom": "2026-06-30"}
PEOPLE_QUERY = """
query($pnr: [Personnummer!]!, $period: PeriodInput!, $arende: String!) {
  personer(personnummer: $pnr, period: $period, arende: $arende) {
    arbetsformedlingen { fel { felkod } fornamn }
    transportstyrelsen { resultat }
  }
}
"""


@pytest.fixture(scope="module")
def app(sim: Simulator) -> Any:
    return facade_app(facade_env(sim.url))


async def ask(app: Any, query: str, **variables: Any) -> dict[str, Any]:
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    return response.json()


def expected_hash(personnummer: str) -> str:
    """The audit hash computed here from its definition, not through the facade's code."""
    return hmac.new(AUDIT_SECRET.encode(), personnummer.encode(), hashlib.sha256).hexdigest()


async def test_the_question_carries_caseworker_case_time_and_correlation(
    app: Any, fresh: Simulator, audit_lines: list
) -> None:
    before = datetime.now(UTC)
    answer = await ask(app, PEOPLE_QUERY, pnr=[ALLA], period=PERIOD, arende="EKB-2026/17")
    assert "errors" not in answer
    [question] = fresh.questions()
    assert question["handlaggare"] == CASEWORKER
    assert question["arendeidentitet"] == "EKB-2026/17"
    asked_at = datetime.fromisoformat(question["frageTidpunkt"])
    assert before - timedelta(seconds=1) <= asked_at <= datetime.now(UTC) + timedelta(seconds=1)
    [line] = audit_lines
    assert line["korrelationsid"] == question["korrelationsid"]
    assert len(question["korrelationsid"]) == 32


async def test_one_audit_line_per_person_question_without_the_number(
    app: Any, fresh: Simulator, audit_lines: list
) -> None:
    answer = await ask(
        app, PEOPLE_QUERY, pnr=[ALLA, FEL_AF, SOAP_FAULT], period=PERIOD, arende="EKB-3"
    )
    assert len(fresh.questions()) == 3
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["UPSTREAM_FAULT"] * 2
    by_person = {line["person"]: line for line in audit_lines}
    assert set(by_person) == {expected_hash(n) for n in (ALLA, FEL_AF, SOAP_FAULT)}
    alla = by_person[expected_hash(ALLA)]
    assert alla == {
        **alla,
        "event": "question",
        "tenant": "162120000010",
        "caseworker": CASEWORKER,
        "arende": "EKB-3",
        "period": {"from": "2026-01-01", "tom": "2026-06-30"},
        "agencies": ["AF", "TNS"],
        "lefi": {},
        "skvYears": [],
        "outcome": "ok",
        "agencyErrors": {},
        "cache": "miss",
    }
    assert alla["upstreamMs"] >= 0 and alla["time"].endswith("Z")
    assert by_person[expected_hash(FEL_AF)]["outcome"] == "agency_errors"
    assert by_person[expected_hash(FEL_AF)]["agencyErrors"] == {"AF": "AF-TEKNISKT-FEL"}
    assert by_person[expected_hash(SOAP_FAULT)]["outcome"] == "UPSTREAM_FAULT"
    written = json.dumps(audit_lines)
    for number in (ALLA, FEL_AF, SOAP_FAULT):
        assert number not in written and number[2:] not in written


async def test_the_audit_names_lefi_groups_and_tax_years(
    app: Any, fresh: Simulator, audit_lines: list
) -> None:
    query = """
    query($pnr: Personnummer!, $period: PeriodInput!) {
      person(personnummer: $pnr, period: $period, arende: "EKB-4") {
        forsakringskassan { barnbidrag { ovrigaFalt { path } } }
        skatteverket(ar: [2024]) { fel { felkod } }
      }
    }
    """
    await ask(app, query, pnr=INGENTING, period=PERIOD)
    [question] = fresh.questions()
    [line] = audit_lines
    assert line["agencies"] == ["FK", "SKV"]
    assert line["skvYears"] == [2024]
    lefi = {
        k: v for k, v in question["lefiQuestion"].items() if k not in ("personnummer", "period")
    }
    assert line["lefi"] == lefi and lefi


@pytest.mark.parametrize(
    "arende",
    [
        "",
        "A" * 32,
        "EKB 1",
        "EKB;1",
        "EKB-1\u0001",
        "<arende>",
        "19850315-1238",  # the person's own number as the case id
        "8503151238",
        "850315+1238",
        "19850315.1238",
        "1985-03-15-1238",
        "850315/1238",
        "EKB:19820220_1235",  # another person's number (the applicant's, say)
        "EKB-1\n",
    ],
)
async def test_an_arende_ssbtek_cannot_take_is_refused_before_any_call(
    app: Any, fresh: Simulator, audit_lines: list, arende: str
) -> None:
    answer = await ask(app, PEOPLE_QUERY, pnr=[ALLA], period=PERIOD, arende=arende)
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["BAD_USER_INPUT"]
    assert fresh.questions() == []
    [line] = audit_lines
    assert line == {**line, "event": "refused", "reason": "BAD_USER_INPUT"}
    assert "person" not in line and "arende" not in line


async def test_the_longest_arende_and_every_allowed_character_pass(
    app: Any, fresh: Simulator
) -> None:
    # A case id of a date and a serial looks like a personnummer but is not the person's.
    allowed = ("A" * 31, "Kö-2026_01.a/b:c", "7", "20260315-0001", "19850315-1239")
    for arende in allowed:
        answer = await ask(app, PEOPLE_QUERY, pnr=[ALLA], period=PERIOD, arende=arende)
        assert "errors" not in answer, arende
    assert [q["arendeidentitet"] for q in fresh.questions()] == list(allowed)


async def test_the_audit_goes_to_a_file_when_configured(sim: Simulator, tmp_path: Path) -> None:
    audit_file = tmp_path / "audit.jsonl"
    app = facade_app(facade_env(sim.url, SSBTEK_AUDIT_FILE=str(audit_file)))
    try:
        await ask(app, PEOPLE_QUERY, pnr=[ALLA, INGENTING], period=PERIOD, arende="EKB-5")
        lines = [json.loads(line) for line in audit_file.read_text().splitlines()]
        assert sorted(line["person"] for line in lines) == sorted(
            expected_hash(n) for n in (ALLA, INGENTING)
        )
    finally:  # back to stdout for the tests that follow
        facade_app(facade_env(sim.url))


def test_an_audit_file_that_cannot_be_opened_stops_start_up(tmp_path: Path) -> None:
    from graph.settings import SettingsError

    missing = tmp_path / "no-such-folder" / "audit.jsonl"
    with pytest.raises(SettingsError, match="SSBTEK_AUDIT_FILE"):
        load_settings(facade_env("https://ssbtek.example/ssbtek", SSBTEK_AUDIT_FILE=str(missing)))


def test_tax_years_are_audited_only_where_the_question_sends_them() -> None:
    from datetime import date

    from resolvers.contract import SsbtVersion
    from resolvers.loader import asked_for
    from resolvers.plan import FetchPlan, Period, QuestionKey

    plan = FetchPlan()
    plan.ask_skv_years(None)
    key = QuestionKey("t", ALLA, Period(date(2026, 1, 1), date(2026, 6, 30)), "A")
    assert asked_for(key, plan, SsbtVersion.V11).skv_years == [2025, 2024]
    assert asked_for(key, plan, SsbtVersion.V10).skv_years == []


async def test_no_answer_without_its_audit_line(sim: Simulator) -> None:
    """An audit destination that cannot be written (a full disk) keeps the answer back."""
    app = facade_app(facade_env(sim.url, SSBTEK_AUDIT_FILE="/dev/full"))
    try:
        answer = await ask(app, PEOPLE_QUERY, pnr=[ALLA], period=PERIOD, arende="EKB-7")
    finally:  # back to stdout for the tests that follow
        facade_app(facade_env(sim.url))
    assert answer["data"]["personer"] == [{"arbetsformedlingen": None, "transportstyrelsen": None}]
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"AUDIT_UNAVAILABLE"}
