"""Reading a SOAP 1.1 envelope from SSBTEK: the body's answer element, or the fault it carries."""

from __future__ import annotations

from lxml import etree

from resolvers.contract import SOAP_ENV_NS
from resolvers.errors import UpstreamFault, UpstreamInvalidResponse
from resolvers.privacy import as_code, redact
from resolvers.xmlread import PayloadError, child, children, elements, parse_document, text

MAX_FAULT_TEXT = 300


def body_element(content: bytes) -> etree._Element:
    """The first element of the SOAP body; raises UpstreamFault for a fault and
    UpstreamInvalidResponse for anything that is not a SOAP envelope."""
    try:
        envelope = parse_document(content, "the SSBTEK answer")
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
    """An UpstreamFault carrying the `felkod` of the fault detail, or the SOAP faultcode.

    Everything in it is SSBTEK's text, which reaches the caller and the log: numbers that could
    be a personnummer are redacted everywhere, and `felkod` and `faultcode` are passed on only
    when they look like codes (else `[redacted]`)."""
    detail = child(fault, "detail")
    service_fault = next(elements(detail), None)
    felkod = text(service_fault, "felkod") if service_fault is not None else None
    messages = [m.text or "" for m in children(service_fault, "felmeddelande")]
    faultstring = (text(fault, "faultstring") or "").strip()
    summary = "; ".join(messages) if messages else faultstring
    return UpstreamFault(
        f"SSBTEK answered with a fault: {_scrub(summary)}",
        felkod=as_code(felkod),
        faultcode=as_code(text(fault, "faultcode")),
    )


def _scrub(message: str) -> str:
    """Fault texts are SSBTEK's words; cut them short and drop any number that could identify."""
    return redact(message)[:MAX_FAULT_TEXT]
