"""Turning a GraphQL operation into fetch plans: which person needs which parts of SSBTEK.

The whole operation is walked once, before the first fetch: every `person` and `personer` root
field, through named and inline fragments, honouring `@include`/`@skip` and reading field
arguments with variables. Aliases and repeats merge, so each person is asked once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values, get_directive_values

from resolvers.errors import BadUserInput
from resolvers.plan import FetchPlan, PersonKey
from schema.context import OperationPlan

# How a selected field under `person` adds to the plan: (plan, field arguments, the field's
# own sub-selection walker) -> None.
FieldPlanner = Callable[[FetchPlan, dict[str, Any], "SelectionWalker", FieldNode], None]


class SelectionWalker:
    """Yields the fields a selection set selects, with fragments expanded and directives applied."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variable_values: Any,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variable_values = variable_values

    def fields(self, selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
        """Every field node selected, in document order, after fragments and directives."""
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self.fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    yield from self.fields(fragment.selection_set)

    def arguments(self, parent: GraphQLObjectType, node: FieldNode) -> dict[str, Any]:
        """The field's arguments, coerced as GraphQL does for its resolver."""
        return get_argument_values(parent.fields[node.name.value], node, self.variable_values)

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variable_values)
        if skip and skip.get("if"):
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variable_values)
        return not (include is not None and not include.get("if"))


def plan_operation(
    info: Any,
    person_keys: Callable[[str, dict[str, Any]], list[PersonKey]],
    person_fields: dict[str, FieldPlanner],
    person_type_name: str,
) -> OperationPlan:
    """Plans for every person the operation asks about.

    `person_keys(root_field_name, arguments)` turns a root field's arguments into person keys;
    `person_fields` maps each `Person` field name to how it adds to the plan.
    """
    raw = info._raw_info
    walker = SelectionWalker(raw.schema, raw.fragments, raw.variable_values)
    query_type = raw.schema.query_type
    person_type = raw.schema.get_type(person_type_name)
    result = OperationPlan()
    for root in walker.fields(raw.operation.selection_set):
        try:
            keys = person_keys(root.name.value, walker.arguments(query_type, root))
        except (GraphQLError, BadUserInput):
            continue  # the root field's own resolver reports its bad arguments
        if not keys:
            continue
        plan = FetchPlan()
        try:
            for node in walker.fields(root.selection_set):
                planner = person_fields.get(node.name.value)
                if planner is not None:
                    planner(plan, walker.arguments(person_type, node), walker, node)
        except (BadUserInput, GraphQLError) as exc:
            for key in keys:
                result.errors.setdefault(key, exc)
            continue
        for key in keys:
            held = result.plans.setdefault(key, FetchPlan())
            try:
                held.merge(plan)
            except BadUserInput as exc:
                result.errors.setdefault(key, exc)
    return result
