"""Transportstyrelsen: the vehicles the person holds (`HamtaUppgifterResponseType`)."""

from __future__ import annotations

import strawberry

from resolvers.agencies import Agency
from schema.common import Myndighetsfel, OkantElement
from schema.person_field import agency_field


@strawberry.type(description="`fordonsinnehav/fordon`: one vehicle the person holds.")
class Fordon:
    regnr: str | None = strawberry.field(
        description="`regnr`: registration number; null when not sent."
    )
    fabrikat: str | None = strawberry.field(description="`fabrikat`: make; null when not sent.")
    fordonsar: str | None = strawberry.field(
        description="`fordonsar`: model year; null when not sent."
    )
    fordonsslag: str | None = strawberry.field(
        description="`fordonsslag`: kind of vehicle; null when not sent."
    )
    handelsbeteckning: str | None = strawberry.field(
        description="`handelsbeteckning`: model name; null when not sent."
    )


@strawberry.type(description="`felresultat`: an error Transportstyrelsen reports in its answer.")
class Felresultat:
    felkod: int | None = strawberry.field(description="`felkod`: the error code.")
    feltext: str | None = strawberry.field(
        description="`feltext`: the error in words; null when not sent."
    )


@strawberry.type(
    description="Transportstyrelsen's answer (`TNS`, `HamtaUppgifterResponseType`). Data fields "
    "are null when `fel` is set."
)
class Transportstyrelsen:
    fel: Myndighetsfel | None = strawberry.field(
        description="Transportstyrelsen's `error` in SSBTEK; null when it answered."
    )
    resultat: str | None = strawberry.field(
        description="`resultat`: `OK`, or `FEL` with `felresultat`."
    )
    fordon: list[Fordon] | None = strawberry.field(
        description="`fordonsinnehav/fordon`: vehicles held; null when no `fordonsinnehav` came."
    )
    felresultat: list[Felresultat] | None = strawberry.field(
        description="`felresultat`: Transportstyrelsen's own errors."
    )
    ovriga_element: list[OkantElement] | None = strawberry.field(
        description="Every element and attribute below `data` that the facade does not model (open "
        "content), at any depth, with its path from `data`."
    )


PERSON_FIELDS = {
    "transportstyrelsen": agency_field(
        Agency.TNS,
        Transportstyrelsen,
        "Transportstyrelsen (`TNS`): vehicles held.",
    )
}
