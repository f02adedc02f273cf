"""Both contract generations work end to end; the simulator behaves as SSBTEK's test
environment does about namespaces and the Skatteverket fraga."""

from __future__ import annotations

from lxml import etree

from resolvers.contract import CONTRACT_AGENCIES, SOAP_ENV_NS, SsbtVersion
from simulator.app import SimulatorConfig
from tests.support import PERIOD, Facade, Simulator, facade, facade_env, served_simulator, simulator
from tests.support.raw_soap import envelope, hamta_question

ALLA = "198503151238"
QUERY = """
query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "A-1") {
    arbetsformedlingen { fornamn arbetssokandeInfo { arbetssokandeRegistrerad } }
    migrationsverket { svar { ansokningsdatum giltighetstid } }
    skatteverket { fel { felkod } }
  }
}
"""


def test_ssbt10_and_ssbt11_both_answer(api: Facade, api_v10: Facade, fresh: Simulator) -> None:
    v11 = api.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    v10 = api_v10.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    assert "errors" not in v11 and "errors" not in v10
    assert v11["data"] == v10["data"]
    # Dates with offsets (2016-11-18+01:00) in the answer arrive as plain dates.
    assert v11["data"]["person"]["migrationsverket"]["svar"][0]["ansokningsdatum"]
    first, second = fresh.questions()
    assert first["namespace"] == SsbtVersion.V11.namespace
    assert second["namespace"] == SsbtVersion.V10.namespace


def test_skv_fraga_is_sent_with_ssbt11_only(api: Facade, api_v10: Facade, fresh: Simulator) -> None:
    api.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    api_v10.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    v11, v10 = fresh.questions()
    assert v11["skvFraga"] == {
        "ar": [2025, 2024],
        "foretagsinformation": True,
        "individuppgifter": True,
        "skattekonto": True,
        "skatteuppgifter": True,
        "beskattningsbilagor": True,
    }
    assert v10["skvFraga"] is None


def test_a_simulator_that_rejects_ssbt10_faults_it() -> None:
    with (
        simulator(SimulatorConfig(reject_v10=True)) as strict,
        facade(facade_env(strict.url, SSBTEK_VERSION="10")) as api_v10,
        facade(facade_env(strict.url)) as api_v11,
    ):
        rejected = api_v10.query(QUERY, {"pnr": ALLA, "period": PERIOD})
        accepted = api_v11.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    assert {e["extensions"]["code"] for e in rejected["errors"]} == {"UPSTREAM_FAULT"}
    assert "errors" not in accepted


def _question(namespace: str, specific: str, arende: str = "A-1") -> str:
    return hamta_question(namespace, ALLA, PERIOD, specific, arende)


def _only(included: str) -> str:
    agencies = [row.element for row in CONTRACT_AGENCIES]
    return "".join(f'<s:{a} inkludera="{"true" if a == included else "false"}"/>' for a in agencies)


def _post(sim: Simulator, body: str) -> tuple[int, etree._Element]:
    response = sim.call("POST", content=envelope(body), headers={"content-type": "text/xml"})
    return response.status_code, etree.fromstring(response.content)


def test_ssbt11_with_skv_but_no_fraga_is_faulted(fresh: Simulator) -> None:
    status, envelope = _post(fresh, _question(SsbtVersion.V11.namespace, _only("SKV")))
    assert status == 500
    assert envelope.findtext(f".//{{{SOAP_ENV_NS}}}Fault/faultstring") == "Internal error"
    assert fresh.requests()[-1]["rejected"] == "skv-without-fraga"


def test_invalid_question_gets_a_fault_with_detail(fresh: Simulator) -> None:
    invalid = _question(SsbtVersion.V11.namespace, _only("AF")).replace(ALLA, "12345")
    status, envelope = _post(fresh, invalid)
    assert status == 500
    ns = {"s": SsbtVersion.V11.namespace}
    detail = envelope.find(".//detail/s:hamtaBastjanstInformationFault", ns)
    assert detail is not None
    assert detail.findtext("s:felkod", namespaces=ns) == "VALIDERINGSFEL"
    messages = [m.text for m in detail.findall("s:felmeddelande", ns)]
    assert any("personidentitet" in m for m in messages)
    assert not any("12345" in m for m in messages)  # the question's values are not echoed


def test_only_included_agencies_answer_and_csn_rejects_long_arende(fresh: Simulator) -> None:
    namespace = SsbtVersion.V10.namespace
    ns = {"s": namespace}
    _, short = _post(fresh, _question(namespace, _only("CSN"), arende="A" * 31))
    _, long = _post(fresh, _question(namespace, _only("CSN"), arende="A" * 32))
    svarsdata = short.find(".//s:svarsdata", ns)
    assert [etree.QName(e).localname for e in svarsdata] == ["CSN"]
    assert svarsdata.find("s:CSN/s:data/s:svar", ns) is not None
    assert long.findtext(".//s:CSN/s:error/s:felkod", namespaces=ns) == "-1005"
    assert long.findtext(".//s:CSN/s:error/s:kalla", namespaces=ns) == "BT"


def test_facade_can_load_the_wsdl_from_the_simulator() -> None:
    """The WSDL (and the schemas it imports) fetched over real HTTP at start-up."""
    with served_simulator() as served:
        env = facade_env(served.url, SSBTEK_WSDL=f"{served.url}?wsdl")
        with facade(env) as api:
            answer = api.query(QUERY, {"pnr": ALLA, "period": PERIOD})
    assert "errors" not in answer
    assert answer["data"]["person"]["arbetsformedlingen"]["fornamn"] == "Tolvan"


def test_tjanstestatus_probes_without_personal_data(api: Facade, fresh: Simulator) -> None:
    answer = api.query("{ tjanstestatus { myndighet anropad fel { felkod } } }")
    assert "errors" not in answer
    assert answer["data"]["tjanstestatus"] == [
        {"myndighet": agency, "anropad": True, "fel": None}
        for agency in ("AF", "CSN", "FK", "SKV", "SO")
    ]
    [probe] = fresh.requests()
    assert probe["operation"] == "testaBastjanstInformation"
    assert "rejected" not in probe  # valid against the XSD, whose probe question is empty


def test_simulator_refuses_unknown_wsdl_versions(sim: Simulator) -> None:
    assert sim.call("GET", params={"wsdl": "", "version": "12"}).status_code == 400
