"""An XML agency's field is one declaration (`resolvers/decode/declare.py`): added in one place, it
is in the schema, decoded and planned. And what the declarations build is what the facade needs
of its decoded values: classes that read fast, compare by value and survive the Redis cache's
pickling."""

from __future__ import annotations

import dataclasses
import os
import pickle
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import strawberry
from graphql import parse
from strawberry.schema.config import StrawberryConfig

import resolvers.loader
from resolvers.agencies import Agency
from resolvers.decode.answer import AgencyPart, Answer
from resolvers.decode.arbetsformedlingen import ARBETSFORMEDLINGEN
from resolvers.decode.declare import (
    TEXT,
    AgencyDeclaration,
    Derived,
    Field,
    Items,
    Pairs,
    Type,
    Unknown,
)
from resolvers.plan import FetchPlan, Period, QuestionKey
from resolvers.xmlread import UnknownValue, parse_xml
from schema.lefi_types import resolve_attribute
from schema.person import person_type
from schema.person_field import agency_field
from schema.planner import selection_of
from schema.scalars import SCALARS
from tests.support import PERIOD, facade, facade_env, simulator

AF_NS = "http://api.arbetsformedlingen.se/arbetssokande/ersattningsstod/v2"
KEY = QuestionKey("t", "198503151238", Period(date(2026, 1, 1), date(2026, 6, 30)), "A-1")
ANSWER = parse_xml(
    f'<s:data xmlns:s="urn:ssbt" xmlns:er="{AF_NS}"><er:Svar>'
    "<er:Referensnummer>A-1</er:Referensnummer><er:Hemkommun>Solna</er:Hemkommun>"
    "</er:Svar></s:data>",
    "test",
)

# The one edit that adds a field: here in a test, in the agency's module in real life.
HEMKOMMUN = Field(
    "hemkommun", "Hemkommun", TEXT, "`Hemkommun`: the jobseeker's municipality (a test field)."
)


def with_field(declaration: AgencyDeclaration, added: Field) -> AgencyDeclaration:
    """The declaration with one more field at the end of its type (before `ovriga_element`)."""
    *fields, unknown = declaration.type.fields
    assert isinstance(unknown, Unknown)
    extended = Type(declaration.type.name, declaration.type.description, *fields, added, unknown)
    return dataclasses.replace(declaration, type=extended, module=__name__)


@dataclass
class OneAnswerLoader:
    """A loader that answers with one decoded part, and records what was read."""

    part: AgencyPart
    read: list[Agency] = field(default_factory=list)

    async def load(self, key: QuestionKey, agency: Agency) -> Answer:
        self.read.append(agency)
        return Answer(parts={agency: self.part})


@dataclass
class Context:
    loader: OneAnswerLoader


def _schema_of(person_fields: dict[str, Any]) -> strawberry.Schema:
    """A schema whose root `person` is a `Person` with these fields, configured as the facade's
    (`schema/build.py`)."""
    person = person_type(person_fields)

    def resolve_person() -> Any:
        return person(personnummer=KEY.personnummer, key=KEY)

    resolve_person.__annotations__ = {"return": person}
    query = strawberry.type(
        type("Query", (), {"person": strawberry.field(resolver=resolve_person)}),
        description="The test's root.",
    )
    return strawberry.Schema(
        query=query,
        config=StrawberryConfig(scalar_map=SCALARS, default_resolver=resolve_attribute),
    )


async def test_a_field_added_to_a_declaration_is_in_the_schema_decoded_and_planned() -> None:
    declared = with_field(ARBETSFORMEDLINGEN, HEMKOMMUN)
    person_fields = agency_field(declared)
    schema = _schema_of(person_fields)

    # In the SDL, where the declaration puts it, with its description.
    sdl = schema.as_str()
    assert (
        '  """`Hemkommun`: the jobseeker\'s municipality (a test field)."""\n'
        "  hemkommun: String\n\n"
        '  """\n  Every element and attribute below `data`'
    ) in sdl

    # Decoded from an answer that holds it, and no longer kept as unknown; the declaration
    # without it keeps the element in `ovriga_element`, as before.
    decoded = declared.read(ANSWER)
    assert (decoded.hemkommun, decoded.referensnummer) == ("Solna", "A-1")
    assert decoded.ovriga_element == []
    before = ARBETSFORMEDLINGEN.read(ANSWER)
    assert not hasattr(before, "hemkommun")
    assert before.ovriga_element == [UnknownValue("Svar/Hemkommun", "Solna")]

    # Planned: selecting it asks Arbetsförmedlingen (with its own period when given one).
    [(name, person_field)] = person_fields.items()
    assert name == "arbetsformedlingen"
    document = parse(
        '{ person { arbetsformedlingen(period: {from: "2026-02-01", tom: "2026-02-28"}) '
        "{ hemkommun } } }"
    )
    [person] = selection_of(schema._schema, document)
    [selected] = person.fields()
    plan = FetchPlan()
    own = {"from": date(2026, 2, 1), "tom": date(2026, 2, 28)}
    person_field.planner(plan, selected)
    assert plan.agencies == {Agency.AF} == person_field.reads
    assert plan.own_periods(KEY.period) == {Agency.AF: Period(own["from"], own["tom"])}

    # Answered through the schema, read from the decoded value.
    loader = OneAnswerLoader(AgencyPart(data=decoded))
    result = await schema.execute(
        "{ person { arbetsformedlingen { fel { felkod } hemkommun referensnummer } } }",
        context_value=Context(loader),
    )
    assert result.errors is None
    assert result.data == {
        "person": {
            "arbetsformedlingen": {"fel": None, "hemkommun": "Solna", "referensnummer": "A-1"}
        }
    }
    assert loader.read == [Agency.AF]


