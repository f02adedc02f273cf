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
    stripped,
    text,
    unknown_content,
)


@dataclass(frozen=True)
class Fordon:
    """`fordon`: one vehicle the person holds."""

    regnr: str | None
    fabrikat: str | None
    fordonsar: str | None
    fordonsslag: str | None
    handelsbeteckning: str | None


@dataclass(frozen=True)
class Felresultat:
    """`felresultat`: an error Transportstyrelsen reports inside a valid answer."""

    felkod: int | None
    feltext: str | None


@dataclass(frozen=True)
class TnsSvar:
    """Transportstyrelsen's answer: result code, vehicles (None when not sent) and errors."""

    resultat: str | None
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
        resultat=stripped(text(data, "resultat")),
        fordon=None
        if innehav is None
        else [
            Fordon(
                regnr=text(item, "regnr"),
                fabrikat=text(item, "fabrikat"),
                fordonsar=text(item, "fordonsar"),
                fordonsslag=text(item, "fordonsslag"),
                handelsbeteckning=text(item, "handelsbeteckning"),
            )
            for item in children(innehav, "fordon")
        ],
        felresultat=[
            Felresultat(felkod=int_of(item, "felkod"), feltext=text(item, "feltext"))
            for item in children(data, "felresultat")
        ],
        ovriga_element=unknown_content(data, _DATA),
    )
