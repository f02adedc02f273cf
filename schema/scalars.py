"""Custom scalars: `Personnummer` (checked, always 12 digits out).

Registered with the schema through `SCALARS`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, NewType, TypeVar

import strawberry
from graphql import GraphQLError, StringValueNode, ValueNode

from resolvers.personnummer import InvalidPersonnummer, normalise


def parse_personnummer(value: object) -> str:
    """Check a personnummer given by the caller; BAD_USER_INPUT without echoing the value."""
    if not isinstance(value, str):
        raise GraphQLError(
            "Personnummer must be given as a string", extensions={"code": "BAD_USER_INPUT"}
        )
    try:
        return normalise(value)
    except InvalidPersonnummer as exc:
        raise GraphQLError(
            f"invalid Personnummer: {exc}", extensions={"code": "BAD_USER_INPUT"}
        ) from None


T = TypeVar("T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object) -> date:
    """An ISO date, `YYYY-MM-DD` exactly (Python's own reading also takes `20260101` and
    `2026W011`)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise GraphQLError("a Date is written YYYY-MM-DD", extensions={"code": "BAD_USER_INPUT"})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GraphQLError("not a real date", extensions={"code": "BAD_USER_INPUT"}) from None


def literal_reader(parse: Callable[[object], T]) -> Callable[..., T]:
    """A scalar's reader of literals in the document: a literal that does not fit fails
    validation (GRAPHQL_VALIDATION_FAILED) with its location, as any other literal of the wrong
    type does; its message never echoes the value."""

    def parse_literal(node: ValueNode, _variables: Any = None) -> T:
        if not isinstance(node, StringValueNode):
            raise GraphQLError(
                "a string is needed here", node, extensions={"code": "GRAPHQL_VALIDATION_FAILED"}
            )
        try:
            return parse(node.value)
        except GraphQLError as error:
            raise GraphQLError(
                error.message, node, extensions={"code": "GRAPHQL_VALIDATION_FAILED"}
            ) from None

    return parse_literal


DATE_SCALAR = strawberry.scalar(
    name="Date",
    description="A calendar date, ISO 8601 `YYYY-MM-DD`.",
    serialize=date.isoformat,
    parse_value=parse_date,
    parse_literal=literal_reader(parse_date),
)

Personnummer = NewType("Personnummer", str)

PERSONNUMMER_SCALAR = strawberry.scalar(
    name="Personnummer",
    description=(
        "A Swedish personnummer or samordningsnummer (day of birth + 60). Accepts 10 or 12 "
        "digits with or without '-' or '+'; checks the date and the Luhn digit; always answers "
        "with 12 digits."
    ),
    serialize=str,
    parse_value=parse_personnummer,
    parse_literal=literal_reader(parse_personnummer),
)

SCALARS = {Personnummer: PERSONNUMMER_SCALAR, date: DATE_SCALAR}
