"""Transportstyrelsen's part: `HamtaUppgifterResponseType` with the person's vehicles, declared
once (`resolvers/decode/declare.py`)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from resolvers.agencies import Agency
from resolvers.decode.declare import (
    INT,
    TEXT,
    TRIMMED,
    AgencyDeclaration,
    Field,
    Items,
    Type,
    Unknown,
)

FORDON = Type(
    "Fordon",
    "`fordonsinnehav/fordon`: one vehicle the person holds.",
    Field("regnr", "regnr", TEXT, "`regnr`: registration number; null when not sent."),
    Field("fabrikat", "fabrikat", TEXT, "`fabrikat`: make; null when not sent."),
    Field("fordonsar", "fordonsar", TEXT, "`fordonsar`: model year; null when not sent."),
    Field("fordonsslag", "fordonsslag", TEXT,
          "`fordonsslag`: kind of vehicle; null when not sent."),
    Field("handelsbeteckning", "handelsbeteckning", TEXT,
          "`handelsbeteckning`: model name; null when not sent."),
)  # fmt: skip

FELRESULTAT = Type(
    "Felresultat",
    "`felresultat`: an error Transportstyrelsen reports in its answer.",
    Field("felkod", "felkod", INT, "`felkod`: the error code."),
    Field("feltext", "feltext", TEXT, "`feltext`: the error in words; null when not sent."),
)

TRANSPORTSTYRELSEN = AgencyDeclaration(
    Agency.TNS,
    Type(
        "Transportstyrelsen",
        "Transportstyrelsen's answer (`TNS`, `HamtaUppgifterResponseType`). Data fields are null "
        "when `fel` is set.",
        Field("resultat", "resultat", TRIMMED, "`resultat`: `OK`, or `FEL` with `felresultat`."),
        Items("fordon", "fordonsinnehav/fordon", FORDON,
              "`fordonsinnehav/fordon`: vehicles held; null when no `fordonsinnehav` came.",
              null_without="fordonsinnehav"),
        Items("felresultat", "felresultat", FELRESULTAT,
              "`felresultat`: Transportstyrelsen's own errors."),
        Unknown("Every element and attribute below `data` that the facade does not model (open "
                "content), at any depth, with its path from `data`."),
    ),
    about="Transportstyrelsen (`TNS`): vehicles held.",
    fel="Transportstyrelsen's `error` in SSBTEK; null when it answered.",
    module=__name__,
)  # fmt: skip


def decode(data: etree._Element) -> Any:
    """Decode Transportstyrelsen's `data` (a `Transportstyrelsen`)."""
    return TRANSPORTSTYRELSEN.read(data)
