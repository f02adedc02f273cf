"""GraphQL documents and helpers that several test modules and the benchmarks share: a costly
fragment chain, a person question with bounded inputs, the whole-`Person` selection, a screen
with its benefits deferred, and the error codes of an answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type

from schema.build import build_schema
from schema.person import PERSON_FIELDS

PERSON_ARGS = (
    'personnummer: "198503151238", period: {from: "2026-01-01", tom: "2026-06-30"}, arende: "A"'
)

GUIDE = Path(__file__).parent.parent.parent / "docs" / "schema-guide.md"


def guide_operation(name: str) -> str:
    """The schema guide's example operation `name` as written there (so that a test or the bench
    runs what a reader copies)."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(rf"```graphql\n(query {name}\b.*?)\n```", text, re.S)
    if found is None:
        raise LookupError(f"docs/schema-guide.md has no operation {name}")
    return found.group(1)


# The caseworker's screen (the GraphiQL tab Arendevy): AF and Transportstyrelsen at once, the
# benefits (LEFI) deferred; and a list of people streamed.
ARENDEVY = guide_operation("Arendevy")
LISTA = guide_operation("Lista")

# A person question whose variables (`pnr`, `period`, `ar`) the facade bounds before any call.
QUERY = """query($pnr: Personnummer!, $period: PeriodInput!, $ar: [Int!]) {
  person(personnummer: $pnr, period: $period, arende: "A") {
    transportstyrelsen { resultat } skatteverket(ar: $ar) { fel { felkod } } } }"""


def fragment_chain(levels: int) -> str:
    """Fragments that each spread the next twice: 2^levels field sites in under 1 KB per level."""
    fragments = [
        f"fragment F{i} on Person {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels - 1)
    ] + [f"fragment F{levels - 1} on Person {{ transportstyrelsen {{ resultat }} }}"]
    return f"{{ person({PERSON_ARGS}) {{ ...F0 }} }} " + " ".join(fragments)


def refused_document(kind: str, seed: int = 0, size: int = 64_000) -> str:
    """A document of about `size` characters that the default limits refuse as
    QUERY_TOO_COMPLEX, different for each `seed`: `aliases` (aliases of `tjanstestatus`, over
    the alias limit), `fields` (`__typename` over and over, over the field limit; graphql-core's
    validation of many fields of one name is its slowest) or `tokens` (over the token limit)."""
    if kind == "aliases":
        parts, written = [], 0
        while written < size - 40:
            parts.append(f"a{len(parts)}_{seed}: tjanstestatus {{ myndighet }} ")
            written += len(parts[-1])
        body = "".join(parts)
    elif kind == "fields":
        body = f"s{seed}: __typename " + "__typename " * (size // 11)
    elif kind == "tokens":
        body = f"s{seed}: __typename " + "a " * (size // 2)
    else:
        raise ValueError(kind)
    return "{ " + body + "}"


def codes(answer: dict[str, Any]) -> set[str]:
    """The `extensions.code` of every error in an answer."""
    return {error["extensions"]["code"] for error in answer.get("errors") or []}


def lefi_classes(question: dict[str, Any]) -> dict[str, list[str]] | None:
    """The classes and groups of a question's LEFI part, as the simulator logged it (None when
    it asks no LEFI)."""
    lefi = question["lefiQuestion"]
    if lefi is None:
        return None
    return {k: v for k, v in lefi.items() if k not in ("personnummer", "period")}


def every_field(kind: GraphQLObjectType, depth: int, typename: bool = False) -> str:
    """A selection of every field of a type down to `depth` levels of objects (fields with a
    required argument left out), with `__typename` on each object if asked."""
    parts = ["__typename"] if typename else []
    for name, field in kind.fields.items():
        if any(isinstance(argument.type, GraphQLNonNull) for argument in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if not isinstance(inner, GraphQLObjectType):
            parts.append(name)
        elif depth > 1:
            parts.append(f"{name} {{ {every_field(inner, depth - 1, typename)} }}")
    return " ".join(parts)


def everything(arende: str) -> str:
    """Every field of `Person` to the leaves: all that SSBTEK answers, once, for the variables
    `pnr` and `period`. Left out: fields with a required argument, and the views across agencies
    (`utbetalningar`, `manadssummor`), which show the same payments again."""
    person = build_schema().graphql_schema.get_type("Person")
    across = {name for name, field in PERSON_FIELDS.items() if len(field.reads) > 1}
    parts = []
    for name, field in person.fields.items():
        inner = get_named_type(field.type)
        if name in across:
            continue
        if isinstance(inner, GraphQLObjectType):
            parts.append(f"{name} {{ {every_field(inner, 11)} }}")
        else:
            parts.append(name)
    return (
        "query($pnr: Personnummer!, $period: PeriodInput!) { person(personnummer: $pnr, "
        f'period: $period, arende: "{arende}") {{ {" ".join(parts)} }} }}'
    )


def answered_fields(value: Any) -> int:
    """The fields an answer resolved: every key of every object in it."""
    if isinstance(value, dict):
        return sum(1 + answered_fields(item) for item in value.values())
    if isinstance(value, list):
        return sum(answered_fields(item) for item in value)
    return 0


def without_key(value: Any, key: str) -> Any:
    """An answer (or any JSON value) with `key` left out of every object in it: what differs
    between answers alike (`korrelationsid`, new for every SSBTEK call; Apollo's `__typename`)."""
    if isinstance(value, dict):
        return {k: without_key(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [without_key(item, key) for item in value]
    return value


def without_korrelationsid(value: Any) -> Any:
    """An answer without the `korrelationsid`, which is new for every SSBTEK call."""
    return without_key(value, "korrelationsid")


def whole_person(schema: Any, variables: str = "$pnr: Personnummer!, $period: PeriodInput!") -> str:
    """An operation selecting every field of `Person` to the leaves (fields with a required
    argument left out), for `person(personnummer: $pnr, period: $period, arende: "A")`."""
    person = schema.get_type("Person")
    parts = []
    for name, field in person.fields.items():
        inner = get_named_type(field.type)
        if isinstance(inner, GraphQLObjectType):
            parts.append(f"{name} {{ {every_field(inner, 11)} }}")
        else:
            parts.append(name)
    return (
        f'query({variables}) {{ person(personnummer: $pnr, period: $period, arende: "A") '
        f"{{ {' '.join(parts)} }} }}"
    )


def wide_screen() -> str:
    """A caseworker's screen (AF and TNS at once) with every field of Försäkringskassan and
    Pensionsmyndigheten in a deferred fragment: some 10,000 plain fields for the variables `pnr`
    (`198503151238`) and `period`, for the fast path to complete or not."""
    person = build_schema().graphql_schema.get_type("Person")

    def every(name: str) -> str:
        return f"{name} {{ {every_field(get_named_type(person.fields[name].type), 11)} }}"

    return f"""query Bred($pnr: Personnummer!, $period: PeriodInput!) {{
  person(personnummer: $pnr, period: $period, arende: "bench") {{
    arbetsformedlingen {{ fornamn efternamn arbetssokandeInfo {{ arbetssokande }} }}
    transportstyrelsen {{ fordon {{ regnr }} }}
    ... @defer(label: "formaner") {{ {every("forsakringskassan")} {every("pensionsmyndigheten")} }}
  }}
}}"""
