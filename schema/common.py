"""Types shared by every agency: the period input, agency errors and elements not modelled."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TypeVar

import strawberry

from resolvers.decode import answer as resolvers_answer
from resolvers.plan import Period

E = TypeVar("E", bound=Enum)


@strawberry.input(description="A date interval, `tidsperiod {fromDatum, tomDatum}` in SSBTEK.")
class PeriodInput:
    from_: date = strawberry.field(name="from", description="First day (`fromDatum`).")
    tom: date = strawberry.field(description="Last day, inclusive (`tomDatum`).")

    def to_period(self) -> Period:
        """The plain period the resolvers use; BAD_USER_INPUT when `tom` is before `from`."""
        return Period(self.from_, self.tom)


def described_enum(cls: type[E], *, name: str, description: str, values: dict[E, str]) -> type[E]:
    """A plain enum of the resolvers layer as a GraphQL enum with a description per value: the
    enum keeps one origin, the words for developers live here. It is `cls` itself, made a
    GraphQL enum: fields are annotated with `cls` (a variable is no type to mypy)."""
    graphql_enum = strawberry.enum(cls, name=name, description=description)
    definition = graphql_enum.__strawberry_definition__  # type: ignore[attr-defined]  # set by strawberry.enum
    for value in definition.values:
        value.description = values[cls[value.name]]
    return graphql_enum


Kalla = described_enum(
    resolvers_answer.Kalla,
    name="Kalla",
    description="Where an agency error comes from (`error/kalla`).",
    values={
        resolvers_answer.Kalla.SSBT: "SSBTEK itself, e.g. a timeout towards the agency.",
        resolvers_answer.Kalla.BT: "The agency's own service (bastjänst).",
        resolvers_answer.Kalla.FACADE: "This facade: the agency's part could not be read or was "
        "missing.",
        resolvers_answer.Kalla.OKAND: "A `kalla` value the contract does not define.",
    },
)


@strawberry.type(
    description="An agency's `error {kalla, felkod, felmeddelande+}`: the agency did not answer; "
    "the other agencies are unaffected."
)
class Myndighetsfel:
    kalla: resolvers_answer.Kalla = strawberry.field(
        description="`kalla`: where the error comes from."
    )
    felkod: str | None = strawberry.field(
        description="`felkod`: the error code; null when SSBTEK sent none."
    )
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
