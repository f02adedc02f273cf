"""Every `Person` field has a planner, and its resolver reads only the agencies its planner asks
for: the loader's "a field read an agency the plan did not ask for" can never happen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from graphql import parse

from resolvers.agencies import Agency
from resolvers.decode.answer import AgencyPart, Answer
from resolvers.plan import FetchPlan, Period, QuestionKey
from schema.build import build_schema
from schema.person import PERSON_FIELDS, Person
from schema.planner import Selected, selection_of
from tests.support.queries import PERSON_ARGS

KEY = QuestionKey("t", "198503151238", Period(date(2026, 1, 1), date(2026, 6, 30)), "A-1")
SCHEMA = build_schema()


@dataclass
class RecordingLoader:
    """A loader that answers every agency with empty data and records what was read."""

    read: list[Agency] = field(default_factory=list)

    async def load(self, key: QuestionKey, agency: Agency) -> Answer:
        self.read.append(agency)
        return Answer(parts={agency: AgencyPart(data=None)})


@dataclass
class FakeContext:
    loader: RecordingLoader


@dataclass
class FakeInfo:
    context: FakeContext


def selected_on_person(name: str) -> Selected:
    """`Person.<name>` with every one of its object's fields selected, as the planner sees it."""
    kind = SCHEMA.graphql_schema.get_type("Person").fields[name].type
    while hasattr(kind, "of_type"):
        kind = kind.of_type
    inner = " ".join(f"{sub} {{ __typename }}" for sub in kind.fields if sub != "fel")
    document = parse(
        f"{{ person({PERSON_ARGS}) {{ {name} {{ fel {{ felkod }} {inner} }} }} }}",
        no_location=True,
    )
    [person] = selection_of(SCHEMA.graphql_schema, document)
    [selected] = person.fields()
    return selected


def test_every_person_field_but_the_number_is_an_agency_field() -> None:
    graphql_fields = set(SCHEMA.graphql_schema.get_type("Person").fields)
    assert graphql_fields == {"personnummer", *PERSON_FIELDS}
    asked_by_some_field = set().union(*(f.reads for f in PERSON_FIELDS.values()))
    assert asked_by_some_field == set(Agency)


@pytest.mark.parametrize("name", sorted(PERSON_FIELDS))
async def test_the_resolver_reads_only_what_the_planner_asks(name: str) -> None:
    person_field = PERSON_FIELDS[name]
    plan = FetchPlan()
    person_field.planner(plan, selected_on_person(name))
    assert person_field.reads <= plan.agencies, name

    loader = RecordingLoader()
    resolver = person_field.field.base_resolver.wrapped_func
    await resolver(Person(personnummer=KEY.personnummer, key=KEY), FakeInfo(FakeContext(loader)))
    assert loader.read, f"{name} read nothing"
    assert set(loader.read) <= person_field.reads, name
