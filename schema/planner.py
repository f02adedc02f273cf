"""The planner: which person the operation asks about, and which parts of SSBTEK each needs.

It reads what graphql-core itself collects for the execution it is about to run: the executor's
own `collect_fields` and `collect_subfields` (fragments, aliases, `@include`/`@skip`, `@defer`
as graphql-core applies them) and its `get_argument_values` for arguments. The planner and
execution cannot disagree about what is selected: both use graphql-core's collection, the one
walker there is. (Execution collects the root fields and each root field's children again: the
groups the planner collects are not the lists execution later passes, so graphql-core's memo does
not share them; planning inside `execute_collected_root_fields` would.) The plan it makes
(`resolvers/plan.py OperationPlan`) holds each root field's question keys, each question's fetch
plan, and, where fragments are deferred, which agencies each of a person's questions asks
(`questions_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)
from graphql.execution.collect_fields import DeferUsage, FieldDetails, collect_fields
from graphql.execution.executor import Executor
from graphql.execution.values import get_argument_values

from resolvers.agencies import Agency
from resolvers.errors import BadUserInput, Forbidden
from resolvers.plan import Delivery, FetchPlan, OperationPlan, QuestionKey, RootPlan
from schema.per_operation import KeptPerOperation

# The most fields one operation's plan may visit, each collected group once.
MAX_SELECTIONS = 20_000


class TooComplexToPlan(BadUserInput):
    """The operation selects more than a plan may visit: nothing of it is asked."""


class PlanningFailed(Exception):
    """Planning met an unexpected error; a masked internal error where people are read."""


@dataclass
class Counter:
    """The fields an operation's plan has visited, against its bound."""

    limit: int = MAX_SELECTIONS
    visited: int = 0

    def visit(self, count: int) -> None:
        """Count `count` more fields; TooComplexToPlan past the bound."""
        self.visited += count
        if self.visited > self.limit:
            raise TooComplexToPlan(
                f"the operation is too complex to plan (more than {self.limit} selections "
                "after expanding fragments)"
            )


@dataclass
class Selected:
    """One field selected on an object, as graphql-core collects it for execution: its response
    key, its definition on `parent_type`, its field nodes with their `@defer` usages, and (read
    once) its arguments as graphql-core coerces them."""

    executor: Executor[Any]  # graphql-core's Executor of this operation
    parent_type: GraphQLObjectType
    response_key: str
    details: list[FieldDetails]
    counter: Counter = field(default_factory=Counter)

    @property
    def name(self) -> str:
        """The field's name in the schema."""
        return self.details[0].node.name.value

    @property
    def node(self) -> FieldNode:
        """The first of the field's nodes (graphql-core reads arguments from it)."""
        return self.details[0].node

    @cached_property
    def arguments(self) -> dict[str, Any]:
        """The field's arguments, coerced by graphql-core as execution coerces them (input
        objects as dicts keyed by their GraphQL field names)."""
        definition = self.parent_type.fields.get(self.name)
        if definition is None:  # __typename and other meta fields
            return {}
        return get_argument_values(definition, self.node, self.executor.variable_values)

    @cached_property
    def deferred(self) -> DeferUsage | None:
        """The `@defer` the field's delivery waits for: None when any of its nodes is delivered
        with its parent, else the first node's."""
        usages = [details.defer_usage for details in self.details]
        if None in usages:
            return None
        return usages[0]

    def fields(self) -> list[Selected]:
        """The fields selected under this one, on its own type, as graphql-core collects them
        for execution."""
        definition = self.parent_type.fields.get(self.name)
        if definition is None:
            return []
        inner = get_named_type(definition.type)
        if not isinstance(inner, GraphQLObjectType):
            return []
        grouped = self.executor.collect_subfields(inner, self.details).grouped_field_set
        self.counter.visit(len(grouped))
        return [
            Selected(self.executor, inner, key, details, self.counter)
            for key, details in grouped.items()
        ]

    def field(self, name: str) -> Iterator[Selected]:
        """The fields of this one's selection named `name` (one per response key)."""
        return (inner for inner in self.fields() if inner.name == name)


# How a selected field under `Person` adds to its question's plan.
FieldPlanner = Callable[[FetchPlan, Selected], None]
# The fields selecting on each person of a root field, with where their arguments belong.
PersonFields = Callable[[Selected], Iterator[Selected]]
# A root field's people: (the root field) -> [(role, key)]; BadUserInput/Forbidden when its
# arguments cannot be asked.
RootKeys = Callable[[Selected], list[tuple[Any, QuestionKey]]]


@dataclass(frozen=True)
class Planners:
    """What the planner needs to know of the schema's people fields."""

    root_keys: RootKeys
    person_fields: dict[str, FieldPlanner]
    fields_of_people: PersonFields
    check: Callable[[QuestionKey, FetchPlan], None]
    max_fields: int


def selection_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> list[Selected]:
    """The root fields of an operation as graphql-core collects them (for tests and tools that
    plan a document outside an execution)."""
    executor = Executor.build(schema, document, raw_variable_values=variables,
                              operation_name=operation_name)  # fmt: skip
    if isinstance(executor, list):
        raise executor[0]
    query_type = _query_type(schema)
    grouped = collect_fields(
        schema, executor.fragments, executor.variable_values, query_type, executor.operation
    ).grouped_field_set
    return [Selected(executor, query_type, key, details) for key, details in grouped.items()]


