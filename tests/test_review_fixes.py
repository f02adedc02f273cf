"""Behaviour found missing in review: conflicting periods, meta fields, variable errors, log and
URL privacy, start-up errors, queue deadlines and the per-operation limit."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date

import httpx
import pytest

from graph.app import create_app
from graph.settings import SettingsError, load_settings
from resolvers.agencies import Agency
from resolvers.audit import AuditSettings, AuditTrail
from resolvers.caller import Caller
from resolvers.client import ClientConfig, SsbtekClient
from resolvers.contract import SOAP_ENV_NS, SsbtVersion
from resolvers.decode import migrationsverket
from resolvers.errors import UpstreamInvalidResponse
from resolvers.loader import Upstream
from resolvers.plan import FetchPlan, Period, QuestionKey
from resolvers.xmlread import parse_xml
from tests.conftest import PERIOD
from tests.servers import Facade, Simulator, facade_env
from tests.test_contract_questions import REQUESTER
from tests.test_personnummer import _number

ALLA = "198503151238"
LANGSAM = "196509091234"
ARGS = 'personnummer: $pnr, period: $period, arende: "A-1"'
HEAD = "query($pnr: Personnummer!, $period: PeriodInput!)"


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


def test_fifty_people_per_operation_whatever_the_aliases(api: Facade, fresh: Simulator) -> None:

    numbers = [_number(date(1980, 1, 1), serial, False) for serial in range(51)]
    fields = " ".join(
        f'p{i}: person(personnummer: "{n}", period: $period, arende: "A") {{ personnummer }}'
        for i, n in enumerate(numbers)
    )
    answer = api.query(f"query($period: PeriodInput!) {{ {fields} }}", {"period": PERIOD})
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"BAD_USER_INPUT"}
    assert fresh.questions() == []


def test_queries_by_get_are_refused_and_urls_never_logged(
    api: Facade, caplog: pytest.LogCaptureFixture
) -> None:
    query = (
        f'{{ person(personnummer: "{ALLA}", period: {{from: "2026-01-01", tom: "2026-01-31"}}, '
        'arende: "A") { personnummer } }'
    )
    with caplog.at_level(logging.INFO):
        response = httpx.get(f"{api.base}/graphql", params={"query": query})
        time.sleep(0.1)
    assert response.status_code == 400 and '"data"' not in response.text
    access = [r.getMessage() for r in caplog.records if r.name == "ssbtek_graphql.access"]
    assert any(line.startswith("GET /graphql ") for line in access)
    # (the test's own httpx client logs the URL it was given; the servers must not)
    assert not any(ALLA in r.getMessage() for r in caplog.records if r.name != "httpx")


def test_error_logs_carry_the_callers_code(api: Facade, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        api.query(f"{HEAD} {{ person({ARGS}) {{ personnummer }} }}",
                  {"pnr": "198503151239", "period": PERIOD})  # fmt: skip
        api.query("{ nothing }")
        time.sleep(0.1)
    lines = [r.getMessage() for r in caplog.records if r.name == "ssbtek_graphql.errors"]
    assert any("code=BAD_USER_INPUT" in line for line in lines)
    assert any("code=GRAPHQL_VALIDATION_FAILED" in line for line in lines)
    assert not any("198503151239" in line for line in lines)


def test_a_wsdl_that_cannot_be_loaded_names_the_setting() -> None:
    env = facade_env("http://127.0.0.1:9/ssbtek", SSBTEK_WSDL="http://127.0.0.1:9/ssbtek?wsdl")
    with pytest.raises(SettingsError, match="SSBTEK_WSDL"):
        create_app(load_settings(env))


def test_an_unreadable_certificate_names_the_settings(tmp_path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate")
    with pytest.raises(SettingsError, match="SSBTEK_CERT_FILE"):
        load_settings(facade_env("https://ssbtek.example/ssbtek", SSBTEK_CERT_FILE=str(cert)))


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


def test_an_unknown_giltighetstid_is_passed_on() -> None:
    svar = migrationsverket.decode(
        parse_xml(
            "<data><response><correlationid>c</correlationid><svarCollection><svar>"
            "<giltighetstid>OKAND</giltighetstid></svar></svarCollection></response></data>",
            "t",
        )
    )
    assert svar.svar[0].giltighetstid == "OKAND"


def test_simulator_refuses_unknown_wsdl_versions(sim: Simulator) -> None:
    assert httpx.get(sim.url, params={"wsdl": "", "version": "12"}).status_code == 400


def test_no_personnummer_reaches_the_logs_on_error_paths(
    api: Facade, caplog: pytest.LogCaptureFixture
) -> None:
    fault, broken = "196006061235", "197909091238"
    with caplog.at_level(logging.DEBUG):
        api.query(
            "query($period: PeriodInput!) { "
            f'p{fault}: person(personnummer: "{fault}", period: $period, arende: "A") '
            "{ csn { fel { felkod } } } "
            f'p{broken}: person(personnummer: "{broken}", period: $period, arende: "A") '
            "{ csn { fel { felkod } } skatteverket { fel { felkod } } } }",
            {"period": PERIOD},
        )
        api.query(
            f"{HEAD} {{ person({ARGS}) {{ personnummer }} }}",
            {"pnr": ALLA, "period": {"from": "19850315 1238", "tom": "2026-01-01"}},
        )
        time.sleep(0.1)
    for record in caplog.records:
        if record.name == "httpx":
            continue  # the test's own client
        text = record.getMessage() + str(record.exc_info or "")
        for number in (fault, broken, ALLA, "19850315 1238"):
            assert number not in text, (record.name, text)


def test_skatteverket_text_declaring_another_encoding_reads_right() -> None:
    from resolvers.decode import skatteverket

    document = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<SvarBeskattningsuppgifterEnligtSFS2008-975 xmlns="urn:s" xmlns:f="urn:f">'
        "<PersonuppgiftLista><Personuppgift><f:Fornamn>Åsa</f:Fornamn>"
        "<f:Efternamn>Öström</f:Efternamn></Personuppgift></PersonuppgiftLista>"
        "</SvarBeskattningsuppgifterEnligtSFS2008-975>"
    )
    data = parse_xml("<data><svar/></data>", "t")
    data[0].text = document
    [person] = skatteverket.decode(data).personuppgifter
    assert (person.fornamn, person.efternamn) == ("Åsa", "Öström")


def test_arende_with_control_characters_is_bad_user_input(api: Facade, fresh: Simulator) -> None:
    answer = api.query(
        f'{HEAD} {{ person(personnummer: $pnr, period: $period, arende: "A-\\u0001-1") '
        "{ transportstyrelsen { resultat } } }",
        {"pnr": ALLA, "period": PERIOD},
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fresh.questions() == []


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


def test_an_unknown_kalla_is_kept_as_unknown() -> None:
    from resolvers.decode.answer import Kalla, decode_error

    error = parse_xml(
        "<error><kalla>NY</kalla><felkod>1</felkod><felmeddelande>m</felmeddelande></error>", "t"
    )
    assert decode_error(error).kalla is Kalla.OKAND
