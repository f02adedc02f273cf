"""The schema reads well for the developers who use it: everything described (types, fields,
arguments, enum values, input fields), in words that say more than the name, and camelCase
names throughout."""

from __future__ import annotations

import re

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from schema.build import build_schema

CAMEL = re.compile(r"[a-z][A-Za-z0-9]*")
# A description that only names the thing and its type, e.g. "`LefiX.y` (string)."
RESTATED = re.compile(r"`?[\w.]+`?( \(\w+( of \w+)?\))?\.?")


def _schema_parts() -> list[tuple[str, str, str | None]]:
    """(kind, coordinate, description) of every named thing in the schema."""
    schema = build_schema().graphql_schema
    parts: list[tuple[str, str, str | None]] = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        parts.append(("type", name, kind.description))
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                parts.append(("field", f"{name}.{field_name}", field.description))
                for arg_name, arg in getattr(field, "args", {}).items():
                    parts.append(("argument", f"{name}.{field_name}({arg_name})", arg.description))
        if isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                parts.append(("enum value", f"{name}.{value_name}", value.description))
    return parts


def test_everything_is_described() -> None:
    assert [(kind, where) for kind, where, text in _schema_parts() if not text] == []


def test_no_description_only_restates_the_name() -> None:
    restated = [
        (where, text)
        for kind, where, text in _schema_parts()
        if text and (RESTATED.fullmatch(text.strip()) or len(text.strip()) < 12)
    ]
    assert restated == []


def test_names_are_camel_case() -> None:
    wrong = [
        where
        for kind, where, _ in _schema_parts()
        if kind in ("field", "argument")
        and not CAMEL.fullmatch(re.split(r"[.(]", where)[-1].rstrip(")"))
    ]
    assert wrong == []


def test_the_checks_can_fail() -> None:
    assert RESTATED.fullmatch("`LefiSjukpenningDag.ersattningsdatum` (date).")
    assert not RESTATED.fullmatch("LEFI `LefiSjukpenningDag.ersattningsdatum`: a date.")
    assert not CAMEL.fullmatch("Barn")


def test_fields_being_phased_out_are_deprecated_with_a_reason() -> None:
    """Migrationsverket phases `inresedatum` out; LEFI v9 says `LefiAktivitetsstodBeslut.dagar`
    may be removed: clients' tools warn, and the SDL says why."""
    schema = build_schema().graphql_schema
    for type_name, field_name in (
        ("Migrationsverket", "inresedatum"),
        ("LefiAktivitetsstodBeslut", "dagar"),
    ):
        field = schema.type_map[type_name].fields[field_name]  # type: ignore[attr-defined]
        assert field.deprecation_reason and len(field.deprecation_reason) > 40, field_name
    deprecated = [
        where for kind, where, _ in _schema_parts() if kind == "field"
        and schema.type_map[where.split(".")[0]].fields[where.split(".")[1]].deprecation_reason  # type: ignore[attr-defined]
    ]  # fmt: skip
    assert sorted(deprecated) == ["LefiAktivitetsstodBeslut.dagar", "Migrationsverket.inresedatum"]
