"""Arbetsförmedlingen: jobseeker status and economic decisions (`SvarMeddelande/Svar`)."""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers.agencies import Agency
from schema.common import Myndighetsfel, OkantElement
from schema.person_field import agency_field


@strawberry.type(description="`AktivetetsRapportDatum`: the jobseeker's latest activity report.")
class AktivitetsRapportDatum:
    aktivitets_rapport_meddelande: str | None = strawberry.field(
        description="`AktivitetsRapportMeddelande`: the report's message; null when not sent."
    )
    senaste_aktivitets_rapport_datum: date | None = strawberry.field(
        description="`SenasteAktivitetsRapportDatum`: date of the latest report."
    )


@strawberry.type(description="`ArbetssokandeInfo`: whether and how the person is a jobseeker.")
class ArbetssokandeInfo:
    arbetssokande: bool | None = strawberry.field(
        description="`Arbetssokande`: registered as a jobseeker."
    )
    arbetssokande_skat: str | None = strawberry.field(
        description="`ArbetssokandeSKAT`: the jobseeker category in words."
    )
    arbetssokande_registrerad: date | None = strawberry.field(
        description="`ArbetssokandeRegistrerad`: registration date."
    )
    arbetssokande_omfattning: int | None = strawberry.field(
        description="`ArbetssokandeOmfattning`: extent in per cent."
    )
    arbetssokande_avaktualiserad: date | None = strawberry.field(
        description="`ArbetssokandeAvaktualiserad`: date the registration ended."
    )
    aktivitets_rapport_datum: AktivitetsRapportDatum | None = strawberry.field(
        description="`AktivetetsRapportDatum` (sic in the contract): activity reporting."
    )


@strawberry.type(description="`BeslutInfo/EkonomiskaBeslut/Beslut`: one decision on compensation.")
class EkonomisktBeslut:
    ersattning_typ: str | None = strawberry.field(
        description="`ErsattningTyp`: kind of compensation; null when not sent."
    )
    omfattning: int | None = strawberry.field(description="`Omfattning`: extent in per cent.")
    beslut_from: date | None = strawberry.field(description="`BeslutFrom`: first day.")
    beslut_tom: date | None = strawberry.field(description="`BeslutTom`: last day.")


@strawberry.type(
    description="Arbetsförmedlingen's answer (`AF`, `SvarMeddelande/Svar`). Data fields are null "
    "when `fel` is set."
)
class Arbetsformedlingen:
    fel: Myndighetsfel | None = strawberry.field(
        description="Arbetsförmedlingen's `error`; null when it answered."
    )
    schemaversion: str | None = strawberry.field(
        description="`Schemaversion`: the version of Arbetsförmedlingen's answer schema."
    )
    referensnummer: str | None = strawberry.field(
        description="`Referensnummer`: the case id echoed."
    )
    lag_paragraf: str | None = strawberry.field(
        description="`LagParagraf`: the legal ground echoed; null when not sent."
    )
    identitetsbeteckning: str | None = strawberry.field(
        description="`IdentitetsbeteckningFysiskPerson`: the person's 12-digit number."
    )
    fornamn: str | None = strawberry.field(description="`Fornamn`: first name.")
    efternamn: str | None = strawberry.field(description="`Efternamn`: last name.")
    sekretessmarkering: bool | None = strawberry.field(
        description="`Sekretessmarkering`: the person has protected identity."
    )
    arbetssokande_info: ArbetssokandeInfo | None = strawberry.field(
        description="`ArbetssokandeInfo`: jobseeker registration."
    )
    ekonomiska_beslut: list[EkonomisktBeslut] | None = strawberry.field(
        description="`BeslutInfo/EkonomiskaBeslut/Beslut`: economic decisions; null when "
        "`BeslutInfo` was not sent."
    )
    akassetillhorighet: str | None = strawberry.field(
        description="`Akassetillhorighet`: the person's a-kassa."
    )
    status_kod: int | None = strawberry.field(
        description="`StatusSokandeinformationKod`: 0 when the question was handled normally."
    )
    status_kod_text: str | None = strawberry.field(
        description="`StatusSokandeinformationKodText`: the status in words."
    )
    ovriga_element: list[OkantElement] | None = strawberry.field(
        description="Every element and attribute below `data` that the facade does not model (open "
        "content, the echoed `Fraga`), at any depth, with its path from `data`."
    )


PERSON_FIELDS = {
    "arbetsformedlingen": agency_field(
        Agency.AF,
        Arbetsformedlingen,
        "Arbetsförmedlingen (`AF`): jobseeker status and decisions.",
    )
}
