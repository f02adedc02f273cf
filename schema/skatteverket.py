"""Skatteverket: taxation data decoded from the XML document inside `svar`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from graphql import FieldNode

from resolvers.agencies import Agency
from resolvers.errors import BadUserInput
from resolvers.plan import FetchPlan
from schema.common import Myndighetsfel, OkantElement
from schema.context import Info
from schema.convert import convert_agency
from schema.person_field import PersonField, agency_part
from schema.planning import SelectionWalker


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
    status_personuppgift_kod: str | None = strawberry.field(
        description="`StatusPersonuppgiftKod`: Skatteverket's code for the state of the person's "
        "record."
    )
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


MIN_TAX_YEAR = 1900
TaxYears = Annotated[
    list[int] | None,
    strawberry.argument(
        description="Tax years to ask Skatteverket for (ssbt/11 only); default the two last "
        "completed years before the period's end."
    ),
]


async def _skatteverket(root: Any, info: Info, ar: TaxYears = None) -> Skatteverket | None:
    part = await agency_part(info, root.key, Agency.SKV)
    return convert_agency(Skatteverket, part.fel, part.data)


def _plan_skatteverket(
    plan: FetchPlan, arguments: dict[str, Any], _walker: SelectionWalker, _node: FieldNode
) -> None:
    years = arguments.get("ar")
    last = date.today().year
    if years is not None and not all(MIN_TAX_YEAR <= year <= last for year in years):
        raise BadUserInput(f"ar takes tax years from {MIN_TAX_YEAR} to {last}")
    plan.ask_skv_years(None if years is None else frozenset(years))


PERSON_FIELDS = {
    "skatteverket": PersonField(
        strawberry.field(
            resolver=_skatteverket, description="Skatteverket (`SKV`): taxation data."
        ),
        planner=_plan_skatteverket,
        reads=frozenset({Agency.SKV}),
    )
}
