"""Migrationsverket: the person's cases and decisions, e.g. residence permits."""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers.agencies import Agency
from schema.common import Myndighetsfel, OkantElement
from schema.person_field import agency_field


@strawberry.type(description="`svarCollection/svar`: one case and its decision.")
class MivBeslut:
    anledning: str | None = strawberry.field(description="`anledning`: ground, as a code.")
    anledning_namn: str | None = strawberry.field(description="`anledningNamn`: ground in words.")
    ansokningsdatum: date | None = strawberry.field(description="`ansokningsdatum`: applied on.")
    arende_typ: str | None = strawberry.field(description="`arendeTyp`: case type code.")
    arende_typ_namn: str | None = strawberry.field(description="`arendeTypNamn`: case type.")
    beslutskod: str | None = strawberry.field(description="`beslutsKod`: decision code.")
    beslutskod_namn: str | None = strawberry.field(description="`beslutsKodNamn`: decision.")
    beslutstyp: str | None = strawberry.field(description="`beslutsTyp`: decision type code.")
    beslutstyp_namn: str | None = strawberry.field(description="`beslutsTypNamn`: decision type.")
    beslutsdatum: date | None = strawberry.field(description="`beslutsdatum`: decided on.")
    from_datum: date | None = strawberry.field(description="`fromDatum`: valid from.")
    giltighetstid: str | None = strawberry.field(
        description="`giltighetstid`: `PERMANENT` or `TIDBEGRANSAT` in the contract; other "
        "values Migrationsverket may send are passed on as they are."
    )
    tom_datum: date | None = strawberry.field(description="`tomDatum`: valid to.")


@strawberry.type(
    description="Migrationsverket's answer (`MIV`, `findByPersonnummerResponse/response`). Data "
    "fields are null when `fel` is set or no `response` came."
)
class Migrationsverket:
    fel: Myndighetsfel | None = strawberry.field(
        description="Migrationsverket's `error` in SSBTEK; null when it answered."
    )
    korrelationsid: str | None = strawberry.field(
        description="`korrelationsid`: Migrationsverket's id of the call, for tracing it with them."
    )
    correlationid: str | None = strawberry.field(
        description="`correlationid`: the correlation id Migrationsverket echoes (an English-"
        "named twin of `korrelationsid`)."
    )
    efternamn: str | None = strawberry.field(description="`efternamn`: last name.")
    fornamn: str | None = strawberry.field(description="`fornamn`: first name.")
    hemland: str | None = strawberry.field(description="`hemland`: country of origin.")
    inresedatum: date | None = strawberry.field(
        description="`inresedatum`: the date the person entered Sweden, as Migrationsverket has "
        "it; null when not sent.",
        deprecation_reason="Migrationsverket is phasing `inresedatum` out of its SSBTEK answer: "
        "it may stop coming at any time. Read entry from the cases' dates "
        "(`svar { ansokningsdatum beslutsdatum }`) instead.",
    )
    personnummer: str | None = strawberry.field(
        description="`personnummer` as Migrationsverket has it."
    )
    svar: list[MivBeslut] | None = strawberry.field(
        description="`svarCollection/svar`: cases and decisions; null when no collection came."
    )
    ovriga_element: list[OkantElement] | None = strawberry.field(
        description="Every element below `data` that the facade does not model, at any depth, with "
        "its path from `data`."
    )


PERSON_FIELDS = {
    "migrationsverket": agency_field(
        Agency.MIV,
        Migrationsverket,
        "Migrationsverket (`MIV`): cases and residence-permit decisions.",
    )
}
