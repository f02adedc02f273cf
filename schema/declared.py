"""GraphQL types of the XML agencies, built from their declarations (`resolvers/decode/declare.py`
and each agency's `resolvers/decode/<name>.py`), as `schema/lefi_types.py` builds LEFI's from
its model.

Each declared `Type` becomes a strawberry type of the same name with the same fields, in order,
described as declared; their values are the decoded objects themselves, read by attribute (the
schema's default resolver), so nothing is converted. An agency's type adds `fel`, the agency's
error, before its fields, and every field of it is nullable: all but `fel` are null when the
agency erred or sent no data. Below it, a value is nullable unless declared `required`, and a list
is never null unless declared `null_without` its wrapper.
"""

from __future__ import annotations

import keyword
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import strawberry

from resolvers.decode.answer import AgencyPart
from resolvers.decode.declare import (
    AgencyDeclaration,
    Derived,
    Field,
    Items,
    Kind,
    Member,
    Pairs,
    Type,
    Unknown,
)
from schema.common import Myndighetsfel, OkantElement
from schema.scalars import Personnummer

SCALARS: dict[str, Any] = {
    "String": str,
    "Int": int,
    "Boolean": bool,
    "Decimal": Decimal,
    "Date": date,
    "Personnummer": Personnummer,
}


@cache
def object_type(declared: Type) -> Any:
    """The strawberry type of a declared type below an agency's own."""
    return _build(declared, root=None)


@cache
def agency_type(declaration: AgencyDeclaration) -> Any:
    """The strawberry type of an agency's answer: `fel`, then the declared fields."""
    return _build(declaration.type, root=declaration)


def agency_value(part: AgencyPart) -> dict[str, Any]:
    """What an agency's type resolves from: its `fel`, or the decoded answer's fields (none when
    the agency erred or sent nothing, so that they are null)."""
    data = part.data
    if part.fel is not None or data is None:
        return {"fel": part.fel}
    values = {name: getattr(data, name) for name in data.__dataclass_fields__}
    values["fel"] = None
    return values


def graphql_name(name: str) -> str | None:
    """The GraphQL name of a declared field when strawberry's camelCase would not give it: a
    python keyword escaped with `_` (`from_`) is the keyword."""
    bare = name[:-1]
    return bare if name.endswith("_") and keyword.iskeyword(bare) else None


def _build(declared: Type, root: AgencyDeclaration | None) -> Any:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    if root is not None:
        annotations["fel"] = Myndighetsfel | None
        namespace["fel"] = strawberry.field(description=root.fel)
    for member in declared.fields:
        kind = _graphql_kind(member)
        annotations[member.name] = kind if root is None else kind | None
        namespace[member.name] = strawberry.field(
            name=graphql_name(member.name),
            description=member.description,
            deprecation_reason=member.deprecated,
        )
    namespace["__annotations__"] = annotations
    return strawberry.type(type(declared.name, (), namespace), description=declared.description)


def _graphql_kind(member: Member) -> Any:
    """The type of a member below an agency's own type (where nothing is null for an error)."""
    if isinstance(member, Unknown):
        return list[OkantElement]
    if isinstance(member, Derived):
        return SCALARS[member.shows_as] | None
    item = _value_kind(member.kind)
    if isinstance(member, Pairs):
        return list[item]  # type: ignore[valid-type]  # a type made at run time
    if isinstance(member, Items):
        listed = list[item] if isinstance(member.kind, Type) else list[item | None]  # type: ignore[valid-type]  # a type made at run time
        return listed | None if member.null_without is not None else listed
    assert isinstance(member, Field)
    return item if member.required else item | None


def _value_kind(kind: Kind | Type) -> Any:
    shown = kind.shows_as if isinstance(kind, Kind) else kind
    if isinstance(shown, Type):
        return object_type(shown)
    return SCALARS[shown]
