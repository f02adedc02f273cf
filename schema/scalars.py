"""Custom scalars: `Personnummer` (checked, always 12 digits out), and `Date`, `DateTime` and
`Decimal` in the project's words (strawberry's own describe them generically, and codegen shows
a scalar's description to every client).

Registered with the schema through `SCALARS`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NewType, TypeVar

import strawberry
from graphql import GraphQLError, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

from resolvers.codes import ErrorCode
from resolvers.personnummer import InvalidPersonnummer, normalise


def bad_input(message: str) -> GraphQLError:
    """An error in what the caller gave; its message never echoes the value."""
    return GraphQLError(message, extensions={"code": ErrorCode.BAD_USER_INPUT})


def parse_personnummer(value: object) -> str:
    """Check a personnummer given by the caller; BAD_USER_INPUT without echoing the value."""
    if not isinstance(value, str):
        raise bad_input("Personnummer must be given as a string")
    try:
        return normalise(value)
    except InvalidPersonnummer as exc:
        raise bad_input(f"invalid Personnummer: {exc}") from None


T = TypeVar("T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object) -> date:
    """An ISO date, `YYYY-MM-DD` exactly (Python's own reading also takes `20260101` and
    `2026W011`)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise bad_input("a Date is written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_input("not a real date") from None


def literal_reader(parse: Callable[[object], T]) -> Callable[..., T]:
    """A scalar's reader of literals in the document: a literal that does not fit fails
    validation (GRAPHQL_VALIDATION_FAILED) with its location, as any other literal of the wrong
    type does; its message never echoes the value."""

    def parse_literal(node: ValueNode, _variables: Any = None) -> T:
        if not isinstance(node, StringValueNode):
            raise GraphQLError(
                "a string is needed here",
                node,
                extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED},
            )
        try:
            return parse(node.value)
        except GraphQLError as error:
            raise GraphQLError(
                error.message, node, extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED}
            ) from None

    return parse_literal


def _scalar(
    name: str, description: str, write: Callable[[Any], str], read: Callable[[object], T]
) -> ScalarDefinition:
    """A scalar that reads its value from a string, in variables and in the document alike."""
    return strawberry.scalar(
        name=name,
        description=description,
        serialize=write,
        parse_value=read,
        parse_literal=literal_reader(read),
    )


DATE_SCALAR = _scalar(
    "Date",
    (
        "A calendar day, ISO 8601 `YYYY-MM-DD`, with no time and no zone. Given as input "
        "(`PeriodInput`) in exactly that form. Answered as the day the agency wrote: an offset "
        "some agencies write after a day (`2016-11-18+01:00`) is dropped, and the day is never "
        "moved into another zone."
    ),
    date.isoformat,
    parse_date,
)

Personnummer = NewType("Personnummer", str)

PERSONNUMMER_SCALAR = _scalar(
    "Personnummer",
    (
        "A Swedish personnummer or samordningsnummer (day of birth + 60). Accepts 10 or 12 "
        "digits with or without '-' or '+'; checks the date and the Luhn digit; always answers "
        "with 12 digits."
    ),
    str,
    parse_personnummer,
)


def from_string(read: Callable[[str], T], name: str, wrong: str) -> Callable[[object], T]:
    """A reader of a scalar given as a string: `read` of the string without surrounding blanks,
    BAD_USER_INPUT (`wrong`) when it raises ValueError."""

    def parse(value: object) -> T:
        if not isinstance(value, str):
            raise bad_input(f"a {name} is given as a string")
        try:
            return read(value.strip())
        except ValueError:
            raise bad_input(wrong) from None

    return parse


def _finite_decimal(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("not a decimal") from None
    if not number.is_finite():
        raise ValueError("not a finite decimal")
    return number


# A JSON number in the variables would reach the facade as a binary float: strings only.
parse_decimal = from_string(_finite_decimal, "Decimal", "not a decimal number")


def write_decimal(value: Decimal) -> str:
    """A decimal in plain notation with the digits it has: `1250.50`, `1000` (not `1E+3`).
    Where the decimal's own text has no exponent it is that text (the same digits, the same
    point; some 2.5 times faster than formatting)."""
    if value.__class__ is Decimal:
        text = str(value)
        if "E" not in text and "e" not in text:
            return text
    return format(value, "f")


DECIMAL_SCALAR = _scalar(
    "Decimal",
    (
        'An exact decimal number, written in JSON as a string in plain notation (`"1250.50"`, '
        "never `1.2505E3`) and never as a JSON number: most clients (JavaScript, many JSON "
        "libraries) read a JSON number as a binary floating-point value, which cannot hold "
        "every öre exactly, and amounts must stay exact. Read it into a decimal type (Python "
        "`decimal.Decimal`, a decimal library in JavaScript), not a float. Amounts are Swedish "
        "kronor (SEK) unless a currency beside them says otherwise. In the payment views "
        "(`Utbetalning`, `Utbetalningsdel`, `Manadssumma`, `Manadstotal`) an amount always has "
        'two decimals (`"1250.00"`, `"0.00"`), more only when the source sent more than '
        "öre, and nothing is rounded. Everywhere else a value has the digits the agency sent "
        "(a LEFI share such as `0.750`, an FK amount such as `1250.5`); `Omfattning.andel`, "
        "which the facade computes, has up to 28 significant digits."
    ),
    write_decimal,
    parse_decimal,
)


parse_datetime = from_string(
    datetime.fromisoformat,
    "DateTime",
    "a DateTime is written in ISO 8601, e.g. 2026-03-01T10:15:00+01:00",
)


DATETIME_SCALAR = _scalar(
    "DateTime",
    (
        "A point in time, ISO 8601: date, time and the offset from UTC the agency sent "
        "(`2026-03-01T10:15:00+01:00`). The facade never converts a time into another zone: "
        "two values with different offsets may be the same instant, so compare them as "
        "instants, not as text. UTC sent as `Z` is written `+00:00`; fractions of a second are "
        "written to the microsecond (six digits; finer digits are cut). A time sent without an "
        "offset is answered without one, and its zone is then not stated. Only LEFI's times "
        "use it (Pensionsmyndigheten's account events, `kontohandelsetidpunkt`)."
    ),
    datetime.isoformat,
    parse_datetime,
)

SCALARS: dict[object, ScalarDefinition] = {
    Personnummer: PERSONNUMMER_SCALAR,
    date: DATE_SCALAR,
    datetime: DATETIME_SCALAR,
    Decimal: DECIMAL_SCALAR,
}
