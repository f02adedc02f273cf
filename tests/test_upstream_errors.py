"""Agency errors stay with their agency; whole-call failures become coded GraphQL errors."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator

import httpx
import pytest

from resolvers.agencies import Agency
from resolvers.audit import AuditSettings, AuditTrail
from resolvers.caller import Caller
from resolvers.client import ClientConfig, SsbtekClient
from resolvers.contract import SOAP_ENV_NS, SsbtVersion
from resolvers.errors import UpstreamInvalidResponse
from resolvers.loader import Upstream
from resolvers.plan import FetchPlan, Period, QuestionKey
from simulator.app import SimulatorConfig
from simulator.latency import DEFAULT_AGENCY_LATENCY, LatencyModel
from tests.support import (
    PERIOD,
    REQUESTER,
    Facade,
    Simulator,
    facade,
    facade_env,
    free_port,
    simulator,
)

ALLA = "198503151238"
FEL_BT = "197505051230"
FEL_SSBT = "197505061239"
FEL_AF = "198202201235"
SOAP_FAULT = "196006061235"
LANGSAM = "196509091234"
OTILLGANGLIG = "197003031239"
TRASIG = "197210101239"

QUERY = """
query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "A-1") {
    personnummer
    arbetsformedlingen { fel { kalla felkod felmeddelanden } fornamn }
    akassorna { fel { kalla felkod } arbetsloshetsersattningar { svarandeOrganisation } }
    transportstyrelsen { fel { kalla felkod } resultat }
  }
}
"""

NUMBER_IN_TEXT = re.compile(r"\d{6}[-+]?\d{4}")


def ask(api: Facade, number: str) -> dict:
    return api.query(QUERY, {"pnr": number, "period": PERIOD})


def assert_no_personnummer_in_errors(answer: dict) -> None:
    for error in answer.get("errors", []):
        assert not NUMBER_IN_TEXT.search(json.dumps(error)), error


def test_an_agency_error_leaves_the_other_agencies_alone(api: Facade) -> None:
    answer = ask(api, FEL_AF)
    assert "errors" not in answer
    person = answer["data"]["person"]
    assert person["arbetsformedlingen"]["fel"] == {
        "kalla": "BT",
        "felkod": "AF-TEKNISKT-FEL",
        "felmeddelanden": ["AF: bastjänsten kunde inte svara"],
    }
    assert person["arbetsformedlingen"]["fornamn"] is None
    assert person["akassorna"]["fel"] is None
    assert person["transportstyrelsen"] == {"fel": None, "resultat": "OK"}


@pytest.mark.parametrize(("number", "kalla"), [(FEL_BT, "BT"), (FEL_SSBT, "SSBT")])
def test_both_kinds_of_agency_error_reach_fel(api: Facade, number: str, kalla: str) -> None:
    person = ask(api, number)["data"]["person"]
    for agency in ("arbetsformedlingen", "akassorna", "transportstyrelsen"):
        assert person[agency]["fel"]["kalla"] == kalla


def test_soap_fault_is_upstream_fault_with_felkod(api: Facade) -> None:
    answer = ask(api, SOAP_FAULT)
    assert answer["data"]["person"]["personnummer"] == SOAP_FAULT
    assert answer["data"]["person"]["arbetsformedlingen"] is None
    codes = {(e["extensions"]["code"], e["extensions"].get("felkod")) for e in answer["errors"]}
    assert codes == {("UPSTREAM_FAULT", "SSBT-TEKNISKT-FEL")}
    assert {tuple(e["path"]) for e in answer["errors"]} == {
        ("person", "arbetsformedlingen"),
        ("person", "akassorna"),
        ("person", "transportstyrelsen"),
    }
    assert_no_personnummer_in_errors(answer)


def test_http_503_without_fault_is_upstream_unavailable(api: Facade) -> None:
    answer = ask(api, OTILLGANGLIG)
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"UPSTREAM_UNAVAILABLE"}
    assert_no_personnummer_in_errors(answer)


def test_unreadable_answer_is_upstream_invalid_response(api: Facade) -> None:
    answer = ask(api, TRASIG)
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"UPSTREAM_INVALID_RESPONSE"}


@pytest.fixture(scope="module")
def impatient() -> Iterator[Facade]:
    """A facade with a one-second timeout in front of a simulator whose slow person takes 3 s."""
    with (
        simulator(SimulatorConfig(slow_seconds=3)) as slow_sim,
        facade(facade_env(slow_sim.url, SSBTEK_TIMEOUT_S="1", SSBTEK_CONNECT_TIMEOUT_S="1")) as api,
    ):
        yield api


def test_slow_ssbtek_is_upstream_timeout(impatient: Facade) -> None:
    answer = ask(impatient, LANGSAM)
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"UPSTREAM_TIMEOUT"}
    assert_no_personnummer_in_errors(answer)


def test_refused_connection_is_upstream_unavailable() -> None:
    closed = f"http://127.0.0.1:{free_port()}/ssbtek"
    with facade(facade_env(closed)) as api:
        answer = ask(api, ALLA)
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"UPSTREAM_UNAVAILABLE"}
    assert_no_personnummer_in_errors(answer)


def test_one_failing_person_does_not_fail_the_household(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        "query($pnr: [Personnummer!]!, $period: PeriodInput!) { "
        'personer(personnummer: $pnr, period: $period, arende: "A-1") '
        "{ personnummer transportstyrelsen { resultat } } }",
        {"pnr": [ALLA, SOAP_FAULT, FEL_AF], "period": PERIOD},
    )
    people = answer["data"]["personer"]
    assert [p["transportstyrelsen"] for p in people] == [
        {"resultat": "OK"},
        None,
        {"resultat": "OK"},
    ]
    [error] = answer["errors"]
    assert error["path"] == ["personer", 1, "transportstyrelsen"]
    assert error["extensions"]["code"] == "UPSTREAM_FAULT"
    assert len(fresh.questions()) == 3


def test_errors_come_in_path_order_whatever_order_the_people_failed_in() -> None:
    """`a`'s question takes longer than `b`'s people's (Transportstyrelsen is slow here), so
    its error comes last; the answer lists errors by path all the same, each time alike."""
    latency = LatencyModel(
        enabled=True,
        overhead_s=0.0,
        agencies={**DEFAULT_AGENCY_LATENCY, "TNS": (0.3, 0.0), "AF": (0.0, 0.0)},
    )
    query = """query($period: PeriodInput!, $people: [Personnummer!]!, $slow: Personnummer!) {
      b: personer(personnummer: $people, period: $period, arende: "A-1") {
        arbetsformedlingen { fornamn } }
      a: person(personnummer: $slow, period: $period, arende: "A-1") {
        transportstyrelsen { resultat } } }"""
    variables = {"period": PERIOD, "people": [TRASIG, OTILLGANGLIG], "slow": SOAP_FAULT}
    with simulator(SimulatorConfig(latency=latency)) as sim, facade(facade_env(sim.url)) as api:
        first, again = (api.query(query, variables)["errors"] for _ in range(2))
    assert [(error["path"], error["extensions"]["code"]) for error in first] == [
        (["a", "transportstyrelsen"], "UPSTREAM_FAULT"),
        (["b", 0, "arbetsformedlingen"], "UPSTREAM_INVALID_RESPONSE"),
        (["b", 1, "arbetsformedlingen"], "UPSTREAM_UNAVAILABLE"),
    ]
    assert again == first


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("19850315123", "10 or 12 digits"),
        ("198503151239", "check digit"),
        ("198513151238", "not a real date"),
        ("abc", "10 or 12 digits"),
    ],
)
def test_invalid_personnummer_is_bad_user_input(
    api: Facade, fresh: Simulator, given: str, why: str
) -> None:
    answer = ask(api, given)
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert why in error["message"]
    assert given not in json.dumps(answer)
    assert fresh.questions() == []


def test_invalid_personnummer_literal_fails_validation_at_its_place_without_echo(
    api: Facade,
) -> None:
    answer = api.query(
        '{ person(personnummer: "198503151239", period: {from: "2026-01-01", tom: "2026-01-31"},'
        ' arende: "A-1") { personnummer } }'
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["locations"] == [{"line": 1, "column": 24}]
    assert "198503151239" not in json.dumps(answer)


def test_period_backwards_and_empty_arende_are_bad_user_input(
    api: Facade, fresh: Simulator
) -> None:
    backwards = api.query(
        QUERY, {"pnr": ALLA, "period": {"from": "2026-02-01", "tom": "2026-01-01"}}
    )
    assert backwards["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    empty = api.query(
        '{ person(personnummer: "198503151238", period: {from: "2026-01-01", tom: "2026-01-31"},'
        ' arende: " ") { transportstyrelsen { resultat } } }'
    )
    assert empty["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []


def test_personnummer_forms_normalise_to_twelve_digits(api: Facade) -> None:
    for given in ("198503151238", "19850315-1238", "850315-1238", "8503151238"):
        answer = api.query(
            "query($pnr: Personnummer!) { person(personnummer: $pnr, "
            'period: {from: "2026-01-01", tom: "2026-01-31"}, arende: "A") { personnummer } }',
            {"pnr": given},
        )
        assert answer["data"]["person"]["personnummer"] == ALLA


def test_an_answer_without_svarsdata_is_an_invalid_response() -> None:
    body = (
        f'<e:Envelope xmlns:e="{SOAP_ENV_NS}"><e:Body><s:hamtaBastjanstInformationResponse '
        f'xmlns:s="{SsbtVersion.V11.namespace}"/></e:Body></e:Envelope>'
    ).encode()
    client = SsbtekClient(
        ClientConfig(url="http://ssbtek.test/ssbtek"),
        transport=httpx.MockTransport(lambda _request: httpx.Response(200, content=body)),
    )
    plan = FetchPlan()
    plan.include(Agency.TNS)
    key = QuestionKey(
        "t", ALLA, Period(*(__import__("datetime").date(2026, 1, d) for d in (1, 2))), "A"
    )

    async def fetch() -> None:
        try:
            await Upstream(client, REQUESTER, AuditTrail(AuditSettings(b"k" * 32))).fetch(
                key, plan, Caller("t", "h")
            )
        finally:
            await client.aclose()

    with pytest.raises(UpstreamInvalidResponse):
        asyncio.run(fetch())


def test_a_compressed_answer_is_read_once() -> None:
    """httpx asks for gzip; the size-capped reading must not decode the body twice."""
    import gzip

    from simulator.app import create_app as create_simulator

    sim_app = create_simulator()
    inner = httpx.ASGITransport(app=sim_app)

    class Gzipping(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await inner.handle_async_request(request)
            body = gzip.compress(await response.aread())
            headers = {**dict(response.headers), "content-encoding": "gzip"}
            headers.pop("content-length", None)
            return httpx.Response(response.status_code, headers=headers, content=body)

    from graph.app import create_app
    from graph.settings import load_settings

    app = create_app(load_settings(facade_env("http://ssbtek.test/ssbtek")), transport=Gzipping())
    answer = Facade(app).query(QUERY, {"pnr": ALLA, "period": PERIOD})
    assert "errors" not in answer, answer["errors"]
    assert answer["data"]["person"]["transportstyrelsen"]["resultat"] == "OK"
