"""The schema reads well for the developers who use it: everything described (types, fields,
arguments, enum values, input fields), in words that say more than the name, and camelCase
names throughout."""

from __future__ import annotations

import json
import re

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from resolvers.contract import CONTRACT_DIR
from resolvers.decode.lefi import lefi_model
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


# -- LEFI: what a field means, not only its kind and source ------------------------------------

# The LEFI types a caseworker reads most, each with every type it holds: the payments
# (Försäkringskassan's and Pensionsmyndigheten's), the decisions and the cases.
LEFI_ROOTS = ("LefiUtbetalningUppgift", "LefiPmFormanUtbetalning", "LefiPmFormanBeslut")
FOUR_WORDS = re.compile(r"\S+(\s+\S+){3,}")


def listed_lefi_types() -> set[str]:
    """The payment, decision and case types of LEFI and every object type they hold."""
    types = lefi_model()["types"]
    found: set[str] = set()
    todo = [*LEFI_ROOTS, *(name for name in types if name.endswith("Arende"))]
    while todo:
        name = todo.pop()
        if name in found or types.get(name, {}).get("kind") != "object":
            continue
        found.add(name)
        todo += [field["type"] for field in types[name]["fields"]]
    return found


def meaning_of(description: str | None, source: str) -> str:
    """The words a description says before its generated part, which starts by naming its
    source (`LEFI `T.f`:` for a field, `LEFI `T`.` for a type); "" when it has no words of its
    own, or lost the generated part."""
    text = description or ""
    return text.split(source)[0].strip() if source in text else ""


def says_what_it_means(meaning: str) -> bool:
    """Words of its own: a sentence of four words or more, not only a name."""
    return bool(FOUR_WORDS.fullmatch(meaning)) and not RESTATED.fullmatch(meaning)


def test_the_listed_lefi_types_are_the_payments_decisions_and_cases() -> None:
    listed = listed_lefi_types()
    assert len(listed) > 100
    assert {
        "LefiUtbetalningDetalj",
        "LefiPmFormanUtbetalningAvdrag",
        "LefiPmFormanUtbetalningRad",
        "LefiPmFormanBeslutadErsattning",
        "LefiPmFormanBeslutadErsattningUnderlagGarp",
        "LefiSjukpenningArende",
        "LefiSjukpenningBeslut",
        "LefiSjukpenningDag",
        "LefiMerkostnadsersattningPeriodbeslut",
        "LefiYrkesskadelivrantaEgenUppgifter",
    } <= listed


def test_every_listed_lefi_type_and_field_says_what_it_means() -> None:
    """Each listed type and each of its fields has words of its own before the generated
    kind and source, and keeps the generated part (source and null-ness)."""
    schema = build_schema().graphql_schema
    silent = []
    for name in sorted(listed_lefi_types()):
        kind = schema.type_map[name]
        assert isinstance(kind, GraphQLObjectType)
        if not says_what_it_means(meaning_of(kind.description, f"LEFI `{name}`.")):
            silent.append(name)
        for field in lefi_model()["types"][name]["fields"]:
            graphql_name = field["name"][:1].lower() + field["name"][1:]
            text = kind.fields[graphql_name].description or ""
            source = f"LEFI `{name}.{field['name']}`:"
            if not says_what_it_means(meaning_of(text, source)):
                silent.append(f"{name}.{field['name']}")
            elif "Null when" not in text and "empty when" not in text:
                silent.append(f"{name}.{field['name']} (no null rule)")
    assert silent == []


def test_the_meaning_check_fails_on_the_generated_words_alone() -> None:
    """The descriptions before this check had only the generated part: it finds no meaning
    in them."""
    generated = (
        "LEFI `LefiUtbetalningUppgift.typ`: a code (`kod`, `beskrivning`). Null when LEFI "
        "left it out; a value of the wrong kind is null here and kept in `ovrigaFalt`."
    )
    assert meaning_of(generated, "LEFI `LefiUtbetalningUppgift.typ`:") == ""
    old_type = "LEFI `LefiUtbetalningUppgift`, as the LEFI v9 answer has it."
    assert not says_what_it_means(meaning_of(old_type, "LEFI `LefiUtbetalningUppgift`."))
    assert not says_what_it_means("`typ`.")
    assert says_what_it_means(meaning_of("How it is paid: 1 monthly. " + generated, "LEFI `"))