def plan_operation(executor: Executor[Any], planners: Planners, into: OperationPlan) -> None:
    """Fill `into` with the operation's plan: every root field's keys (or the error that its
    arguments give), every question's fetch plan, and each person's questions. Raises
    GraphQLError where graphql-core's collection does (execution then reports it)."""
    query_type = _query_type(executor.schema)
    grouped = collect_fields(
        executor.schema,
        executor.fragments,
        executor.variable_values,
        query_type,
        executor.operation,
        executor.hide_suggestions,
    ).grouped_field_set
    counter = Counter(MAX_SELECTIONS)  # read here, so that a test can lower it
    counter.visit(len(grouped))
    roots = [
        Selected(executor, query_type, key, details, counter) for key, details in grouped.items()
    ]
    answered_fields = 0
    try:
        for root in roots:
            answered_fields = _plan_root(root, planners, into, answered_fields)
    except TooComplexToPlan as exc:  # nothing of the operation is asked
        into.refused = exc


def _query_type(schema: GraphQLSchema) -> GraphQLObjectType:
    """The schema's query type (the facade's schema always has one)."""
    if schema.query_type is None:
        raise ValueError("the schema has no query type")
    return schema.query_type


def _plan_root(
    root: Selected, planners: Planners, into: OperationPlan, answered_fields: int
) -> int:
    try:
        members = planners.root_keys(root)
    except TooComplexToPlan:
        raise
    except (GraphQLError, BadUserInput, Forbidden) as exc:
        into.roots[root.response_key] = RootPlan(error=exc)
        return answered_fields
    planned = into.roots[root.response_key] = RootPlan(members=members)
    if not members:
        return answered_fields
    keys = planned.keys
    person_fields = list(planners.fields_of_people(root))
    # A list of people multiplies what the selection costs: the validation's static count
    # cannot see that (`personer` with fifty numbers and a rich selection).
    answered_fields += len(keys) * _fields_below(person_fields)
    if answered_fields > planners.max_fields:
        raise TooComplexToPlan(
            f"the operation asks for more than {planners.max_fields} fields in all, counting "
            "each person of personer; ask for fewer people or fields, or in several operations"
        )
    try:
        groups = _plans_by_delivery(person_fields, planners.person_fields)
    except TooComplexToPlan:
        raise
    except (BadUserInput, GraphQLError) as exc:
        for key in keys:
            into.errors.setdefault(key, exc)
        return answered_fields
    for key in keys:
        held = into.plans.setdefault(key, FetchPlan())
        try:
            for _, plan in groups:
                held.merge(plan)
            planners.check(key, held)
        except BadUserInput as exc:
            into.errors.setdefault(key, exc)
            continue
        into.deliveries.setdefault(key, []).extend(groups)
    return answered_fields


def _fields_below(selected: list[Selected]) -> int:
    """The fields a person's selection answers, to any depth (each field once). Walked once
    per parsed operation, selection and values of the directives' variables (a whole person's
    selection is some 3,000 fields, 900 groups collected: milliseconds a request), then kept
    with the visits the walk counted, which are counted again."""
    if not selected:
        return 0
    executor, counter = selected[0].executor, selected[0].counter
    kept = FIELD_COUNTS.of(executor.operation, executor.fragments).for_values(
        executor.variable_values.coerced
    )
    key = tuple(
        (id(s.parent_type), s.response_key, *(id(details.node) for details in s.details))
        for s in selected
    )
    held: tuple[int, int] | None = kept.get(key)
    if held is not None:
        total, visited = held
        counter.visit(visited)
        return total
    before = counter.visited
    total = _walked(selected)
    kept[key] = (total, counter.visited - before)
    return total


def _walked(selected: list[Selected]) -> int:
    total = 0
    pending = list(selected)
    while pending:
        current = pending.pop()
        total += 1
        try:
            pending.extend(current.fields())
        except GraphQLError:  # a directive that cannot be coerced: execution nulls it
            continue
    return total


# The count of each person selection, by the field nodes it is made of.
FIELD_COUNTS = KeptPerOperation()


def _plans_by_delivery(
    person_fields: list[Selected], planners: dict[str, FieldPlanner]
) -> list[tuple[Delivery, FetchPlan]]:
    """One plan per delivery of a person's fields: those in the operation's first payload (key
    None), then each `@defer` they wait for (key: the directive's node), in the order they first
    appear."""
    groups: dict[Delivery, FetchPlan] = {}
    for selected in person_fields:
        planner = planners.get(selected.name)
        if planner is None:
            continue
        usage = selected.deferred
        delivery = None if usage is None else id(usage.directive_node)
        try:
            planner(groups.setdefault(delivery, FetchPlan()), selected)
        except GraphQLError:
            # A directive below that cannot be coerced: graphql-core nulls the field where it
            # collects that selection, after its resolver read what the planner added so far
            # (e.g. `forsakringskassan` itself); nothing below it is asked.
            continue
    return list(groups.items())


def questions_of(
    deliveries: list[tuple[Delivery, FetchPlan]], limit: int
) -> list[frozenset[Agency]]:
    """The agencies of each of a person's SSBTEK questions: one per delivery (the person's own
    first, then each deferred fragment's), each agency asked in the first delivery that needs
    it, deliveries that need nothing new asking nothing; past `limit` questions, the later
    deferred fragments share the last."""
    needs: dict[Delivery, set[Agency]] = {None: set()}  # the first payload's first
    for delivery, plan in deliveries:
        needs.setdefault(delivery, set()).update(plan.agencies)
    asked: set[Agency] = set()
    questions: list[set[Agency]] = []
    for agencies in needs.values():
        new = agencies - asked
        if not new:
            continue
        asked |= new
        if len(questions) < limit:
            questions.append(new)
        else:
            questions[-1] |= new
    return [frozenset(question) for question in questions]
