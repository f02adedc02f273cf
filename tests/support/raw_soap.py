"""SSBTEK questions written by hand, as raw SOAP, for tests that talk to the simulator without
the facade (`Simulator.call`), and the parts of its raw answers."""

from __future__ import annotations

import base64
import json

from lxml import etree

from resolvers.contract import CONTRACT_AGENCIES, SOAP_ENV_NS, SsbtVersion
from resolvers.decode.lefi import lefi_model

# Every LEFI information class with every code the model allows in it.
_ENUMS = lefi_model()["enums"]
EVERY_LEFI_CODE: dict[str, list[str]] = {
    "formansinformation": _ENUMS["LefiFkFormanGruppKod"],
    "ansprak": _ENUMS["LefiPmFormanGruppKod"],
    "beslut": _ENUMS["LefiPmFormanGruppKod"],
    "preliminaraUtbetalningar": _ENUMS["LefiExternFormanGruppKod"],
    "utbetalningar": _ENUMS["LefiExternFormanGruppKod"],
    "ovrigInformation": _ENUMS["LefiExternOvrigInformationTypKod"],
}


def envelope(body: str) -> bytes:
    """A SOAP 1.1 envelope around a body element written as text."""
    return (
        f'<soap:Envelope xmlns:soap="{SOAP_ENV_NS}"><soap:Body>{body}</soap:Body></soap:Envelope>'
    ).encode()


def hamta_question(
    namespace: str,
    personnummer: str,
    period: dict[str, str],
    specific: str,
    arende: str = "A-1",
) -> str:
    """A `hamtaBastjanstInformation` element (prefix `s`) with `specific` as its
    `specifikaFrageparametrar`."""
    return f"""
    <s:hamtaBastjanstInformation xmlns:s="{namespace}">
      <s:generellaFrageparametrar>
        <s:fraganSkallInkluderasISvaret>false</s:fraganSkallInkluderasISvaret>
        <s:ingivare><s:organisationsnummer>162120000010</s:organisationsnummer>
          <s:namn>Testkommunen</s:namn><s:handlaggare>hl</s:handlaggare></s:ingivare>
        <s:personidentitet>{personnummer}</s:personidentitet>
        <s:arendeidentitet>{arende}</s:arendeidentitet>
        <s:tidsperiod><s:fromDatum>{period["from"]}</s:fromDatum>
          <s:tomDatum>{period["tom"]}</s:tomDatum></s:tidsperiod>
        <s:syfte>Bistånd</s:syfte><s:lagtext>SoL</s:lagtext>
      </s:generellaFrageparametrar>
      <s:specifikaFrageparametrar>{specific}</s:specifikaFrageparametrar>
    </s:hamtaBastjanstInformation>"""


def everything(
    version: SsbtVersion, personnummer: str, period: dict[str, str], aktorsid: str = "test-aktor"
) -> str:
    """`specifikaFrageparametrar` that include every agency: LEFI asked for every group and
    type of every information class in the period, and (ssbt/11) SKV for two years and every
    part."""
    lefi = {"personnummer": personnummer, "period": period, **EVERY_LEFI_CODE}
    lefi_base64 = base64.b64encode(json.dumps(lefi).encode()).decode()
    year = int(period["tom"][:4])
    skv = (
        f"<s:fraga><s:ar>{year - 1}</s:ar><s:ar>{year - 2}</s:ar>"
        "<s:foretagsinformation>true</s:foretagsinformation>"
        "<s:individuppgifter>true</s:individuppgifter><s:skattekonto>true</s:skattekonto>"
        "<s:skatteuppgifter>true</s:skatteuppgifter>"
        "<s:beskattningsbilagor>true</s:beskattningsbilagor></s:fraga>"
        if version is SsbtVersion.V11
        else ""
    )
    content = {
        "FK": f"<s:fraga><s:version>v9</s:version><s:aktorsid>{aktorsid}</s:aktorsid>"
        f"<s:lefiJsonFraga>{lefi_base64}</s:lefiJsonFraga></s:fraga>",
        "SKV": skv,
    }
    return "".join(
        f'<s:{row.element} inkludera="true">{content.get(row.element, "")}</s:{row.element}>'
        for row in CONTRACT_AGENCIES
    )


def answer_element(content: bytes) -> etree._Element:
    """The element inside the SOAP `Body` of a raw answer."""
    body = etree.fromstring(content).find(f"{{{SOAP_ENV_NS}}}Body")
    assert body is not None, "the answer has no SOAP Body"
    return next(e for e in body if isinstance(e.tag, str))


def payload(answer: etree._Element, agency: str, element: str) -> bytes | None:
    """The decoded base64 payload `svarsdata/<agency>/data/<element>` of an answer, or None
    when the agency did not answer with data."""
    found = answer.find(f"{{*}}svarsdata/{{*}}{agency}/{{*}}data/{{*}}{element}")
    return None if found is None else base64.b64decode(found.text or "", validate=True)
