"""Every question the client sends validates against the project's own XSDs."""

from __future__ import annotations

import asyncio
import base64
import copy
import json
from datetime import date

import httpx
import pytest
from lxml import etree

from resolvers.agencies import Agency
from resolvers.client import ClientConfig, SsbtekClient
from resolvers.contract import CONTRACT_DIR, SOAP_ENV_NS, SsbtVersion, ssbt_schema
from resolvers.personnummer import normalise
from resolvers.plan import FetchPlan, Period, QuestionKey
from resolvers.question import build_question
from simulator.scenarios import SCENARIO_PEOPLE
from tests.support import REQUESTER

KEY = QuestionKey("t", "198503151238", Period(date(2026, 1, 1), date(2026, 6, 30)), "A-1")


def _plans() -> list[FetchPlan]:
    everything = FetchPlan()
    for agency in Agency:
        own = Period(date(2025, 7, 1), date(2025, 12, 31))
        everything.include(agency, own if agency.accepts_own_period else None)
    everything.ask_lefi("utbetalningar", {"FK:SJP", "PM:AP"})
    only_af = FetchPlan()
    only_af.include(Agency.AF)
    skv_years = FetchPlan()
    skv_years.ask_skv_years(frozenset({2023}))
    return [everything, only_af, skv_years, FetchPlan()]


def _sent_question(version: SsbtVersion, plan: FetchPlan) -> etree._Element:
    sent: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        body = (
            f'<e:Envelope xmlns:e="{SOAP_ENV_NS}"><e:Body><s:hamtaBastjanstInformationResponse '
            f'xmlns:s="{version.namespace}"><s:svarsdata/></s:hamtaBastjanstInformationResponse>'
            "</e:Body></e:Envelope>"
        )
        return httpx.Response(200, content=body.encode())

    client = SsbtekClient(
        ClientConfig(url="http://ssbtek.test/ssbtek", version=version),
        transport=httpx.MockTransport(answer),
    )

    async def call() -> None:
        await client.hamta(build_question(KEY, plan, REQUESTER, "handläggare", version))
        await client.aclose()

    asyncio.run(call())
    envelope = etree.fromstring(sent[0])
    return envelope.find(f"{{{SOAP_ENV_NS}}}Body")[0]


@pytest.mark.parametrize("version", list(SsbtVersion))
@pytest.mark.parametrize("plan_index", range(4))
def test_client_questions_validate(version: SsbtVersion, plan_index: int) -> None:
    plan = _plans()[plan_index]
    question = _sent_question(version, plan)
    schema = ssbt_schema(version)
    assert schema.validate(copy.deepcopy(question)), schema.error_log
    ns = {"s": version.namespace}
    included = [
        etree.QName(e).localname
        for e in question.find("s:specifikaFrageparametrar", ns)
        if e.get("inkludera") == "true"
    ]
    assert included == [a.value for a in Agency if a in plan.agencies]


def test_the_fk_fraga_carries_the_lefi_question_in_base64() -> None:
    question = _sent_question(SsbtVersion.V11, _plans()[0])
    ns = {"s": SsbtVersion.V11.namespace}
    fraga = question.find("s:specifikaFrageparametrar/s:FK/s:fraga", ns)
    assert fraga.findtext("s:version", namespaces=ns) == "v9"
    assert fraga.findtext("s:aktorsid", namespaces=ns) == "aktor-1"
    lefi = json.loads(base64.b64decode(fraga.findtext("s:lefiJsonFraga", namespaces=ns)))
    assert lefi == {
        "personnummer": "198503151238",
        "period": {"from": "2026-01-01", "tom": "2026-06-30"},
        "utbetalningar": ["FK:SJP", "PM:AP"],
    }


def test_skv_years_from_the_plan_replace_the_default() -> None:
    question = _sent_question(SsbtVersion.V11, _plans()[2])
    ns = {"s": SsbtVersion.V11.namespace}
    years = question.findall("s:specifikaFrageparametrar/s:SKV/s:fraga/s:ar", ns)
    assert [y.text for y in years] == ["2023"]


def test_contract_files_are_all_loadable() -> None:
    for path in CONTRACT_DIR.rglob("*.xsd"):
        etree.XMLSchema(etree.parse(str(path)))


def test_scenario_people_have_valid_numbers() -> None:
    for number in SCENARIO_PEOPLE:
        assert normalise(number) == number
