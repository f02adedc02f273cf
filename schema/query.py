"""The root `Query`: `person`, `personer` and `tjanstestatus`."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from resolvers.agencies import Agency
from resolvers.errors import BadUserInput, Forbidden
from resolvers.plan import QuestionKey, RootPlan
from resolvers.question import check_arende
from schema.common import Myndighetsfel, PeriodInput, described_enum, period_of
from schema.context import Info, OperationContext
from schema.household import Hushall, Members, Roll, household_keys
from schema.person import Person
from schema.planner import PlanningFailed
from schema.scalars import Personnummer

MAX_PERSONER = 50

Arende = Annotated[
    str,
    strawberry.argument(
        description="The municipality's case id (`arendeidentitet`): 1 to 31 characters, letters, "
        "digits and - _ . / : only (CSN refuses 32 or more); never a personnummer. It goes to "
        "every agency and into the audit line."
    ),
]


AskedPersonnummer = Annotated[
    Personnummer,
    strawberry.argument(
        description="The person asked about: personnummer or samordningsnummer, 10 or 12 digits "
        "with or without `-`/`+`; never echoed in an error."
    ),
]
AskedPeriod = Annotated[
    PeriodInput,
    strawberry.argument(
        description="The period SSBTEK is asked about (`tidsperiod`), both days included; at most "
        "five years, and at most two when Försäkringskassan or Pensionsmyndigheten is selected."
    ),
]
AskedPeople = Annotated[
    list[Personnummer],
    strawberry.argument(
        description=f"The people asked about (at most {MAX_PERSONER}), each as `personnummer` "
        "of `person`; the answer keeps their order."
    ),
]
Sokande = Annotated[Personnummer, strawberry.argument(description="The applicant (sökande).")]
Medsokande = Annotated[
    Personnummer | None,
    strawberry.argument(description="The co-applicant (medsökande), if any."),
]
Barn = Annotated[
    list[Personnummer] | None,
    strawberry.argument(description="The children in the household, if any."),
]

Myndighet = described_enum(
    Agency,
    name="Myndighet",
    description="A source in SSBTEK, by its element name in the contract.",
    values={
        Agency.AF: "Arbetsförmedlingen: jobseeker status and economic decisions.",
        Agency.CSN: "CSN, Centrala studiestödsnämnden: study support per case and its payment "
        "plan.",
        Agency.FK: "Försäkringskassan, and Pensionsmyndigheten in the same LEFI answer.",
        Agency.SKV: "Skatteverket: income and capital for the tax years asked.",
        Agency.SO: "The a-kassor (through their organisation, SO): unemployment benefit.",
        Agency.TNS: "Transportstyrelsen: vehicles the person owns.",
        Agency.MIV: "Migrationsverket: residence permits and their decisions.",
    },
)


@strawberry.type(
    description="One agency in `testaBastjanstInformation`: whether SSBTEK reached its test "
    "service. Agencies without a test service are not listed."
)
class Tjanstestatus:
    myndighet: Agency = strawberry.field(description="The agency's element name.")
    anropad: bool | None = strawberry.field(
        description="`anropad`: the test service was called; null when SSBTEK did not say."
    )
    fel: Myndighetsfel | None = strawberry.field(description="`error`, when the call failed.")


def root_members(
    context: OperationContext, field_name: str, args: dict[str, Any]
) -> list[tuple[Roll | None, QuestionKey]]:
    """The questions of a root field, with each member's role in a household (the planner's
    `root_keys`); BAD_USER_INPUT for unusable arguments, FORBIDDEN for a caller who may not read
    people."""
    if field_name not in ("person", "personer", "hushall"):
        return []
    if not context.caller.may_read_people:
        raise Forbidden("reading people needs the role configured in SSBTEK_JWT_ROLE")
    arende = args["arende"]
    check_arende(arende)
    period = period_of(args["period"])

    def key_of(number: str) -> QuestionKey:
        return QuestionKey(context.caller.tenant, number, period, arende)

    if field_name == "hushall":
        members = household_keys(args, key_of)
        if len(members) > MAX_PERSONER:
            raise BadUserInput(f"a household has at most {MAX_PERSONER} members")
        return list(members)
    numbers = [args["personnummer"]] if field_name == "person" else args["personnummer"]
    if len(numbers) > MAX_PERSONER:
        raise BadUserInput(f"personer takes at most {MAX_PERSONER} numbers")
    return [(None, key_of(number)) for number in numbers]


def planned_root(info: Info) -> RootPlan:
    """What the planner read for this root field (by its response key), once the operation as a
    whole may be asked: its people, or the error its arguments give."""
    plan = info.context.plan
    if plan.refused is not None:
        raise plan.refused  # e.g. TOO_MANY_QUESTIONS: nothing of it is asked
    root = plan.roots.get(str(info.path.key))  # a root field's path key is its response key
    if root is None:  # planning did not run (a bug, logged where it failed)
        raise PlanningFailed("the operation could not be planned")
    if root.error is not None:
        raise root.error
    return root


def _planned_people(info: Info) -> list[Person]:
    """The people a root field asks about, as the planner read them."""
    keys = planned_root(info).keys
    for key in keys:
        if key in info.context.plan.errors:
            raise info.context.plan.errors[key]
    return [Person(personnummer=key.personnummer, key=key) for key in keys]


@strawberry.type(description="Questions to SSBTEK.")
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry.field(...) is untyped
        description="One person's data for a period and a case. Selected agencies are asked in "
        "one SSBTEK call."
    )
    def person(
        self,
        info: Info,
        personnummer: AskedPersonnummer,
        period: AskedPeriod,
        arende: Arende,
    ) -> Person | None:
        return _planned_people(info)[0]

    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry.field(...) is untyped
        description=f"Several people (at most {MAX_PERSONER}), e.g. a household, fetched "
        "concurrently; one person's failure does not fail the others."
    )
    def personer(
        self,
        info: Info,
        personnummer: AskedPeople,
        period: AskedPeriod,
        arende: Arende,
    ) -> list[Person] | None:
        return _planned_people(info)

    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry.field(...) is untyped
        description="A household applying for ekonomiskt bistånd: the applicant, a co-applicant "
        "and children, each asked in a question of their own, concurrently, with their payments "
        f"summed by month (at most {MAX_PERSONER} members)."
    )
    def hushall(
        self,
        info: Info,
        sokande: Sokande,
        period: AskedPeriod,
        arende: Arende,
        medsokande: Medsokande = None,
        barn: Barn = None,
    ) -> Hushall | None:
        roles = planned_root(info).members  # raises when nothing may be asked
        plan = info.context.plan
        errors = {key: plan.errors[key] for _, key in roles if key in plan.errors}
        return Hushall(members=Members(roles=roles, errors=errors))

    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry.field(...) is untyped
        description="SSBTEK's connectivity probe (`testaBastjanstInformation`); no personal data."
    )
    async def tjanstestatus(self, info: Info) -> list[Tjanstestatus]:
        results = await info.context.loader.probe()
        return [
            Tjanstestatus(
                myndighet=result.agency,
                anropad=result.anropad,
                fel=result.fel,  # type: ignore[arg-type]  # its twin, read by field name
            )
            for result in results
        ]
