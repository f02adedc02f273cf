"""`Person`: one field per source of the SSBTEK answer, each resolved lazily from one fetch."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from graphql import FieldNode

from resolvers.agencies import Agency
from resolvers.decode.answer import AgencyPart
from resolvers.errors import BadUserInput
from resolvers.plan import FetchPlan, PersonKey
from schema.akassorna import Akassorna
from schema.arbetsformedlingen import Arbetsformedlingen
from schema.common import PeriodInput, period_of
from schema.context import OperationContext
from schema.convert import convert_agency
from schema.csn import Csn
from schema.lefi_agencies import (
    Forsakringskassan,
    Pensionsmyndigheten,
    PmNarrowing,
    forsakringskassan_value,
    pensionsmyndigheten_value,
    plan_forsakringskassan,
    plan_pensionsmyndigheten,
)
from schema.migrationsverket import Migrationsverket
from schema.planning import FieldPlanner, SelectionWalker
from schema.scalars import Personnummer
from schema.skatteverket import Skatteverket
from schema.transportstyrelsen import Transportstyrelsen

OwnPeriod = Annotated[
    PeriodInput | None,
    strawberry.argument(
        description="The agency's own period (SSBTEK's per-agency `tidsperiod`), replacing the "
        "person's period for this agency alone."
    ),
]


async def _part(info: strawberry.Info, key: PersonKey, agency: Agency) -> AgencyPart:
    context: OperationContext = info.context
    answer = await context.loader.load(key, agency)
    return answer.parts[agency]


MIN_TAX_YEAR, MAX_TAX_YEAR = 1900, 2100
TaxYears = Annotated[
    list[int] | None,
    strawberry.argument(
        description="Tax years to ask Skatteverket for (ssbt/11 only); default the two last "
        "completed years before the period's end."
    ),
]


@strawberry.type(
    description="One person's data from the agencies behind SSBTEK. Each agency field asks "
    "SSBTEK for that agency only when selected; all selected agencies share one SSBTEK call."
)
class Person:
    personnummer: Personnummer = strawberry.field(
        description="The person's personnummer or samordningsnummer, 12 digits."
    )
    key: strawberry.Private[PersonKey]

    @strawberry.field(description="Arbetsförmedlingen (`AF`): jobseeker status and decisions.")
    async def arbetsformedlingen(
        self,
        info: strawberry.Info,
        period: OwnPeriod = None,
    ) -> Arbetsformedlingen | None:
        part = await _part(info, self.key, Agency.AF)
        return convert_agency(Arbetsformedlingen, part.fel, part.data)

    @strawberry.field(description="The a-kassor (`SO`): unemployment benefit payments and bars.")
    async def akassorna(
        self,
        info: strawberry.Info,
        period: OwnPeriod = None,
    ) -> Akassorna | None:
        part = await _part(info, self.key, Agency.SO)
        return convert_agency(Akassorna, part.fel, part.data)

    @strawberry.field(description="Transportstyrelsen (`TNS`): vehicles held.")
    async def transportstyrelsen(
        self,
        info: strawberry.Info,
        period: OwnPeriod = None,
    ) -> Transportstyrelsen | None:
        part = await _part(info, self.key, Agency.TNS)
        return convert_agency(Transportstyrelsen, part.fel, part.data)

    @strawberry.field(description="Migrationsverket (`MIV`): cases and residence-permit decisions.")
    async def migrationsverket(self, info: strawberry.Info) -> Migrationsverket | None:
        part = await _part(info, self.key, Agency.MIV)
        return convert_agency(Migrationsverket, part.fel, part.data)

    @strawberry.field(description="CSN (`CSN`): study support per support form.")
    async def csn(self, info: strawberry.Info, period: OwnPeriod = None) -> Csn | None:
        part = await _part(info, self.key, Agency.CSN)
        return convert_agency(Csn, part.fel, part.data)

    @strawberry.field(
        description="Försäkringskassan, from the LEFI answer in SSBTEK's `FK` slot: one field "
        "per benefit type, each asking LEFI for its own group."
    )
    async def forsakringskassan(self, info: strawberry.Info) -> Forsakringskassan | None:  # type: ignore[valid-type]
        return forsakringskassan_value(await _part(info, self.key, Agency.FK))

    @strawberry.field(
        description="Pensionsmyndigheten, from the LEFI answer in SSBTEK's `FK` slot (shared "
        "with Försäkringskassan in one call)."
    )
    async def pensionsmyndigheten(
        self, info: strawberry.Info, formansgrupper: PmNarrowing = None
    ) -> Pensionsmyndigheten | None:  # type: ignore[valid-type]
        return pensionsmyndigheten_value(await _part(info, self.key, Agency.FK))

    @strawberry.field(description="Skatteverket (`SKV`): taxation data.")
    async def skatteverket(self, info: strawberry.Info, ar: TaxYears = None) -> Skatteverket | None:
        part = await _part(info, self.key, Agency.SKV)
        return convert_agency(Skatteverket, part.fel, part.data)


def _include(agency: Agency, takes_period: bool = False) -> FieldPlanner:
    def planner(
        plan: FetchPlan, arguments: dict[str, Any], _walker: SelectionWalker, _node: FieldNode
    ) -> None:
        period = arguments.get("period") if takes_period else None
        plan.include(agency, period_of(period) if period is not None else None)

    return planner


def _plan_skatteverket(
    plan: FetchPlan, arguments: dict[str, Any], _walker: SelectionWalker, _node: FieldNode
) -> None:
    years = arguments.get("ar")
    if years is not None and not all(MIN_TAX_YEAR <= year <= MAX_TAX_YEAR for year in years):
        raise BadUserInput(f"ar takes tax years from {MIN_TAX_YEAR} to {MAX_TAX_YEAR}")
    plan.ask_skv_years(None if years is None else frozenset(years))


# How each `Person` field adds to the fetch plan.
PERSON_FIELD_PLANNERS: dict[str, FieldPlanner] = {
    "arbetsformedlingen": _include(Agency.AF, takes_period=True),
    "akassorna": _include(Agency.SO, takes_period=True),
    "transportstyrelsen": _include(Agency.TNS, takes_period=True),
    "migrationsverket": _include(Agency.MIV),
    "csn": _include(Agency.CSN, takes_period=True),
    "forsakringskassan": plan_forsakringskassan,
    "pensionsmyndigheten": plan_pensionsmyndigheten,
    "skatteverket": _plan_skatteverket,
}
