"""Execution with a fast path for plain data.

Most of an answer is plain data: decoded values read by attribute (or dict key) and coerced to
scalars, with no resolver, no arguments and nothing to await. graphql-core executes every such
field as it executes a resolver (a resolve-info object, a path, an awaitable check, a completion
by kind), which costs some 10 µs a field; a whole person is some 25,000 fields.

`FacadeExecutionContext` completes an object whose selected fields are all plain, to any depth,
by a completion compiled once per operation for its selection: attribute reads, scalar coercion
and list comprehensions. It gives the very answer graphql-core would: when anything is not as
the schema promises (a null in a non-null field, a value a scalar refuses), the plain completion
is dropped and graphql-core completes the object again, which reads the same values without side
effects and raises the error it always raises, with its path and locations.

Compiling costs about what completing costs, so the completions are kept across executions of
the same parsed operation (the document cache hands out the same one each time) for as long as it
lives, by the path of the object in the answer and the values of the variables the operation's
directives read (a variable not given is told apart from one given as null). A selection whose
directives cannot be coerced (`@include(if: $a)` with `$a` null) is not plain: graphql-core
collects it where it always does, and its error (coded, `schema/coded_execution.py`) is the same
on both paths.

A completion that took long before runs in a worker thread, so it is awaited as an async field
is: where a sibling's error nulls their parent meanwhile, graphql-core drops the errors of what
was still being completed below it (as it does for any async field), and such a completion is
not done again for nobody. Only the errors listed can differ then; the data never does.

`SSBTEK_FAST_EXECUTION=false` builds the schema with `PlanningExecutionContext` instead:
graphql-core completes every field, and no compiled completion is made or used.
"""

from __future__ import annotations

import asyncio
import inspect
import keyword
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import lru_cache, partial
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path
from strawberry.schema.schema_converter import GraphQLCoreConverter

from schema.per_operation import KeptPerOperation
from schema.planned_execution import PlanningExecutionContext
from schema.scalars import write_decimal

Completion = Callable[[Any], Any]
FieldDetailsList = list[FieldDetails]
# What an operation keeps for one set of directive variable values: by an object's or a list's
# place, its completion (None: graphql-core's); by ("heavy", *place), how many times in a row
# it took long on the event loop (an int). One dict, read once per completion.
Kept = dict[tuple[Any, ...], Any]

# graphql-core completes `__typename` from the parent type, whatever the source.
_TYPENAME = "__typename"
_UNKNOWN: Any = object()
# An object or list whose completion took longer than this on the event loop (twice in a row)
# is completed in a worker thread the next times at the same place (a list only when it has
# OFF_LOOP_ITEMS items or more: a thread's hand-over costs more than a short list).
HEAVY_S = 0.003
OFF_LOOP_ITEMS = 64


class _NotAsPromised(Exception):
    """A value the plain completion cannot give as the schema promises it."""


# The compiled completions of each parsed operation, by its object's place in the answer.
COMPLETIONS = KeptPerOperation()


