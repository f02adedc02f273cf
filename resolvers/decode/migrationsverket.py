"""Migrationsverket's part: `findByPersonnummerResponse` with unqualified elements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from resolvers.xmlread import (
    LEAF,
    Known,
    UnknownValue,
    child,
    children,
    date_of,
    is_nil,
    text,
    unknown_content,
)


@dataclass(frozen=True)
class MivBeslut:
    """`svar`: one case and decision (e.g. a residence permit) at Migrationsverket."""

    anledning: str | None
    anledning_namn: str | None
    ansokningsdatum: date | None
    arende_typ: str | None
    arende_typ_namn: str | None
    beslutskod: str | None
    beslutskod_namn: str | None
    beslutstyp: str | None
    beslutstyp_namn: str | None
    beslutsdatum: date | None
    from_datum: date | None
    giltighetstid: str | None
    tom_datum: date | None


@dataclass(frozen=True)
class MivSvar:
    """`response`: the person as Migrationsverket knows them, and their decisions."""

    korrelationsid: str | None
    correlationid: str | None
    efternamn: str | None
    fornamn: str | None
    hemland: str | None
    inresedatum: date | None
    personnummer: str | None
    svar: list[MivBeslut] | None
    ovriga_element: list[UnknownValue]


_SVAR = (
    "anledning",
    "anledningNamn",
    "ansokningsdatum",
    "arendeTyp",
    "arendeTypNamn",
    "beslutsKod",
    "beslutsKodNamn",
    "beslutsTyp",
    "beslutsTypNamn",
    "beslutsdatum",
    "fromDatum",
    "giltighetstid",
    "tomDatum",
)
_DATA: Known = {
    "response": {
        **dict.fromkeys(
            ("korrelationsid", "correlationid", "efternamn", "fornamn", "hemland", "inresedatum",
             "personnummer"),
            LEAF,
        ),
        "svarCollection": {"svar": dict.fromkeys(_SVAR, LEAF)},
    }
}  # fmt: skip


def decode(data: etree._Element) -> MivSvar | None:
    """Decode Migrationsverket's `data`; None when it holds no `response`."""
    response = child(data, "response")
    if response is None:
        return None
    collection = child(response, "svarCollection")
    return MivSvar(
        korrelationsid=text(response, "korrelationsid"),
        correlationid=text(response, "correlationid"),
        efternamn=text(response, "efternamn"),
        fornamn=text(response, "fornamn"),
        hemland=text(response, "hemland"),
        inresedatum=date_of(response, "inresedatum"),
        personnummer=(text(response, "personnummer") or "").strip() or None,
        svar=None
        if collection is None
        else [_beslut(item) for item in children(collection, "svar") if not is_nil(item)],
        ovriga_element=unknown_content(data, _DATA),
    )


def _beslut(item: etree._Element) -> MivBeslut:
    giltighetstid = text(item, "giltighetstid")
    return MivBeslut(
        anledning=text(item, "anledning"),
        anledning_namn=text(item, "anledningNamn"),
        ansokningsdatum=date_of(item, "ansokningsdatum"),
        arende_typ=text(item, "arendeTyp"),
        arende_typ_namn=text(item, "arendeTypNamn"),
        beslutskod=text(item, "beslutsKod"),
        beslutskod_namn=text(item, "beslutsKodNamn"),
        beslutstyp=text(item, "beslutsTyp"),
        beslutstyp_namn=text(item, "beslutsTypNamn"),
        beslutsdatum=date_of(item, "beslutsdatum"),
        from_datum=date_of(item, "fromDatum"),
        giltighetstid=giltighetstid.strip() if giltighetstid else None,
        tom_datum=date_of(item, "tomDatum"),
    )
