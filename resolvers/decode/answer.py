"""The composite answer `SammansattBastjanstSvar`: one part per included agency, data or error."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lxml import etree

from resolvers.agencies import Agency
from resolvers.privacy import redact
from resolvers.tracing import span
from resolvers.xmlread import PayloadError, child, children, stripped, text

log = logging.getLogger(__name__)


class Kalla(StrEnum):
    """Where an agency error comes from: SSBTEK itself, the agency's service, this facade, or a
    `kalla` the contract does not know."""

    SSBT = "SSBT"
    BT = "BT"
    FACADE = "FACADE"
    OKAND = "OKAND"


@dataclass(frozen=True)
class Myndighetsfel:
    """`error {kalla, felkod, felmeddelande+}` for one agency, or the facade's own equivalent."""

    kalla: Kalla
    felkod: str | None
    felmeddelanden: list[str]


@dataclass(frozen=True)
class AgencyPart:
    """One agency's part of the answer: decoded data, or an error (never both), and how large
    the part was on the wire (its text and elements), from which the cache estimates its size."""

    data: Any = None
    fel: Myndighetsfel | None = None
    wire_bytes: int = 0


@dataclass(frozen=True)
class Answer:
    """The decoded composite answer for the agencies that were asked."""

    parts: dict[Agency, AgencyPart]


Decoder = Callable[[etree._Element], Any]


def _decoder(agency: Agency) -> Decoder:
    """The `decode` function of the agency's module, `resolvers/decode/<name>.py`."""
    module = importlib.import_module(f"resolvers.decode.{agency.module_name}")
    decode: Decoder = module.decode  # a module found by name is untyped
    return decode


# Every agency's decoder, found by its registry name: a missing module fails at import.
DECODERS: dict[Agency, Decoder] = {agency: _decoder(agency) for agency in Agency}

MISSING_PART = Myndighetsfel(
    kalla=Kalla.FACADE,
    felkod="MISSING_PART",
    felmeddelanden=["SSBTEK did not answer for this agency although it was asked"],
)


def decode_answer(response: etree._Element, asked: Iterable[Agency]) -> Answer:
    """Decode `hamtaBastjanstInformationResponse` into one part per asked agency.

    An agency whose payload cannot be read gets a facade error instead of data; the other
    agencies are not affected.
    """
    svarsdata = child(response, "svarsdata")
    if svarsdata is None:
        raise PayloadError("the answer has no svarsdata")
    parts: dict[Agency, AgencyPart] = {}
    for agency in asked:
        with span("ssbtek.decode", **{"ssbtek.agency": agency.value}) as decoding:
            element = child(svarsdata, agency.value)
            part = AgencyPart(fel=MISSING_PART) if element is None else _part(agency, element)
            decoding.set_attribute(
                "ssbtek.outcome", "ok" if part.fel is None else part.fel.kalla.value
            )
            parts[agency] = part
    return Answer(parts=parts)


def decode_error(error: etree._Element) -> Myndighetsfel:
    """An `error {kalla, felkod, felmeddelande+}` element. Its texts are SSBTEK's or the
    agency's words and reach the caller: numbers that could be a personnummer are redacted."""
    kalla = stripped(text(error, "kalla"))
    felkod = stripped(text(error, "felkod"))
    return Myndighetsfel(
        kalla=Kalla(kalla) if kalla in ("SSBT", "BT") else Kalla.OKAND,
        felkod=None if felkod is None else redact(felkod),
        felmeddelanden=[redact(m.text or "") for m in children(error, "felmeddelande")],
    )


# No agency's part has this many elements; reading that many unknown ones would cost seconds and
# hundreds of MB (LEFI's large answers are one base64 text, not elements).
MAX_PART_ELEMENTS = 100_000
# What an element's tags add to the size of its text on the wire, about.
ELEMENT_BYTES = 48


def _part(agency: Agency, element: etree._Element) -> AgencyPart:
    error = child(element, "error")
    if error is not None:
        return AgencyPart(fel=decode_error(error))
    data = child(element, "data")
    if data is None:
        return AgencyPart(data=None)
    try:
        elements = sum(1 for _ in data.iter())
        if elements > MAX_PART_ELEMENTS:
            raise PayloadError(f"the part has more than {MAX_PART_ELEMENTS} elements")
        wire_bytes = sum(len(text) for text in data.itertext()) + ELEMENT_BYTES * elements
        return AgencyPart(data=DECODERS[agency](data), wire_bytes=wire_bytes)
    # RecursionError: content nested deeper than a decoder can follow (a second line of defence;
    # `xmlread` bounds the depth it reads).
    except (PayloadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        log.warning("could not decode the %s part: %s", agency.value, type(exc).__name__)
        return AgencyPart(fel=invalid_payload(str(exc) if isinstance(exc, PayloadError) else None))


def invalid_payload(reason: str | None) -> Myndighetsfel:
    """The facade's error for an agency part that cannot be read."""
    return Myndighetsfel(
        kalla=Kalla.FACADE,
        felkod="INVALID_PAYLOAD",
        felmeddelanden=[f"the agency's answer could not be read: {reason or 'unexpected content'}"],
    )


@dataclass(frozen=True)
class ProbeResult:
    """One agency in `testaBastjanstInformationResponse`: whether its test service was called."""

    agency: Agency
    anropad: bool | None
    fel: Myndighetsfel | None


def decode_probe(response: etree._Element) -> list[ProbeResult]:
    """Decode the connectivity probe; agencies without a test service are absent."""
    results = []
    for agency in Agency:
        element = child(response, agency.value)
        if element is None:
            continue
        error = child(element, "error")
        results.append(
            ProbeResult(
                agency=agency,
                anropad=_anropad(stripped(text(element, "anropad"))),
                fel=None if error is None else decode_error(error),
            )
        )
    return results


def _anropad(value: str | None) -> bool | None:
    """`anropad` as sent: None when SSBTEK left it out or sent no xs:boolean (not false)."""
    return {"true": True, "1": True, "false": False, "0": False}.get(value or "")
