"""What an agency's schema module gives `Person`: fields, each with the planner that says what
the field needs from SSBTEK and the agencies its resolver reads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry

from resolvers.agencies import Agency
from resolvers.decode.answer import AgencyPart
from resolvers.decode.declare import AgencyDeclaration
from resolvers.plan import FetchPlan, QuestionKey
from schema.common import PeriodInput, period_of
from schema.context import Info
from schema.declared import agency_type, agency_value
from schema.planner import FieldPlanner, Selected


@dataclass(frozen=True)
class PersonField:
    """One `Person` field: its strawberry field, its planner, and the agencies its resolver may
    read (each must be one its planner asks for; a test proves it)."""

    field: Any
    planner: FieldPlanner
    reads: frozenset[Agency]


OwnPeriod = Annotated[
    PeriodInput | None,
    strawberry.argument(
        description="The agency's own period (SSBTEK's per-agency `tidsperiod`), replacing the "
        "person's period for this agency alone."
    ),
]


async def agency_part(info: Info, key: QuestionKey, agency: Agency) -> AgencyPart:
    """One agency's part of the person's answer, fetched once per operation."""
    answer = await info.context.loader.load(key, agency)
    return answer.parts[agency]


def include(agency: Agency, takes_period: bool = False) -> FieldPlanner:
    """The planner of a field that needs `agency` (for its own `period` argument, if it takes
    one)."""

    def planner(plan: FetchPlan, selected: Selected) -> None:
        period = selected.arguments.get("period") if takes_period else None
        plan.include(agency, period_of(period) if period is not None else None)

    return planner


def agency_field(declaration: AgencyDeclaration) -> dict[str, PersonField]:
    """The `Person` field of an XML agency, from its declaration: named by the registry
    (`Agency.module_name`), described by `about`, its type built from the declared type (its
    `fel`, or its data), with a `period` argument when the registry says the agency takes an own
    period (`ContractAgency.own_period`: stated there only), planned to ask that agency."""
    agency = declaration.agency
    graphql_type = agency_type(declaration)
    takes_period = agency.accepts_own_period

    async def value(info: Info, key: QuestionKey) -> Any:
        return agency_value(await agency_part(info, key, agency))

    resolve: Callable[..., Awaitable[Any]]
    if takes_period:

        async def resolve(root: Any, info: Info, period: Any = None) -> Any:
            return await value(info, root.key)

        arguments: dict[str, Any] = {"period": OwnPeriod}
    else:

        async def resolve(root: Any, info: Info) -> Any:
            return await value(info, root.key)

        arguments = {}
    # The signature strawberry reads, with the real types rather than names in this module.
    resolve.__annotations__ = {
        "root": Any,
        "info": Info,
        **arguments,
        "return": graphql_type | None,
    }
    return {
        agency.module_name: PersonField(
            strawberry.field(resolver=resolve, description=declaration.about),
            planner=include(agency, takes_period),
            reads=frozenset({agency}),
        )
    }
