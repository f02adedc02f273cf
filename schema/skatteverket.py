"""Skatteverket: taxation data decoded from the XML document inside `svar`.

The type comes from the agency's declaration in `resolvers/decode/skatteverket.py`
(`schema/declared.py`); the `Person` field adds the `ar` argument, which the planner reads as
the set of tax years to ask Skatteverket for."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from resolvers.decode.skatteverket import SKATTEVERKET
from resolvers.errors import BadUserInput
from resolvers.plan import FetchPlan
from schema.context import Info
from schema.declared import agency_type, agency_value
from schema.person_field import PersonField, agency_part
from schema.planner import Selected

Skatteverket = agency_type(SKATTEVERKET)
MIN_TAX_YEAR = 1900
TaxYears = Annotated[
    list[int] | None,
    strawberry.argument(
        description="Tax years to ask Skatteverket for (ssbt/11 only); default the two last "
        "completed years before the period's end."
    ),
]


async def _skatteverket(root: Any, info: Info, ar: TaxYears = None) -> Skatteverket | None:  # type: ignore[valid-type]  # a type made at run time
    return agency_value(await agency_part(info, root.key, SKATTEVERKET.agency))


def _plan_skatteverket(plan: FetchPlan, selected: Selected) -> None:
    years = selected.arguments.get("ar")
    last = date.today().year
    if years is not None and not all(MIN_TAX_YEAR <= year <= last for year in years):
        raise BadUserInput(f"ar takes tax years from {MIN_TAX_YEAR} to {last}")
    plan.ask_skv_years(None if years is None else frozenset(years))


PERSON_FIELDS = {
    SKATTEVERKET.agency.module_name: PersonField(
        strawberry.field(resolver=_skatteverket, description=SKATTEVERKET.about),
        planner=_plan_skatteverket,
        reads=frozenset({SKATTEVERKET.agency}),
    )
}
