"""The GraphQL types written by hand that resolve straight from the resolvers' dataclasses (the
payment rows, `Myndighetsfel`) are twins of them: every GraphQL field has an attribute of the
same python name and a compatible type, all the way down. A field missing on one side fails
here, not as a masked error at query time. (The XML agencies' types need no such check: they are
built from the one declaration their decoders read, `schema/declared.py`.)"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition

from resolvers import payments
from resolvers.decode import answer
from schema import payments as schema_payments
from schema.common import Myndighetsfel

# GraphQL scalars (python side) and the decoder types they may hold.
SCALARS: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    bool: (bool,),
    float: (float, Decimal),
    Decimal: (Decimal,),
    date: (date,),
    datetime: (datetime,),
}


def _unwrap_graphql(kind: Any) -> tuple[Any, bool, bool]:
    """(named type, nullable, list) of a strawberry field type."""
    nullable = isinstance(kind, StrawberryOptional)
    if nullable:
        kind = kind.of_type
    is_list = isinstance(kind, StrawberryList)
    if is_list:
        kind = kind.of_type
        if isinstance(kind, StrawberryOptional):
            kind = kind.of_type
    return kind, nullable, is_list


def _unwrap_python(hint: Any) -> tuple[Any, bool, bool]:
    """(named type, optional, list) of a dataclass field's type hint."""
    args = typing.get_args(hint)
    optional = type(None) in args and isinstance(hint, types.UnionType | typing._UnionGenericAlias)
    if optional:
        rest = [a for a in args if a is not type(None)]
        hint = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    is_list = typing.get_origin(hint) in (list, tuple)
    if is_list:
        hint = typing.get_args(hint)[0]
    return hint, optional, is_list


def _supertype(kind: Any) -> Any:
    return getattr(kind, "__supertype__", kind)  # NewType scalars such as Personnummer


def twin_problems(graphql_cls: type, decoder_cls: type, where: str, skip: set[str]) -> list[str]:
    """Every mismatch between a strawberry type and a decoder dataclass, as readable lines."""
    problems: list[str] = []
    hints = typing.get_type_hints(decoder_cls)
    names = {f.name for f in dataclasses.fields(decoder_cls)}
    for attribute, value in vars(decoder_cls).items():  # computed attributes count too
        if isinstance(value, property) and value.fget is not None:
            hints[attribute] = typing.get_type_hints(value.fget)["return"]
            names.add(attribute)
    definition = graphql_cls.__strawberry_definition__  # type: ignore[attr-defined]
    for graphql_field in definition.fields:
        name = graphql_field.python_name
        if graphql_field.base_resolver is not None or name in skip:
            continue
        here = f"{where}.{name}"
        if name not in names:
            problems.append(f"{here}: no decoder attribute")
            continue
        g_kind, g_nullable, g_list = _unwrap_graphql(graphql_field.type)
        p_kind, p_optional, p_list = _unwrap_python(hints[name])
        if g_list != p_list:
            problems.append(f"{here}: list on one side only")
        if p_optional and not g_nullable:
            problems.append(f"{here}: the decoder may give None to a non-null field")
        if has_object_definition(g_kind):
            if not dataclasses.is_dataclass(p_kind):
                problems.append(f"{here}: an object in GraphQL, {p_kind!r} in the decoder")
            else:
                problems += twin_problems(g_kind, p_kind, here, set())
        elif isinstance(g_kind, StrawberryEnumDefinition) or (
            isinstance(g_kind, type) and issubclass(g_kind, Enum)
        ):
            if not (isinstance(p_kind, type) and issubclass(p_kind, Enum | str)):
                problems.append(f"{here}: an enum in GraphQL, {p_kind!r} in the decoder")
        else:
            allowed = SCALARS.get(_supertype(g_kind))
            if allowed is None or _supertype(p_kind) not in allowed:
                problems.append(f"{here}: {g_kind!r} in GraphQL, {p_kind!r} in the decoder")
    return problems


@pytest.mark.parametrize(
    ("graphql_type", "row"),
    [(schema_payments.Utbetalning, payments.Utbetalning),
     (schema_payments.Manadssumma, payments.Manadssumma)],
)  # fmt: skip
def test_the_payment_types_are_twins_of_the_payment_rows(graphql_type: Any, row: Any) -> None:
    assert twin_problems(graphql_type, row, graphql_type.__name__, set()) == []


def test_myndighetsfel_is_the_twin_of_the_decoders_error() -> None:
    assert twin_problems(Myndighetsfel, answer.Myndighetsfel, "Myndighetsfel", set()) == []


def test_a_missing_attribute_is_found() -> None:
    """The check itself can fail."""

    @dataclasses.dataclass
    class Fewer:
        kalla: answer.Kalla
        felkod: str

    assert twin_problems(Myndighetsfel, Fewer, "Myndighetsfel", set()) == [
        "Myndighetsfel.felmeddelanden: no decoder attribute"
    ]