@pytest.fixture(scope="module")
def decoded_alla() -> dict[Agency, Any]:
    """Every XML agency's decoded part of the simulator's person with everything."""
    from tests.support.queries import everything

    parts: dict[Agency, Any] = {}
    original = resolvers.loader.decode_answer

    def keeping(element: Any, agencies: Any) -> Any:
        answer = original(element, agencies)
        parts.update({a: p.data for a, p in answer.parts.items() if a is not Agency.FK})
        return answer

    resolvers.loader.decode_answer = keeping  # type: ignore[assignment]
    try:
        with simulator() as sim, facade(facade_env(sim.url, SSBTEK_AUDIT_FILE=os.devnull)) as api:
            api.query(everything("declarations"), {"pnr": "198503151238", "period": PERIOD})
    finally:
        resolvers.loader.decode_answer = original
    assert set(parts) == set(Agency) - {Agency.FK}
    return parts


def test_decoded_answers_survive_the_redis_caches_pickling(decoded_alla: dict[Agency, Any]) -> None:
    for agency, data in decoded_alla.items():
        assert data is not None, agency
        assert pickle.loads(pickle.dumps(data)) == data, agency


def test_decoded_values_are_frozen_and_slotted(decoded_alla: dict[Agency, Any]) -> None:
    for data in decoded_alla.values():
        assert not hasattr(data, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            data.ovriga_element = []


# -- the vocabulary, on a declaration of its own -------------------------------------------------

INNER = Type(
    "ProvInre",
    "An object of the test.",
    Field("kod", "kod", TEXT, "The code."),
    Field("lang", "@lang", TEXT, "An attribute."),
)
PAIR = Type(
    "ProvPar",
    "A pair of the test.",
    Field("a", "A", TEXT, "The first of a pair."),
    Field("b", "B", TEXT, "The second of a pair."),
)
TEST = AgencyDeclaration(
    Agency.TNS,
    Type(
        "ProvSvar",
        "The test's answer.",
        Field("namn", ("Namn", "Name"), TEXT, "The first of two spellings that was sent."),
        Field("inner", "Inner", INNER, "An object."),
        Field("typ", "Inner/@typ", TEXT, "An attribute of an element below."),
        Items("texter", "Lista/Text", TEXT, "Texts, a nil one null."),
        Items("inre", ("Gamla/Inner", "Nya/Inner"), INNER, "Items of both wrappers, in order."),
        Items("saknas", "Saknas/Inner", INNER, "Null without its wrapper.", null_without="Saknas"),
        Pairs("par", PAIR, "Paired by position."),
        Derived("antal", "Int", "Computed.", lambda texter: len(texter), ("texter",)),
        Unknown("What the test does not name."),
    ),
    about="A test agency.",
    fel="The test agency's error.",
    module=__name__,
    at=("Svar",),
)


def test_every_construct_reads_what_it_declares_and_keeps_the_rest() -> None:
    element = parse_xml(
        '<data xmlns:x="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<x:Svar><!-- a comment --><?pi here?><Name>second spelling</Name>"
        '<x:Inner lang="sv" typ="t"><kod>K</kod><ny>n</ny></x:Inner>'
        '<Lista><Text>a</Text><Text xsi:nil="true"/><Text/></Lista>'
        "<Gamla><Inner><kod>1</kod></Inner></Gamla><Nya><Inner><kod>2</kod></Inner></Nya>"
        "<A>a0</A><B>b0</B><A>a1</A><Okand>o</Okand></x:Svar><Eko>e</Eko></data>",
        "test",
    )
    read = TEST.read(element)
    assert read.namn == "second spelling"
    assert (read.typ, read.inner.kod, read.inner.lang) == ("t", "K", "sv")
    assert read.texter == ["a", None, ""]
    assert [item.kod for item in read.inre] == ["1", "2"]
    assert read.saknas is None
    assert [(pair.a, pair.b) for pair in read.par] == [("a0", "b0"), ("a1", None)]
    assert read.antal == 3
    assert read.ovriga_element == [
        UnknownValue("Svar/Inner/ny", "n"),
        UnknownValue("Svar/Okand", "o"),
        UnknownValue("Eko", "e"),
    ]
    assert TEST.read(parse_xml("<data><Annat/></data>", "test")) is None
    assert INNER.known == {"kod": None, "@lang": None}  # not changed by TEST's "Inner/@typ"


def test_a_declaration_that_cannot_be_read_fails_when_made() -> None:
    unknown = Unknown("Kept.")
    with pytest.raises(ValueError, match="twice"):
        Type("T", "Twice.", Field("a", "A", TEXT, "One."), Field("a", "B", TEXT, "Two."))
    with pytest.raises(ValueError, match="unknown content"):
        AgencyDeclaration(
            Agency.TNS, Type("T", "Not last.", unknown, Field("a", "A", TEXT, "A value.")),
            about="A.", fel="F.", module=__name__,
        )  # fmt: skip
    value = Field("a", "A", TEXT, "A value.")
    value_and_wrapper = Type("T", "Both.", value, Field("b", "A/B", TEXT, "Below it."), unknown)
    with pytest.raises(ValueError, match="as a value and as a wrapper"):
        _ = value_and_wrapper.known
    with pytest.raises(ValueError, match="from an attribute"):
        _ = Type("T", "A list.", Items("a", "@a", TEXT, "Of attributes."), unknown).read
