"""Turning a GraphQL operation into fetch plans: which person needs which parts of SSBTEK.

The whole operation is walked once, before execution (the planning step,
`schema/plan_step.py`): every `person` and `personer` root field, through named and inline
fragments, honouring `@include`/`@skip` and reading field arguments with variables. Aliases
and repeats merge, so each person is asked once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_nullable_type,
    get_operation_ast,
)
from graphql.execution.values import get_variable_values
from graphql.utilities.coerce_input_value import coerce_input_literal

from resolvers.errors import BadUserInput, Forbidden
from resolvers.plan import FetchPlan, OperationPlan, QuestionKey
from schema.limits import selected_fields

# The most selections one operation's plan may visit, fragments expanded once each.
MAX_SELECTIONS = 20_000

# How a selected field under `person` adds to the plan: (plan, field arguments, the field's
# own sub-selection walker) -> None.
FieldPlanner = Callable[[FetchPlan, dict[str, Any], "SelectionWalker", FieldNode], None]


# The nodes that select on each person of a root field, with the type their arguments belong to.
PersonNodes = Callable[["SelectionWalker", FieldNode], Iterable[tuple[Any, FieldNode]]]


class TooComplexToPlan(BadUserInput):
    """The operation selects more than a plan may visit: nothing of it is asked."""


class SelectionWalker:
    """Yields the fields a selection set selects, with fragments expanded and directives applied.

    Each selection set is expanded once and each field node yielded once, however many spreads
    reach it (a document of fragments that each spread the next twice would otherwise cost 2^n),
    and the whole walk visits at most `max_selections` selections.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variable_values: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variable_values = variable_values
        self.max_selections = MAX_SELECTIONS  # read here, so that a test can lower it
        self._visited = 0
        self._expanded: dict[int, list[FieldNode]] = {}

    def fields(self, selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
        """Every field node selected, in document order, after fragments and directives."""
        if selection_set is None:
            return iter(())
        return iter(self._expand(selection_set, set()))

    def _expand(self, selection_set: SelectionSetNode, open_sets: set[int]) -> list[FieldNode]:
        held = self._expanded.get(id(selection_set))
        if held is not None:
            return held
        if id(selection_set) in open_sets:  # a fragment cycle (validation refuses those)
            return []
        open_sets.add(id(selection_set))
        found: list[FieldNode] = []
        seen: set[int] = set()
        for selection in selection_set.selections:
            self._visited += 1
            if self._visited > self.max_selections:
                raise TooComplexToPlan(
                    f"the operation is too complex to plan (more than {self.max_selections} "
                    "selections after expanding fragments)"
                )
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                inner = [selection]
            elif isinstance(selection, InlineFragmentNode):
                inner = self._expand(selection.selection_set, open_sets)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                inner = [] if fragment is None else self._expand(fragment.selection_set, open_sets)
            else:
                inner = []
            for node in inner:
                if id(node) not in seen:
                    seen.add(id(node))
                    found.append(node)
        open_sets.discard(id(selection_set))
        self._expanded[id(selection_set)] = found
        return found

    def arguments(self, parent: GraphQLObjectType, node: FieldNode) -> dict[str, Any]:
        """The field's arguments given in the document, coerced to their types' values.

        Input objects come out as dicts keyed by GraphQL field name, as in variables."""
        field = parent.fields.get(node.name.value)
        if field is None:  # __typename and other meta fields take no arguments
            return {}
        definitions = field.args
        return {
            argument.name.value: self._value(argument.value, definitions[argument.name.value].type)
            for argument in node.arguments or ()
            if argument.name.value in definitions
        }

    def _value(self, node: ValueNode, kind: GraphQLInputType) -> Any:
        if isinstance(node, VariableNode):
            return self.variable_values.get(node.name.value)
        if isinstance(node, NullValueNode):
            return None
        kind = get_nullable_type(kind)
        if isinstance(kind, GraphQLList):
            items = node.values if isinstance(node, ListValueNode) else (node,)
            return [self._value(item, kind.of_type) for item in items]
        if isinstance(kind, GraphQLInputObjectType) and isinstance(node, ObjectValueNode):
            return {
                field.name.value: self._value(field.value, kind.fields[field.name.value].type)
                for field in node.fields
                if field.name.value in kind.fields
            }
        value = coerce_input_literal(node, kind)
        if value is Undefined:
            raise GraphQLError("an argument has a value of the wrong type")
        return value

    def _included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
            value = self._value(condition, GraphQLBoolean) if condition is not None else None
            if value is None:  # null: execution refuses the selection, so nothing here is read
                return False
            if (name == "skip") == bool(value):
                return False
        return True


def plan_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    person_keys: Callable[[str, dict[str, Any]], list[QuestionKey]],
    person_fields: dict[str, FieldPlanner],
    person_type_name: str,
    check: Callable[[QuestionKey, FetchPlan], None],
    into: OperationPlan,
    max_fields: int,
    person_nodes: PersonNodes | None = None,
) -> None:
    """Fill `into` with plans for every question the operation asks, from the parsed and
        validated document and the request's variables (public graphql-core APIs only).

        `person_keys(root_field_name, arguments)` turns a root field's arguments into question keys;
        `person_fields` maps each `Person` field name to how it adds to the plan; `check(key, plan)`
        refuses (BadUserInput) a plan that cannot be asked; `person_nodes(walker, root)` gives the
    nodes that select on each person of a root field, with the type their arguments belong to
    (default: the root's own selection, on `Person`). A root field whose arguments are bad is
        left out: its own resolver reports them. Variables that cannot be coerced leave the plan
        empty: execution reports them.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    walker = SelectionWalker(schema, fragments, getattr(coerced, "coerced", coerced))
    query_type = schema.query_type
    person_type = schema.get_type(person_type_name)
    if query_type is None or not isinstance(person_type, GraphQLObjectType):
        raise TypeError(f"the schema has no query type or no {person_type_name} type")

    def direct(walker: SelectionWalker, root: FieldNode) -> Iterator[tuple[Any, FieldNode]]:
        return ((person_type, node) for node in walker.fields(root.selection_set))

    try:
        _plan_roots(
            walker,
            operation,
            person_keys,
            person_fields,
            query_type,
            person_nodes or direct,
            check,
            into,
            max_fields,
        )
    except TooComplexToPlan as exc:  # nothing of the operation is asked
        into.refused = exc


def _plan_roots(
    walker: SelectionWalker,
    operation: Any,
    person_keys: Callable[[str, dict[str, Any]], list[QuestionKey]],
    person_fields: dict[str, FieldPlanner],
    query_type: GraphQLObjectType,
    person_nodes: PersonNodes,
    check: Callable[[QuestionKey, FetchPlan], None],
    into: OperationPlan,
    max_fields: int,
) -> None:
    answered_fields = 0
    for root in walker.fields(operation.selection_set):
        try:
            keys = person_keys(root.name.value, walker.arguments(query_type, root))
        except TooComplexToPlan:
            raise
        except (GraphQLError, BadUserInput, Forbidden):
            continue  # the root field's own resolver reports its bad arguments
        if not keys:
            continue
        # A list of people multiplies what the selection costs: the validation's static count
        # cannot see that (`personer` with fifty numbers and a rich selection).
        answered_fields += len(keys) * selected_fields(root.selection_set, walker.fragments)
        if answered_fields > max_fields:
            raise TooComplexToPlan(
                f"the operation asks for more than {max_fields} fields in all, counting each "
                "person of personer; ask for fewer people or fields, or in several operations"
            )
        plan = FetchPlan()
        try:
            for owner, node in person_nodes(walker, root):
                planner = person_fields.get(node.name.value)
                if planner is not None:
                    planner(plan, walker.arguments(owner, node), walker, node)
        except TooComplexToPlan:
            raise
        except (BadUserInput, GraphQLError) as exc:
            for key in keys:
                into.errors.setdefault(key, exc)
            continue
        for key in keys:
            held = into.plans.setdefault(key, FetchPlan())
            try:
                held.merge(plan)
                check(key, held)
            except BadUserInput as exc:
                into.errors.setdefault(key, exc)
