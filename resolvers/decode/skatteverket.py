"""Skatteverket's part: `svar` is a string holding an XML document
`SvarBeskattningsuppgifterEnligtSFS2008-975`. Skatteverket's full schema is not published with the
contract, so the facade types what is known and keeps everything else as path and value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from resolvers.xmlread import (
    LEAF,
    Known,
    PayloadError,
    UnknownValue,
    child,
    children,
    decimal_of,
    int_of,
    local,
    parse_document,
    text,
    unknown_content,
)

ROOT = "SvarBeskattningsuppgifterEnligtSFS2008-975"
_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Kapitaluppgift:
    """`Kapitaluppgift`: capital income for one tax year."""

    taxeringsar: int | None
    summa_intakter_pa_kapital: Decimal | None
    overskott_pa_kapital: Decimal | None


@dataclass(frozen=True)
class SkvPersonuppgift:
    """`PersonuppgiftLista/Personuppgift`: the person and their taxation figures."""

    identitetsbeteckning: str | None
    fornamn: str | None
    efternamn: str | None
    status_personuppgift_kod: str | None
    kapitaluppgifter: list[Kapitaluppgift]


@dataclass(frozen=True)
class SkvSvar:
    """Skatteverket's answer: the persons, and everything the facade does not model."""

    personuppgifter: list[SkvPersonuppgift]
    ovriga_element: list[UnknownValue]


_ROOT: Known = {
    "PersonuppgiftLista": {
        "Personuppgift": {
            "IdentitetsbeteckningFysiskPerson": LEAF,
            "Fornamn": LEAF,
            "Efternamn": LEAF,
            "StatusPersonuppgiftKod": LEAF,
            "Kapitaluppgift": dict.fromkeys(
                ("Taxeringsar", "SummaIntakterPaKapital", "OverskottPaKapital"), LEAF
            ),
        }
    }
}


def decode(data: etree._Element) -> SkvSvar:
    """Decode Skatteverket's `data/svar`: the XML document inside the string."""
    document = text(data, "svar")
    if document is None or not document.strip():
        raise PayloadError("the Skatteverket answer has no svar")
    # The document came as text: its own encoding declaration no longer applies.
    root = parse_document(_DECLARATION.sub("", document.strip(), count=1), "Skatteverket's svar")
    if local(root) != ROOT:
        raise PayloadError(
            "Skatteverket's svar is not a SvarBeskattningsuppgifterEnligtSFS2008-975"
        )
    lista = child(root, "PersonuppgiftLista")
    return SkvSvar(
        personuppgifter=[_person(p) for p in children(lista, "Personuppgift")],
        ovriga_element=unknown_content(root, _ROOT),
    )


def _person(person: etree._Element) -> SkvPersonuppgift:
    status = text(person, "StatusPersonuppgiftKod")
    return SkvPersonuppgift(
        identitetsbeteckning=(text(person, "IdentitetsbeteckningFysiskPerson") or "").strip()
        or None,
        fornamn=text(person, "Fornamn"),
        efternamn=text(person, "Efternamn"),
        status_personuppgift_kod=status.strip() if status is not None else None,
        kapitaluppgifter=[
            Kapitaluppgift(
                taxeringsar=int_of(k, "Taxeringsar"),
                summa_intakter_pa_kapital=decimal_of(k, "SummaIntakterPaKapital"),
                overskott_pa_kapital=decimal_of(k, "OverskottPaKapital"),
            )
            for k in children(person, "Kapitaluppgift")
        ],
    )
