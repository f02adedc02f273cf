"""The envelope the client writes itself (`resolvers/envelope.py`) is, byte for byte, the one
zeep writes from the same question, for questions of every shape in both contract generations;
and it is what the client sends (that it validates against the XSDs:
`tests/test_contract_questions.py`)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import httpx
import pytest
import zeep
from zeep.settings import Settings
from zeep.wsdl.utils import etree_to_string

from resolvers.agencies import Agency
from resolvers.client import ClientConfig, SsbtekClient
from resolvers.contract import SOAP_ENV_NS, SsbtVersion
from resolvers.envelope import envelope
from resolvers.plan import FetchPlan, Period, QuestionKey
from resolvers.question import Bitrade, Requester, build_question
from tests.support import REQUESTER

PERIOD = Period(date(2026, 1, 1), date(2026, 6, 30))
OWN = Period(date(2025, 7, 1), date(2025, 12, 31))


def _plans(version: SsbtVersion) -> list[FetchPlan]:
    plans = []
    for agencies in (list(Agency), [Agency.AF], [Agency.FK, Agency.TNS], [Agency.SKV], []):
        for own_period in (False, True):
            plan = FetchPlan()
            for agency in agencies:
                if agency is Agency.SKV and version is SsbtVersion.V10:
                    continue
                own = OWN if own_period and agency.accepts_own_period else None
                plan.include(agency, own)
            if Agency.FK in agencies:
                plan.ask_lefi("utbetalningar", {"FK:SJP", "PM:AP"})
                plan.ask_lefi("formansinformation", {"FK:BTI"})
            if Agency.SKV in agencies and own_period and version is SsbtVersion.V11:
                plan.ask_skv_years(frozenset({2023, 2022}))
            plans.append(plan)
    return plans


REQUESTERS = [
    REQUESTER,
    Requester("162120000010", "Kommun & <Co>", "aktör 1", 'Syfte "x"', "SoL", ()),
    Requester("1", "N", "a", "s", "l", (Bitrade("2", "Ett AB"),), lefi_version="v9"),
]
MOMENTS = [
    None,
    datetime(2026, 12, 7, 7, 0, 0, 123456, tzinfo=UTC),
    datetime(2026, 12, 7, 7, 0, tzinfo=timezone(timedelta(hours=1))),
]


@pytest.mark.parametrize("version", list(SsbtVersion))
def test_the_envelope_is_the_one_zeep_writes(version: SsbtVersion) -> None:
    client = zeep.Client(str(version.wsdl_path), settings=Settings(strict=False))
    service = client.create_service(
        f"{{{version.namespace}}}BastjanstInformationInterfaceSoapBinding", "http://x/ssbtek"
    )
    element = f"{{{version.namespace}}}hamtaBastjanstInformation"
    compared = 0
    for plan, requester, moment, korrelationsid in itertools.product(
        _plans(version), REQUESTERS, MOMENTS, (None, "a" * 32)
    ):
        key = QuestionKey("t", "198503151238", PERIOD, "A-1/ä")
        question = build_question(
            key,
            plan,
            requester,
            "anna.handlaggare",
            version,
            asked_at=moment,
            korrelationsid=korrelationsid,
        )
        zeeps = client.create_message(service, "hamtaBastjanstInformation", **question)
        assert envelope(element, question) == etree_to_string(zeeps)
        compared += 1
    probe = client.create_message(service, "testaBastjanstInformation")
    assert envelope(f"{{{version.namespace}}}testaBastjanstInformation", {}) == etree_to_string(
        probe
    )
    assert compared > 100


@pytest.mark.parametrize("version", list(SsbtVersion))
def test_the_client_sends_that_envelope_with_zeeps_headers(version: SsbtVersion) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = (
            f'<e:Envelope xmlns:e="{SOAP_ENV_NS}"><e:Body><s:testaBastjanstInformationResponse '
            f'xmlns:s="{version.namespace}"/></e:Body></e:Envelope>'
        )
        return httpx.Response(200, content=body.encode())

    client = SsbtekClient(
        ClientConfig(url="http://ssbtek.test/ssbtek", version=version),
        transport=httpx.MockTransport(answer),
    )

    async def call() -> None:
        await client.testa()
        await client.aclose()

    asyncio.run(call())
    [request] = sent
    assert request.url == "http://ssbtek.test/ssbtek"
    assert request.headers["SOAPAction"] == '""'
    assert request.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert request.content == envelope(f"{{{version.namespace}}}testaBastjanstInformation", {})
