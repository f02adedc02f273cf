"""Skatteverket: taxation data decoded from the XML document inside `svar`."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.common import Myndighetsfel, OkantElement


@strawberry.type(description="Skatteverket `Kapitaluppgift`: capital income for one tax year.")
class Kapitaluppgift:
    taxeringsar: int | None = strawberry.field(description="`besko:Taxeringsar`.")
    summa_intakter_pa_kapital: Decimal | None = strawberry.field(
        description="`besko:SummaIntakterPaKapital`, kronor."
    )
    overskott_pa_kapital: Decimal | None = strawberry.field(
        description="`besko:OverskottPaKapital`, kronor."
    )


@strawberry.type(description="Skatteverket `PersonuppgiftLista/Personuppgift`.")
class SkvPersonuppgift:
    identitetsbeteckning: str | None = strawberry.field(
        description="`folko:IdentitetsbeteckningFysiskPerson`."
    )
    fornamn: str | None = strawberry.field(description="`folko:Fornamn`.")
    efternamn: str | None = strawberry.field(description="`folko:Efternamn`.")
    status_personuppgift_kod: str | None = strawberry.field(description="`StatusPersonuppgiftKod`.")
    kapitaluppgifter: list[Kapitaluppgift] = strawberry.field(
        description="`Kapitaluppgift`, one per tax year asked."
    )


@strawberry.type(
    description="Skatteverket's answer (`SKV`, the XML document "
    "`SvarBeskattningsuppgifterEnligtSFS2008-975` inside `svar`). Data fields are null when "
    "`fel` is set."
)
class Skatteverket:
    fel: Myndighetsfel | None = strawberry.field(
        description="Skatteverket's `error`, or the facade's `INVALID_PAYLOAD` when `svar` cannot "
        "be read; null when Skatteverket answered."
    )
    personuppgifter: list[SkvPersonuppgift] | None = strawberry.field(
        description="`PersonuppgiftLista/Personuppgift`."
    )
    ovriga_element: list[OkantElement] | None = strawberry.field(
        description="Every element of the document that the facade does not model, at any depth, "
        "with its path from the root. Skatteverket's full schema is not published with the "
        "contract: everything beyond `Personuppgift` and `Kapitaluppgift` is here."
    )