def test_the_words_name_only_types_and_fields_the_model_has() -> None:
    """No words for a type or property LEFI's model no longer has, and no shared group a
    type takes nothing from (a misspelt name would silently describe nothing)."""
    words = json.loads((CONTRACT_DIR / "lefi-v9-descriptions.json").read_text("utf-8"))
    types = lefi_model()["types"]
    stale = []
    for name, spec in words["types"].items():
        fields = {field["name"] for field in types.get(name, {}).get("fields", [])}
        if not fields:
            stale.append(name)
        stale += [f"{name}.{field}" for field in spec.get("fields", {}) if field not in fields]
        stale += [
            f"{name} shares {group}"
            for group in spec.get("shared", [])
            if not fields & set(words["shared"][group])
        ]
    assert stale == []


# Codes whose meanings the contract states, and which the field's own words must explain:
# (type, field): the codes.
DEDUCTIONS = ("AFR", "ALA", "ART", "AVB", "AVR", "FMF", "FUM", "INC", "INF", "INM", "INU",
              "KOA", "KVI", "OAV", "PF", "PS", "PST", "SAV", "SKV", "SOC", "SS", "SST", "UMG",
              "UTF", "ÅFA", "ÖVA")  # fmt: skip
PERIODICITET = ("0 not periodically", "1 monthly", "2 quarterly", "3 half-yearly", "4 yearly")
EXPLAINED_CODES: dict[tuple[str, str], tuple[str, ...]] = {
    ("LefiUtbetalningUppgift", "typ"): (
        "0 a local",
        "1 monthly",
        "2 daily",
        "3 retroactive",
        "4 presumptive",
    ),
    ("LefiUtbetalningUppgift", "foretag"): ("1001 Försäkringskassan", "1003 Pensionsmyndigheten"),
    ("LefiUtbetalningDetalj", "beloppstyp"): tuple(f"{code} (" for code in DEDUCTIONS),
    ("LefiPmFormanBeslut", "beslutsstatus"): ("INTERIMISTISKT", "PRELIMINART", "SLUTLIGT"),
    ("LefiPmFormanBeslut", "beslutsutfall"): ("BIFALL", "AVSLAG"),
    ("LefiPmFormanBeslut", "formansgrupp"): ("PM:AP", "PM:BTI", "PM:EF"),
    ("LefiPmFormanUtbetalningRad", "formansgrupp"): ("PM:AP", "PM:BTI", "PM:EF"),
    ("LefiPmFormanBeslutatBelopp", "beloppsfrekvens"): (
        "`AR` a year",
        "`HALVAR`",
        "`KVARTAL`",
        "`MANAD` a month",
        "`VECKA`",
        "`DAG`",
        "`ENGANGS` once",
    ),
    ("LefiPmFormanUtbetalningAvdrag", "avdragstyp"): ("`PM:PS` preliminary tax", "`PM:SST`"),
    ("LefiMerkostnadsersattningBeslut", "beslutsutfall"): ("2 granted", "5 rejected", "10 reduced"),
    ("LefiOmvardnadsbidragBeslut", "beslutsutfall"): ("2 granted", "4 rejected", "7 ended"),
    ("LefiMerkostnadsersattningBeslut", "beslutstatus"): ("`S` final", "`I` interim"),
    ("LefiForaldrapenningErsattningsdag", "niva"): ("`L`", "`G`", "`S`"),
    ("LefiTillfalligForaldrapenningDag", "inkomsttyp"): ("0 unknown", "1 A-income", "2 B-income"),
    ("LefiSjukpenningBeslut", "beslutstyp"): ("`SLUTLIGT`", "`INTERMISTISKT`"),
    ("LefiSjukpenningBeslut", "beslutsutfall"): ("`BEVILJAN`", "`AVSLAG`"),
} | {
    (name, "periodicitet"): PERIODICITET
    for name, spec in lefi_model()["types"].items()
    if any(field["name"] == "periodicitet" for field in spec.get("fields", []))
}


@pytest.mark.parametrize(
    ("where", "codes"),
    sorted(EXPLAINED_CODES.items()),
    ids=[".".join(where) for where in sorted(EXPLAINED_CODES)],
)
def test_a_code_the_contract_explains_is_explained(
    where: tuple[str, str], codes: tuple[str, ...]
) -> None:
    type_name, field_name = where
    kind = build_schema().graphql_schema.type_map[type_name]
    text = kind.fields[field_name].description  # type: ignore[attr-defined]
    meaning = meaning_of(text, f"LEFI `{type_name}.{field_name}`:")
    assert [code for code in codes if code not in meaning] == []
