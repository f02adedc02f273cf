"""GraphQL types for the LEFI v9 answer, generated from the project's LEFI model.

LEFI's answer has some 190 schemas; every one becomes a typed GraphQL object named as in the
contract (`LefiSjukpenningArende`, …), with fields named and typed as its JSON properties. The
value types LEFI repeats everywhere are written by hand once: `Belopp`, `Omfattning`, `Kod` and
`FranTill`. Objects are resolved straight from the decoder's dicts (see `resolve_attribute`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import strawberry

from resolvers.decode.lefi import UNKNOWN, lefi_meanings, lefi_model, python_name
from schema.common import OkantElement


def resolve_attribute(source: Any, name: str) -> Any:
    """The schema's default resolver: dict keys for decoded LEFI data, attributes otherwise."""
    if isinstance(source, dict):
        return source.get(name)
    return getattr(source, name)


@strawberry.type(
    description="LEFI `LefiBelopp`: an amount of money in a currency, as Försäkringskassan's "
    "model writes amounts (with öre where there are any; Pensionsmyndigheten's model writes "
    "whole kronor as plain numbers instead)."
)
class Belopp:
    summa: Decimal | None = strawberry.field(
        description="`summa`: the amount in `valuta`, exact, with the decimals LEFI sent "
        "(`1250.5` stays `1250.5`); null when LEFI left it out."
    )
    valuta: str | None = strawberry.field(
        description="`valuta`: the currency as an ISO 4217 code, `SEK` for Swedish kronor."
    )


@strawberry.type(
    description="LEFI `LefiOmfattning`: an extent as a fraction `taljare/namnare`. Other "
    "properties LEFI sends in it are kept in the enclosing object's `ovrigaFalt`."
)
class Omfattning:
    taljare: int | None = strawberry.field(
        description="`taljare`: numerator; null when LEFI left it out."
    )
    namnare: int | None = strawberry.field(
        description="`namnare`: denominator; null when LEFI left it out."
    )
    andel: Decimal | None = strawberry.field(
        description="`taljare / namnare` computed by the facade; null when either is missing or "
        "`namnare` is 0."
    )


@strawberry.type(
    description="A code and its words: LEFI's `LefiBokstavskod` (letters), `LefiSifferkod` "
    "(a number) and every `{kod, beskrivning}` enumeration, and in the payment views the "
    "codes of every source. What a code means depends on the field that holds it: the "
    "field's description says. `kod` is always the code exactly as the agency sent it, never "
    "rewritten: with the provider's prefix where LEFI writes one (Pensionsmyndigheten's "
    "codes and the group and type codes, `PM:AP`, `PM:PS`, `FK:SJP`), without one where it "
    "writes none (the letter and number codes of Försäkringskassan's model, `SJP`, `PS`, "
    "`1001`). The facade writes two codes of its own, in the payment views: "
    "`ARBETSLOSHETSERSATTNING`, the a-kassor's förmån, and the groups of a "
    "Pensionsmyndigheten payment that covers several, joined by `+` (`PM:AP+PM:BTI`), each "
    "as sent."
)
class Kod:
    kod: str | None = strawberry.field(
        description="`kod` or `id`: the code as text, exactly as sent (a number code such as "
        "`1001` as its digits)."
    )
    beskrivning: str | None = strawberry.field(
        description="`beskrivning`: the code in the agency's words, in Swedish; null when "
        "the agency sent the code alone."
    )


@strawberry.type(
    description="LEFI `LefiFranTill`: a period of one or two dates, each `YYYY-MM-DD` or "
    "`YYYY-MM`; one date alone means an open period. Other properties LEFI sends in it are kept "
    "in the enclosing object's `ovrigaFalt`."
)
class FranTill:
    fran: str | None = strawberry.field(description="`fran` as LEFI sent it.")
    till: str | None = strawberry.field(description="`till` as LEFI sent it.")
    fran_datum: date | None = strawberry.field(
        description="`fran` as a date (first day of the month for `YYYY-MM`); null when open."
    )
    till_datum: date | None = strawberry.field(
        description="`till` as a date (last day of the month for `YYYY-MM`); null when open."
    )


SPECIAL_TYPES: dict[str, type] = {
    "code": Kod,
    "belopp": Belopp,
    "omfattning": Omfattning,
    "frantill": FranTill,
}
SCALAR_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": Decimal,
    "boolean": bool,
    "date": date,
    "datetime": datetime,
}


