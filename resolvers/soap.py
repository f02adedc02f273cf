"""Reading a SOAP 1.1 envelope from SSBTEK: the body's answer element, or the fault it carries."""

from __future__ import annotations

from lxml import etree

from resolvers.contract import SOAP_ENV_NS
from resolvers.errors import UpstreamFault, UpstreamInvalidResponse
from resolvers.privacy import as_code
from resolvers.xmlread import PayloadError, child, elements, parse_document, text


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
    """An UpstreamFault carrying the `felkod` of the fault detail, or the SOAP faultcode, and a
    message in the facade's own words.

    SSBTEK's own words (`faultstring`, `felmeddelande`) are untrusted: they may name the person,
    their address or anyone else, and no redaction can find every name. They never reach a
    caller or a log. `felkod` and `faultcode` are passed on only when they look like codes (else
    `[redacted]`)."""
    detail = child(fault, "detail")
    service_fault = next(elements(detail), None)
    felkod = as_code(text(service_fault, "felkod") if service_fault is not None else None)
    faultcode = as_code(text(fault, "faultcode"))
    shown = f"felkod {felkod}" if felkod else f"faultcode {faultcode}" if faultcode else None
    return UpstreamFault(
        "SSBTEK answered with a fault" + (f" ({shown})" if shown else ""),
        felkod=felkod,
        faultcode=faultcode,
    )
