"""What is worked out once from a parsed operation's collected fields and kept for its next
executions: the compiled completions (`schema/execution.py`), the count of a person's selection
(`schema/planner.py`). What graphql-core collects is decided by the document and the values of
the variables its directives read (`@include(if: $x)`, `@skip`, `@defer(if:)`), so that is what
such a thing is kept by."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)


def directive_variables(operation: OperationDefinitionNode, fragments: Any) -> tuple[str, ...]:
    """The variables the directives of an operation's selections and its fragments' read. An
    operation without variables has none, and is not walked (a large document's walk would
    cost the event loop milliseconds)."""
    if not operation.variable_definitions:
        return ()
    found: set[str] = set()
    definitions = (operation, *(getattr(f, "definition", f) for f in fragments.values()))
    sets: list[SelectionSetNode] = [definition.selection_set for definition in definitions]
    while sets:
        selection_set = sets.pop()
        for selection in selection_set.selections:
            for directive in selection.directives or ():
                for argument in directive.arguments or ():
                    found.update(_variables_in(argument.value))
            inner = getattr(selection, "selection_set", None)  # (a fragment spread has none)
            if inner is not None:
                sets.append(inner)
    return tuple(sorted(found))


def _variables_in(value: ValueNode) -> Iterator[str]:
    if isinstance(value, VariableNode):
        yield value.name.value
    elif isinstance(value, ListValueNode):
        for item in value.values:
            yield from _variables_in(item)
    elif isinstance(value, ObjectValueNode):
        for field in value.fields:
            yield from _variables_in(field.value)


# Things are kept for this many sets of directive variable values per operation.
MAX_VARIABLE_SETS = 16
# A directive variable the request did not give (and that has no default).
_NOT_GIVEN: Any = object()


class OperationKept:
    """What is kept for one parsed operation, a dict by the values of the variables its
    directives read."""

    def __init__(
        self,
        operation: OperationDefinitionNode,
        fragments: Any,
        on_gone: Callable[[weakref.ref[Any]], object],
    ) -> None:
        # Held weakly: kept as long as the parsed operation lives (the document cache's entry,
        # or one request for a document it does not keep).
        self.operation = weakref.ref(operation, on_gone)
        self.directive_variables = directive_variables(operation, fragments)
        self.by_values: dict[tuple[Any, ...], dict[Any, Any]] = {}

    def for_values(self, variables: dict[str, Any]) -> dict[Any, Any]:
        """What is kept for these variable values (a fresh dict when it cannot be kept)."""
        values = tuple(variables.get(name, _NOT_GIVEN) for name in self.directive_variables)
        try:
            held = self.by_values.get(values)
        except TypeError:  # an unhashable value: nothing is kept for it
            return {}
        if held is None:
            held = {}
            if len(self.by_values) < MAX_VARIABLE_SETS:  # else for this execution only
                self.by_values[values] = held
        return held


class KeptPerOperation:
    """What is kept for the parsed operations alive, at most `max_operations` of them (the most
    recently executed)."""

    def __init__(self, max_operations: int = 256) -> None:
        self.max_operations = max_operations
        self._operations: OrderedDict[int, OperationKept] = OrderedDict()

    def of(self, operation: OperationDefinitionNode, fragments: Any) -> OperationKept:
        """What is kept for `operation` from earlier executions, or a new holder."""
        key = id(operation)
        held = self._operations.get(key)
        if held is None or held.operation() is not operation:
            held = OperationKept(
                operation, fragments, lambda _gone: self._operations.pop(key, None)
            )
            self._operations[key] = held
            while len(self._operations) > self.max_operations:
                self._operations.popitem(last=False)
        else:
            self._operations.move_to_end(key)
        return held

    def __len__(self) -> int:
        return len(self._operations)
