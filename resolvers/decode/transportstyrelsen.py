"""Transportstyrelsen's part: `HamtaUppgifterResponseType` with the person's vehicles."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from resolvers.xmlread import (
    LEAF,
    Known,
    UnknownValue,
    child,
    children,
    int_of,
    text,
    text_or_empty,
    unknown_content,
)


@dataclass(frozen=True)
class Fordon:
    """`fordon`: one vehicle the person holds."""

    regnr: str
    fabrikat: str
    fordonsar: str
    fordonsslag: str
    handelsbeteckning: str


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


_FORDON = ("regnr", "fabrikat", "fordonsar", "fordonsslag", "handelsbeteckning")
_DATA: Known = {
    "resultat": LEAF,
    "fordonsinnehav": {"fordon": dict.fromkeys(_FORDON, LEAF)},
    "felresultat": {"felkod": LEAF, "feltext": LEAF},
}


def decode(data: etree._Element) -> TnsSvar:
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
            )
            for item in children(innehav, "fordon")
        ],
        felresultat=[
            Felresultat(felkod=int_of(item, "felkod"), feltext=text_or_empty(item, "feltext"))
            for item in children(data, "felresultat")
        ],
        ovriga_element=unknown_content(data, _DATA),
    )