class FacadeExecutionContext(PlanningExecutionContext):
    """graphql-core's execution, with objects of plain data completed in one pass."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Compiled completions by (type, id of its field group), as graphql-core memoises the
        # collected subfields; None when the selection is not plain. The group is kept alive
        # with its completion so that its id is not reused during the execution.
        self._plain: dict[tuple[GraphQLObjectType, int], tuple[Any, Completion | None]] = {}
        # The same completions by the object's place in the answer, kept across executions.
        self._by_place = COMPLETIONS.of(self.operation, self.fragments).for_values(
            self.variable_values.coerced
        )
        manager = self.middleware_manager
        self._plain_allowed = manager is None or not manager.middlewares

    def collect_and_execute_subfields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """Complete `result` in one pass when its selection is plain data (off the event loop
        where it took long here before), else as graphql-core does."""
        completion = None
        if self._plain_allowed:
            place = (return_type, *_place(path))
            completion = self._by_place.get(place, _UNKNOWN)
            if completion is _UNKNOWN:
                completion = self._by_place[place] = self.plain_completion(
                    return_type, field_details_list
                )
        if completion:
            graphql_core = partial(
                super().collect_and_execute_subfields,
                return_type,
                field_details_list,
                path,
                result,
                position_context,
            )
            return self._complete(place, completion, result, graphql_core, path)
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A list of plain data (a resolver's list) completed in one pass (off the event loop
        where a list here took long before), anything else as graphql-core does."""
        graphql_core = partial(
            super().complete_list_value,
            return_type,
            field_details_list,
            info,
            path,
            result,
            position_context,
        )
        if not self._plain_allowed or not isinstance(result, _LIST_TYPES):
            return graphql_core()
        place = ("list", return_type, *_place(path))
        completion = self._by_place.get(place, _UNKNOWN)
        if completion is _UNKNOWN:
            shape = self._compile_value(return_type, field_details_list)  # None where streamed
            completion = self._by_place[place] = None if shape is None else _value_completion(shape)
        if completion is None:
            return graphql_core()
        return self._complete(
            place,
            completion,
            result,
            graphql_core,
            path,
            long_enough=len(result) >= OFF_LOOP_ITEMS,
        )

    def _complete(
        self,
        place: tuple[Any, ...],
        completion: Completion,
        result: Any,
        graphql_core: Callable[[], Any],
        path: Path,
        long_enough: bool = True,
    ) -> Any:
        """`completion` of `result` on the event loop, or in a worker thread where it took
        longer than HEAVY_S the last two times on the loop (a machine's other work can make
        one completion slow, seldom two); back on the loop once one in a thread takes less than
        half of it of the thread's CPU. Anything not as promised: graphql-core completes it."""
        strikes = ("heavy", *place)
        held = self._by_place.get(strikes, 0)
        if held >= 2 and long_enough and _loop_running():
            nulled = partial(self.collected_errors.has_nulled_position, path)
            return _off_the_loop(completion, result, graphql_core, nulled, self._by_place, strikes)
        started = time.perf_counter()
        try:
            completed = completion(result)
        except Exception:  # not as promised: graphql-core completes it and says what is wrong
            return graphql_core()
        if time.perf_counter() - started > HEAVY_S:
            self._by_place[strikes] = held + 1
        elif held:
            self._by_place[strikes] = 0
        return completed

    def plain_completion(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Completion | None:
        """The one-pass completion of `object_type` for this selection, or None when a selected
        field is not plain data."""
        key = (object_type, id(field_details_list))
        held = self._plain.get(key)
        if held is None:
            held = (field_details_list, self._compile_object(object_type, field_details_list))
            self._plain[key] = held
        return held[1]

    def _compile_object(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Completion | None:
        if object_type.is_type_of is not None:
            return None
        try:
            grouped, deferred, _forbidden = self.collect_subfields(object_type, field_details_list)
        except GraphQLError:  # a directive that cannot be coerced: graphql-core reports it
            return None
        if deferred:
            return None
        fields: list[tuple[str, str | None, Shape | None]] = []
        for response_name, group in grouped.items():
            node = group[0].node
            name = node.name.value
            if name == _TYPENAME:
                fields.append((response_name, None, None))
                continue
            field = object_type.fields.get(name)
            definition = field and field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if (
                field is None
                or definition is None
                or field.args
                or node.arguments
                or not getattr(field.resolve, "_is_default", False)
                or not definition.is_basic_field  # permission classes, field extensions
            ):
                return None
            shape = self._compile_value(field.type, group)
            if shape is None:
                return None
            fields.append((response_name, definition.python_name, shape))
        return _object_completion(object_type.name, fields)

    def _compile_value(self, kind: GraphQLOutputType, group: FieldDetailsList) -> Shape | None:
        if isinstance(kind, GraphQLNonNull):
            inner = self._compile_value(kind.of_type, group)
            return inner and ("non-null", inner)
        if isinstance(kind, GraphQLList):
            if _streamed(group):
                return None  # graphql-core streams it: its items come in later payloads
            item = self._compile_value(kind.of_type, group)
            return item and ("list", item)
        if isinstance(kind, GraphQLObjectType):
            plain = self.plain_completion(kind, group)
            return plain and ("object", plain)
        if isinstance(kind, GraphQLScalarType | GraphQLEnumType):
            return ("leaf", kind)
        return None  # an interface or a union: its runtime type is resolved by graphql-core


def _streamed(group: FieldDetailsList) -> bool:
    """Whether a field carries `@stream` (whatever its `if`: graphql-core decides)."""
    return any(
        directive.name.value == "stream"
        for details in group
        for directive in details.node.directives or ()
    )


def _loop_running() -> bool:
    """Whether this is an execution on an event loop (not a synchronous one, which cannot
    await a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _off_the_loop(
    completion: Completion,
    result: Any,
    graphql_core: Callable[[], Any],
    nulled: Callable[[], bool],
    kept: Kept,
    strikes: tuple[Any, ...],
) -> Any:
    """A long completion in a worker thread: it reads decoded values and builds new ones, and
    hands the interpreter back to the event loop every millisecond meanwhile
    (`graph/app.py tune_serving_process`). One that took less than half of HEAVY_S of the
    thread's CPU puts the place back on the loop (`kept[strikes]`). Anything not as promised:
    graphql-core completes it on the loop, as it would have, unless a sibling's error has nulled
    the place meanwhile (`nulled`): then nobody reads it, and graphql-core would drop its errors
    (as it does for any field still completing when its parent is nulled)."""

    def timed() -> Any:
        started = time.thread_time()
        completed = completion(result)
        if time.thread_time() - started < HEAVY_S / 2:
            kept[strikes] = 0
        return completed

    try:
        return await asyncio.to_thread(timed)
    except Exception:
        if nulled():
            return None  # not completed again on the loop for nobody
        completed = graphql_core()
        return await completed if inspect.isawaitable(completed) else completed


def _place(path: Path | None) -> Iterator[tuple[str, str | None]]:
    """An object's place in the answer: its path without list indices, each field with the type
    it is selected on (which decides the fields collected below it)."""
    while path is not None:
        if path.key.__class__ is str:
            yield path.key, path.typename
        path = path.prev


# What a field's value is completed as: ("leaf", scalar or enum), ("object", its completion),
# ("list", item) or ("non-null", inner).
Shape = tuple[str, Any]

# The common scalars' own values, answered as they are without a call (graphql-core's
# coercion answers them unchanged): the test of such a value, given its name.
_AS_IS = {
    "String": "{v}.__class__ is str",
    "ID": "{v}.__class__ is str",
    "Boolean": "{v}.__class__ is bool",
    "Int": "{v}.__class__ is int and -2147483648 <= {v} <= 2147483647",
}
_BUILT_IN = {
    "String": GraphQLString.coerce_output_value,
    "ID": GraphQLID.coerce_output_value,
    "Boolean": GraphQLBoolean.coerce_output_value,
    "Int": GraphQLInt.coerce_output_value,
}
# Coercions that answer a text for any value they take (and raise for any other): the project's
# Decimal, Date and DateTime scalars.
_ALWAYS_TEXT = frozenset({write_decimal, date.isoformat, datetime.isoformat})
_LIST_TYPES = (list, tuple)


def _object_completion(
    type_name: str, fields: list[tuple[str, str | None, Shape | None]]
) -> Completion:
    """The completion of an object, as one generated function: each selected field read once (a
    dict key, or an attribute), then one dict whose values are completed inline (the common
    scalars without a call, lists by comprehension); anything not as the schema promises raises.
    The source depends only on the shape, so it is compiled once per shape (`_factory`) and
    bound here to this selection's coercions and nested completions."""
    constants: list[Any] = []
    reads_dict: list[str] = []
    reads_object: list[str] = []
    values: list[str] = []

    def constant(value: Any) -> str:
        constants.append(value)
        return f"k{len(constants) - 1}"

    for index, (response_name, attribute, shape) in enumerate(fields):
        if shape is None or attribute is None:  # __typename
            values.append(f"{response_name!r}: {type_name!r}")
            continue
        variable = f"v{index}"
        reads_dict.append(f"{variable} = get({attribute!r})")
        reads_object.append(
            f"{variable} = source.{attribute}"
            if attribute.isidentifier() and not keyword.iskeyword(attribute)
            else f"{variable} = getattr(source, {attribute!r})"
        )
        values.append(f"{response_name!r}: {_expression(shape, variable, 0, constant)}")
    parameters = ", ".join(f"k{i}" for i in range(len(constants)))
    body = [
        f"def make({parameters}):",
        "    def complete(source):",
        "        if isinstance(source, dict):",
        "            get = source.get",
        *(f"            {line}" for line in reads_dict),
        "        else:",
        *(f"            {line}" for line in reads_object or ["pass"]),
        "        return {" + ", ".join(values) + "}",
        "    return complete",
    ]
    return _factory("\n".join(body))(*constants)


def _expression(shape: Shape, variable: str, depth: int, constant: Callable[[Any], str]) -> str:
    """A Python expression completing the value in `variable` as `shape`: None stays None
    unless the shape is non-null, which raises."""
    if shape[0] == "non-null":
        present = _present(shape[1], variable, depth, constant)
        return f"(not_as_promised() if {variable} is None else {present})"
    return f"(None if {variable} is None else {_present(shape, variable, depth, constant)})"


def _present(shape: Shape, variable: str, depth: int, constant: Callable[[Any], str]) -> str:
    """A Python expression completing the value in `variable`, known not to be None."""
    kind, inner = shape
    if kind == "non-null":  # (GraphQL has no non-null of a non-null)
        return _present(inner, variable, depth, constant)
    if kind == "object":
        return f"{constant(inner)}({variable})"
    if kind == "list":
        item = f"x{depth}"
        completed = _expression(inner, item, depth + 1, constant)
        return (
            f"([{completed} for {item} in {variable}] if isinstance({variable}, LIST_TYPES) "
            "else not_as_promised())"
        )
    coerce = inner.coerce_output_value
    as_is = _AS_IS.get(inner.name)
    if coerce in _ALWAYS_TEXT:  # never None or Undefined: called as it is
        return f"{constant(coerce)}({variable})"
    call = f"{constant(partial(_coerced, coerce))}({variable})"
    if as_is is None or coerce is not _BUILT_IN[inner.name]:
        return call
    return f"({variable} if {as_is.format(v=variable)} else {call})"


@lru_cache(maxsize=4096)
def _value_completion(shape: Shape) -> Completion:
    """The completion of a value (not None) as `shape`, as one generated function."""
    constants: list[Any] = []

    def constant(value: Any) -> str:
        constants.append(value)
        return f"k{len(constants) - 1}"

    expression = _present(shape, "value", 0, constant)
    parameters = ", ".join(f"k{i}" for i in range(len(constants)))
    source = (
        f"def make({parameters}):\n"
        "    def complete(value):\n"
        f"        return {expression}\n"
        "    return complete"
    )
    return _factory(source)(*constants)


@lru_cache(maxsize=4096)
def _factory(source: str) -> Callable[..., Completion]:
    """The factory of completions of one shape, compiled once (for every operation that
    selects that shape: a new document costs no compiling for shapes seen before)."""
    namespace: dict[str, Any] = {
        "LIST_TYPES": _LIST_TYPES,
        "not_as_promised": _not_as_promised,
        "getattr": getattr,
        "isinstance": isinstance,
        "dict": dict,
    }
    exec(compile(source, "<plain completion>", "exec"), namespace)
    made: Callable[..., Completion] = namespace["make"]  # compiled code
    return made


def _not_as_promised() -> Any:
    raise _NotAsPromised


def _coerced(coerce: Callable[[Any], Any], value: Any) -> Any:
    coerced = coerce(value)
    if coerced is None or coerced is Undefined:
        raise _NotAsPromised
    return coerced
