"""Custom scalars: `Personnummer` (checked, always 12 digits out).

Registered with the schema through `SCALARS`."""

from __future__ import annotations

from typing import NewType

import strawberry
from graphql import GraphQLError

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
)

SCALARS = {Personnummer: PERSONNUMMER_SCALAR}