@cache
def lefi_type(type_name: str) -> Any:
    """The GraphQL type of a LEFI model type, built on first use."""
    spec = lefi_model()["types"][type_name]
    if spec["kind"] != "object":
        return SPECIAL_TYPES[spec["kind"]]
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for field in spec["fields"]:
        scalar = SCALAR_TYPES.get(field["type"])
        kind = scalar or lefi_type(field["type"])
        attribute = python_name(field["name"])
        if field.get("list"):
            # A scalar that cannot be read becomes null in its list (and is kept in ovrigaFalt).
            annotations[attribute] = list[kind | None] if scalar else list[kind]  # type: ignore[valid-type]  # a type made at run time
        else:
            annotations[attribute] = kind | None
        namespace[attribute] = strawberry.field(
            name=graphql_name(field["name"]),
            description=_field_description(type_name, field),
            deprecation_reason=PHASED_OUT.get((type_name, field["name"])),
        )
    annotations[UNKNOWN] = list[OkantElement]
    namespace[UNKNOWN] = strawberry.field(
        name="ovrigaFalt",
        description="Properties LEFI sent that this type does not model, and values of the "
        "wrong kind: each with its `path` from this object and its `value` as JSON written out "
        "(numbers stay numbers). Empty when everything was read; nothing is dropped.",
    )
    namespace["__annotations__"] = annotations
    cls = type(type_name, (), namespace)
    return strawberry.type(cls, description=type_description(type_name))


# LEFI properties the contract says are being phased out, with the reason clients see.
PHASED_OUT = {
    ("LefiAktivitetsstodBeslut", "dagar"): "LEFI v9 says this property may be removed in a "
    "future version of the decision type: it is answered while LEFI sends it, and is null "
    "after.",
}


def graphql_name(json_name: str) -> str:
    """The GraphQL name of a LEFI property: its JSON name in camelCase (LEFI's few PascalCase
    properties, e.g. `underlag.Barn`, start with a small letter: `barn`)."""
    return json_name[:1].lower() + json_name[1:]


def type_description(type_name: str) -> str:
    """What a LEFI type is, in the project's words, and its name in the contract."""
    meaning = lefi_meanings().get(type_name, {}).get("")
    return f"{meaning} LEFI `{type_name}`." if meaning else f"LEFI `{type_name}`."


def _field_description(type_name: str, field: dict[str, Any]) -> str:
    """What a LEFI property means (the project's words), then what it holds, where it comes
    from and when it is null or empty (generated from the model)."""
    meaning = lefi_meanings().get(type_name, {}).get(field["name"])
    generated = _generated_description(type_name, field)
    return f"{meaning} {generated}" if meaning else generated


def _generated_description(type_name: str, field: dict[str, Any]) -> str:
    """What a LEFI property holds, where it comes from and when it is null or empty."""
    kind = field["type"]
    what = _KINDS.get(kind) or _MODEL_KINDS.get(
        lefi_model()["types"].get(kind, {}).get("kind", ""), f"a `{kind}` object"
    )
    # The contract's list of values: a text's own, or a code type's (`kod` one of them).
    enum = field.get("enum") or lefi_model()["types"].get(kind, {}).get("enum", "")
    values = lefi_model()["enums"].get(enum, [])
    listed = f" (one of {', '.join(map(str, values))})" if values else ""
    source = f"LEFI `{type_name}.{field['name']}`"
    if field.get("list"):
        return (
            f"{source}: a list, each {what}{listed}, as LEFI sent it; empty when LEFI sent none. "
            "An item of the wrong kind is null here and kept in `ovrigaFalt`."
        )
    return (
        f"{source}: {what}{listed}. Null when LEFI left it out; a value of the wrong kind is "
        "null here and kept in `ovrigaFalt`."
    )


_MODEL_KINDS = {
    "code": "a code (`kod`, `beskrivning`)",
    "belopp": "an amount (`summa`, `valuta`)",
    "omfattning": "an extent as a fraction (`taljare/namnare`, `andel`)",
    "frantill": "a period (`fran`, `till`, and as dates `franDatum`, `tillDatum`)",
}
_KINDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a decimal number (exact, never rounded)",
    "boolean": "true or false",
    "date": "a date",
    "datetime": "a date and time",
}
