"""Reading a SOAP 1.1 envelope from SSBTEK: the body's answer element, or the fault it carries."""

from __future__ import annotations

from lxml import etree

from resolvers.contract import SOAP_ENV_NS
from resolvers.errors import UpstreamFault, UpstreamInvalidResponse
from resolvers.privacy import redact
from resolvers.xmlread import PayloadError, child, children, elements, parse_xml, text

MAX_FAULT_TEXT = 300


def body_element(content: bytes) -> etree._Element:
    """The first element of the SOAP body; raises UpstreamFault for a fault and
    UpstreamInvalidResponse for anything that is not a SOAP envelope."""
    try:
        envelope = parse_xml(content, "the SSBTEK answer")
    except PayloadError as exc:
        raise UpstreamInvalidResponse(str(exc)) from None
    if envelope.tag != f"{{{SOAP_ENV_NS}}}Envelope":
        raise UpstreamInvalidResponse("the SSBTEK answer is not a SOAP 1.1 envelope")
    body = envelope.find(f"{{{SOAP_ENV_NS}}}Body")
    first = next(elements(body), None)
    if first is None:
        raise UpstreamInvalidResponse("the SSBTEK answer has an empty SOAP body")
    if first.tag == f"{{{SOAP_ENV_NS}}}Fault":
        raise fault_error(first)
    return first


def fault_error(fault: etree._Element) -> UpstreamFault:
    """An UpstreamFault carrying the `felkod` of the fault detail, or the SOAP faultcode."""
    detail = child(fault, "detail")
    service_fault = next(elements(detail), None)
    felkod = text(service_fault, "felkod") if service_fault is not None else None
    messages = [m.text or "" for m in children(service_fault, "felmeddelande")]
    faultcode = (text(fault, "faultcode") or "").strip()
    faultstring = (text(fault, "faultstring") or "").strip()
    summary = "; ".join(messages) if messages else faultstring
    return UpstreamFault(
        f"SSBTEK answered with a fault: {_scrub(summary)}",
        felkod=(felkod or "").strip() or None,
        faultcode=faultcode or None,
    )


def _scrub(message: str) -> str:
    """Fault texts are SSBTEK's words; cut them short and drop any number that could identify."""
    return redact(message)[:MAX_FAULT_TEXT]
