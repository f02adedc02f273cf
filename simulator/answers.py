"""Building SSBTEK's answer for a question: one part per included agency, in the question's
namespace, shaped as the contract (and, where noted, as real answers) have it. Each agency's part
is built by its module (`simulator/<name>.py`, see `simulator/agencies.py`)."""

from __future__ import annotations

import base64

from lxml import etree

from simulator.agencies import SIM_AGENCIES
from simulator.parts import AgencyFailure
from simulator.people import SimPerson
from simulator.question import SimQuestion
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

# What the TRASIGT_INNEHALL person gets instead of readable payloads: (element, content).
BROKEN_PAYLOADS = {
    "CSN": ("svar", "this is not base64!"),
    "FK": ("lefiJsonSvar", base64.b64encode(b'{"utlamnare": [').decode()),
    "SKV": ("svar", "<SvarBeskattningsuppgifterEnligtSFS2008-975><PersonuppgiftLista>"),
}


def _error(parent: etree._Element, ns: str, failure: AgencyFailure) -> None:
    error = sub(parent, ns, "error")
    sub(error, ns, "kalla", failure.kalla)
    sub(error, ns, "felkod", failure.felkod)
    sub(error, ns, "felmeddelande", failure.felmeddelande)


def _scenario_failure(agency: str, scenario: Scenario | None) -> AgencyFailure | None:
    if scenario is Scenario.FEL_BT or (scenario is Scenario.FEL_AF and agency == "AF"):
        return AgencyFailure(
            "BT", f"{agency}-TEKNISKT-FEL", f"{agency}: bastjänsten kunde inte svara"
        )
    if scenario is Scenario.FEL_SSBT:
        return AgencyFailure("SSBT", "TIMEOUT", f"Timeout vid anrop mot {agency}")
    return None


def build_answer(q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> etree._Element:
    """The `hamtaBastjanstInformationResponse` element for a question."""
    ns = q.namespace
    response = etree.Element(f"{{{ns}}}hamtaBastjanstInformationResponse", nsmap={"ssbt": ns})
    if q.frage_tidpunkt:
        sub(response, ns, "frageTidpunkt", q.frage_tidpunkt)
    if q.korrelationsid:
        sub(response, ns, "korrelationsid", q.korrelationsid)
    svarsdata = sub(response, ns, "svarsdata")
    for agency in SIM_AGENCIES:
        if agency not in q.included:
            continue
        part = sub(svarsdata, ns, agency)
        failure = _scenario_failure(agency, scenario)
        if failure is None:
            data = sub(part, ns, "data")
            try:
                if scenario is Scenario.TRASIGT_INNEHALL and agency in BROKEN_PAYLOADS:
                    sub(data, ns if agency != "SKV" else None, *BROKEN_PAYLOADS[agency])
                    continue
                SIM_AGENCIES[agency].build(data, q, p, scenario)
            except AgencyFailure as raised:
                part.remove(data)
                failure = raised
        if failure is not None:
            _error(part, ns, failure)
    return response
