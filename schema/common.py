"""Types shared by every agency: the period input, agency errors and elements not modelled."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from resolvers.plan import Period


@strawberry.input(description="A date interval, `tidsperiod {fromDatum, tomDatum}` in SSBTEK.")
class PeriodInput:
    from_: date = strawberry.field(name="from", description="First day (`fromDatum`).")
    tom: date = strawberry.field(description="Last day, inclusive (`tomDatum`).")

    def to_period(self) -> Period:
        """The plain period the resolvers use; BAD_USER_INPUT when `tom` is before `from`."""
        return Period(self.from_, self.tom)


@strawberry.enum(description="Where an agency error comes from (`error/kalla`).")
class Kalla(Enum):
    SSBT = strawberry.enum_value(
        "SSBT", description="SSBTEK itself, e.g. a timeout towards the agency."
    )
    BT = strawberry.enum_value("BT", description="The agency's own service (bastjänst).")
    FACADE = strawberry.enum_value(
        "FACADE", description="This facade: the agency's part could not be read or was missing."
    )
    OKAND = strawberry.enum_value(
        "OKAND", description="A `kalla` value the contract does not define."
    )


@strawberry.type(
    description="An agency's `error {kalla, felkod, felmeddelande+}`: the agency did not answer; "
    "the other agencies are unaffected."
)
class Myndighetsfel:
    kalla: Kalla = strawberry.field(description="`kalla`: where the error comes from.")
    felkod: str = strawberry.field(description="`felkod`: the error code.")
    felmeddelanden: list[str] = strawberry.field(
        description="`felmeddelande` (one or more): the error texts."
    )


@strawberry.type(
    description="An element the facade does not model (open content or newer than our schema), "
    "kept so that nothing the agency sent is lost."
)
class OkantElement:
    path: str = strawberry.field(description="Local names from the enclosing element, `/`-joined.")
    value: str | None = strawberry.field(description="The element's text; null when nil.")


def period_of(value: PeriodInput | dict[str, date]) -> Period:
    """A Period from a resolver's PeriodInput or the planner's raw argument dict."""
    if isinstance(value, PeriodInput):
        return value.to_period()
    return Period(value["from"], value["tom"])
