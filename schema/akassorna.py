"""The a-kassor (via their samorganisation): unemployment benefit payments and bars."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from resolvers.agencies import Agency
from schema.common import Myndighetsfel, OkantElement
from schema.person_field import agency_field


@strawberry.type(description="`Utbetalningar`: one payment of unemployment benefit.")
class SoUtbetalning:
    utbetalningsdatum: date | None = strawberry.field(description="`Utbetalningsdatum`: pay date.")
    netto_efter_skatt: Decimal | None = strawberry.field(
        description="`NettoEfterSkatt`: net after tax, kronor."
    )
    netto_efter_avdrag: Decimal | None = strawberry.field(
        description="`NettoEfterAvdrag`: net after deductions, kronor."
    )
    ersattningsdagar: Decimal | None = strawberry.field(
        description="`Ersattningsdagar`: compensated days."
    )
    avser_from: date | None = strawberry.field(description="`AvserFrom`: first day paid for.")
    avser_tom: date | None = strawberry.field(description="`AvserTom`: last day paid for.")


@strawberry.type(description="`Avstangningar`: a period barred from benefit.")
class Avstangning:
    avstangd_from: date | None = strawberry.field(
        description="`AvstangdFrom`: the first day of the bar."
    )
    avstangd_tom: date | None = strawberry.field(
        description="`AvstangdTom`: the last day of the bar; null while it is open."
    )


@strawberry.type(description="`AnsoktOmErsattning`: the state of an application for benefit.")
class AnsoktOmErsattning:
    beslut_om_ratt_till_ersattning: date | None = strawberry.field(
        description="`BeslutOmRattTillErsattning`: date of the decision on the right to benefit; "
        "null (nil) while undecided."
    )
    ansokan_om_utbetalning_inlamnad: bool | None = strawberry.field(
        description="`AnsokanOmUtbetalningInlamnad`: a claim for payment has been filed."
    )


@strawberry.type(description="`Arbetsloshetsersattning`: what one a-kassa answered.")
class Arbetsloshetsersattning:
    svarande_organisation: str | None = strawberry.field(
        description="`SvarandeOrganisation`: the answering a-kassa; null when not sent."
    )
    status_svarande_organisation: str | None = strawberry.field(
        description="`StatusSvarandeOrganisation`: its status text; null when not sent."
    )
    utbetalningar: list[SoUtbetalning] = strawberry.field(description="`Utbetalningar`: payments.")
    avstangningar: list[Avstangning] = strawberry.field(description="`Avstangningar`: bars.")
    ansokt_om_ersattning: AnsoktOmErsattning | None = strawberry.field(
        description="`AnsoktOmErsattning`: application state."
    )


@strawberry.type(description="An echoed `personuppgiftsbitrade` (organisation number and name).")
class SoPersonuppgiftsbitrade:
    organisationsnummer: str | None = strawberry.field(
        description="`OrganisationsnummerPersonuppgiftsbitrade`: the processor's organisation "
        "number, as the a-kassor echo it."
    )
    namn: str | None = strawberry.field(
        description="`NamnPersonuppgiftsbitrade`: the processor's name, paired by position."
    )


@strawberry.type(
    description="The a-kassor's answer (`SO`, `GetUnemploymentBenefitPaymentResponseType`). Data "
    "fields are null when `fel` is set."
)
class Akassorna:
    fel: Myndighetsfel | None = strawberry.field(
        description="The a-kassor's `error`; null when they answered."
    )
    organisationsnummer_ingivare: str | None = strawberry.field(
        description="`OrganisationsnummerIngivare`: the asking municipality, echoed."
    )
    namn_ingivare: str | None = strawberry.field(description="`NamnIngivare`, echoed.")
    kontonamn_handlaggare: str | None = strawberry.field(
        description="`KontonamnHandlaggare`: the caseworker, echoed."
    )
    referensnummer: str | None = strawberry.field(description="`Referensnummer`: the case id.")
    from_: date | None = strawberry.field(name="from", description="`From`: period start, echoed.")
    tom: date | None = strawberry.field(description="`Tom`: period end, echoed.")
    syfte: str | None = strawberry.field(description="`Syfte`: purpose, echoed.")
    paragraf: str | None = strawberry.field(description="`Paragraf`: legal ground, echoed.")
    personuppgiftsbitraden: list[SoPersonuppgiftsbitrade] | None = strawberry.field(
        description="Echoed processors, pairing `OrganisationsnummerPersonuppgiftsbitrade` and "
        "`NamnPersonuppgiftsbitrade` by position."
    )
    identification_number: str | None = strawberry.field(
        description="`IdentificationNumber`: the person's 12-digit number."
    )
    arbetsloshetsersattningar: list[Arbetsloshetsersattning] | None = strawberry.field(
        description="`ArbetsloshetsersattningLista/Arbetsloshetsersattning`: one per a-kassa."
    )
    ovriga_element: list[OkantElement] | None = strawberry.field(
        description="Every element and attribute below `data` that the facade does not model, at "
        "any depth, with its path from `data`."
    )


PERSON_FIELDS = {
    "akassorna": agency_field(
        Agency.SO,
        Akassorna,
        "The a-kassor (`SO`): unemployment benefit payments and bars.",
    )
}
