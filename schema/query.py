"""The root `Query`: `person`, `personer` and `tjanstestatus`."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from resolvers.agencies import Agency
from resolvers.errors import BadUserInput, Forbidden
from resolvers.plan import QuestionKey
from resolvers.question import check_arende
from schema.common import Myndighetsfel, PeriodInput, described_enum, period_of
from schema.context import Info, OperationContext
from schema.household import Hushall, Members, Roll, household_keys
from schema.person import Person
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


def person_keys(
    context: OperationContext, field_name: str, args: dict[str, Any]
) -> list[QuestionKey]:
    """The questions a root field asks; BAD_USER_INPUT for unusable arguments, FORBIDDEN for a
    caller who may not read people."""
    return [key for _, key in _members(context, field_name, args)]


def _members(
    context: OperationContext, field_name: str, args: dict[str, Any]
) -> list[tuple[Roll | None, QuestionKey]]:
    """The questions of a root field, with each member's role in a household."""
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


def _planned_people(info: Info, field_name: str, args: dict[str, Any]) -> list[Any]:
    """The people a root field asks about, from the plan the planning step made."""
    keys = _planned_keys(info, field_name, args)
    context = info.context
    for key in keys:
        if key in context.plan.errors:
            raise context.plan.errors[key]
    return [Person(personnummer=key.personnummer, key=key) for key in keys]


def _planned_keys(info: Info, field_name: str, args: dict[str, Any]) -> list[QuestionKey]:
    """A root field's questions, once the operation as a whole may be asked."""
    context = info.context
    keys = person_keys(context, field_name, args)
    if context.plan.refused is not None:
        raise context.plan.refused  # e.g. TOO_MANY_QUESTIONS: nothing of it is asked
    return keys


@strawberry.type(description="Questions to SSBTEK.")
class Query:
    @strawberry.field(
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
        args = {"personnummer": personnummer, "period": period, "arende": arende}
        return _planned_people(info, "person", args)[0]

    @strawberry.field(
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
        args = {"personnummer": personnummer, "period": period, "arende": arende}
        return _planned_people(info, "personer", args)

    @strawberry.field(
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
        args = {
            "sokande": sokande,
            "medsokande": medsokande,
            "barn": barn,
            "period": period,
            "arende": arende,
        }
        keys = _planned_keys(info, "hushall", args)  # raises when nothing may be asked
        errors = {
            key: info.context.plan.errors[key] for key in keys if key in info.context.plan.errors
        }
        roles = _members(info.context, "hushall", args)
        return Hushall(members=Members(roles=roles, errors=errors))  # type: ignore[call-arg]

    @strawberry.field(
        description="SSBTEK's connectivity probe (`testaBastjanstInformation`); no personal data."
    )
    async def tjanstestatus(self, info: Info) -> list[Tjanstestatus]:
        results = await info.context.loader.probe()
        return [
            Tjanstestatus(
                myndighet=result.agency,
                anropad=result.anropad,
                fel=result.fel,
            )
            for result in results
        ]
