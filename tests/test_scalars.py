"""The scalars say what they hold, in the project's words (codegen shows a scalar's description
to every client), and `Decimal` and `DateTime` are written and read as those words say."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from graphql import GraphQLError
from hypothesis import given
from hypothesis import strategies as st
from strawberry.schema.types.base_scalars import (
    DateDefinition,
    DateTimeDefinition,
    DecimalDefinition,
)

from schema.build import build_schema
from schema.scalars import parse_datetime, parse_decimal, write_decimal

# What each scalar's description must say: the facts a client needs to read the value right.
MUST_SAY = {
    "Decimal": ("string", "float", "exact", "SEK", "two decimals", "Utbetalning", "Manadstotal"),
    "DateTime": ("ISO 8601", "offset", "never converts", "without one"),
    "Date": ("YYYY-MM-DD", "offset", "dropped"),
    "Personnummer": ("10 or 12", "Luhn", "12 digits"),
}
GENERIC = {d.name: d.description for d in (DateDefinition, DateTimeDefinition, DecimalDefinition)}


def _description(name: str) -> str:
    return build_schema().graphql_schema.type_map[name].description or ""


@pytest.mark.parametrize("name", sorted(MUST_SAY))
def test_a_scalar_says_what_it_holds(name: str) -> None:
    text = _description(name)
    assert text != GENERIC.get(name), "strawberry's generic words"
    assert [fact for fact in MUST_SAY[name] if fact not in text] == []


def test_the_generic_words_would_fail() -> None:
    """Strawberry's own descriptions, the schema's before, say none of it."""
    for name in GENERIC:
        assert [fact for fact in MUST_SAY[name] if fact in (GENERIC[name] or "")] == []


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("1250.50"), "1250.50"),
        (Decimal("0.00"), "0.00"),
        (Decimal("1E+3"), "1000"),  # a JSON number 1e3 as LEFI may send it
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("0.750"), "0.750"),
        (Decimal("-62.5"), "-62.5"),
    ],
)
def test_a_decimal_is_written_plain_with_its_digits(value: Decimal, written: str) -> None:
    assert write_decimal(value) == written


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_a_decimal_is_written_as_plain_formatting_writes_it(value: Decimal) -> None:
    """The decimal's own text, where it has no exponent, is what plain formatting writes."""
    assert write_decimal(value) == format(value, "f")


def test_a_decimal_is_read_from_a_string_only() -> None:
    assert parse_decimal(" 11784.00 ") == Decimal("11784.00")
    for wrong in (11784.0, 11784, "elva", "NaN", "Infinity"):
        with pytest.raises(GraphQLError) as caught:
            parse_decimal(wrong)
        assert caught.value.extensions == {"code": "BAD_USER_INPUT"}


def test_a_datetime_keeps_the_offset_it_was_given() -> None:
    read = parse_datetime("2026-03-01T10:15:00+01:00")
    assert read.utcoffset() == timedelta(hours=1)
    assert read.isoformat() == "2026-03-01T10:15:00+01:00"
    assert parse_datetime("2026-03-01T09:15:00Z") == read.astimezone(UTC)
    assert parse_datetime("2026-03-01T10:15:00").tzinfo is None
    for wrong in ("den första mars", 20260301):
        with pytest.raises(GraphQLError) as caught:
            parse_datetime(wrong)
        assert caught.value.extensions == {"code": "BAD_USER_INPUT"}
