"""Transportstyrelsen's part: `HamtaUppgifterResponseType` with the person's vehicles."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from resolvers.xmlread import (
    UnknownValue,
    child,
    children,
    int_of,
    text,
    text_or_empty,
    unknown_elements,
)


@dataclass(frozen=True)
class Fordon:
    """`fordon`: one vehicle the person holds."""

    regnr: str
    fabrikat: str
    fordonsar: str
    fordonsslag: str
    handelsbeteckning: str
    ovriga_element: list[UnknownValue]


@dataclass(frozen=True)
class Felresultat:
    """`felresultat`: an error Transportstyrelsen reports inside a valid answer."""

    felkod: int | None
    feltext: str


@dataclass(frozen=True)
class TnsSvar:
    """Transportstyrelsen's answer: result code, vehicles (None when not sent) and errors."""

    resultat: str
    fordon: list[Fordon] | None
    felresultat: list[Felresultat]
    ovriga_element: list[UnknownValue]


_FORDON_KNOWN = ("regnr", "fabrikat", "fordonsar", "fordonsslag", "handelsbeteckning")


def decode_tns(data: etree._Element) -> TnsSvar:
    """Decode Transportstyrelsen's `data`."""
    innehav = child(data, "fordonsinnehav")
    return TnsSvar(
        resultat=(text(data, "resultat") or "").strip(),
        fordon=None
        if innehav is None
        else [
            Fordon(
                regnr=text_or_empty(item, "regnr"),
                fabrikat=text_or_empty(item, "fabrikat"),
                fordonsar=text_or_empty(item, "fordonsar"),
                fordonsslag=text_or_empty(item, "fordonsslag"),
                handelsbeteckning=text_or_empty(item, "handelsbeteckning"),
                ovriga_element=unknown_elements(item, _FORDON_KNOWN),
            )
            for item in children(innehav, "fordon")
        ],
        felresultat=[
            Felresultat(felkod=int_of(item, "felkod"), feltext=text_or_empty(item, "feltext"))
            for item in children(data, "felresultat")
        ],
        ovriga_element=unknown_elements(data, ("resultat", "fordonsinnehav", "felresultat"))
        + [
            UnknownValue(f"fordonsinnehav/{item.path}", item.value)
            for item in unknown_elements(innehav, ("fordon",))
        ],
    )
