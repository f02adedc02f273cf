"""Incremental delivery (`@defer`, `@stream`): which operations use it, and its later payloads
made as the first one is (errors logged then masked, the errors a view reports beside its data
in the payload that delivers that data), the operation's answers let go after the last.

graphql-core 3.3 executes the directives (`schema/coded_execution.py` turns on its early
execution, so deferred fragments and streamed people start at once); the planner gives each
deferred fragment's new agencies a question of their own (`schema/planner.py questions_of`);
`graph/multipart.py` sends the payloads as `multipart/mixed`."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from typing import Any, TypeGuard

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLDeferDirective,
    GraphQLDirective,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLSkipDirective,
    GraphQLStreamDirective,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
)
from graphql.execution import (
    CompletedResult,
    Executor,
    ExperimentalIncrementalExecutionResults,
    IncrementalResult,
    InitialIncrementalExecutionResult,
    SubsequentIncrementalExecutionResult,
    VariableValues,
)
from graphql.execution.values import get_directive_values

from schema.context import OperationContext
from schema.errors import masked

INCREMENTAL_DIRECTIVES = (GraphQLDeferDirective, GraphQLStreamDirective)

NOT_ACCEPTED = (
    "the operation uses @defer or @stream, whose answer comes in several parts as "
    "multipart/mixed, which this request does not accept: send `Accept: multipart/mixed` "
    "(GraphiQL, Apollo Client and urql do) or leave the directives out"
)


def is_incremental(result: object) -> TypeGuard[ExperimentalIncrementalExecutionResults]:
    """Whether an execution's result comes in several payloads."""
    return isinstance(result, ExperimentalIncrementalExecutionResults)


def first_payload(result: Any) -> Any:
    """The result of an operation, or of one delivered incrementally its first payload: what
    has `data` and `errors` now."""
    return result.initial_result if is_incremental(result) else result


def delivers_incrementally(executor: Executor[Any]) -> bool:
    """Whether the operation `executor` runs would defer or stream anything: a `@defer` or
    `@stream` (its `if` true) on a selection the operation includes, through its fragments.
    Read from the document (each fragment once), before anything runs."""
    operation = executor.operation
    source = operation.loc.source.body if operation.loc is not None else None
    if source is not None and "defer" not in source and "stream" not in source:
        return False  # no such directive at all: nothing to walk
    variables = executor.variable_values
    fragments = executor.fragments
    seen: set[str] = set()
    pending: list[SelectionSetNode] = [operation.selection_set]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections:
            if not _included(selection.directives, variables):
                continue
            if _asks_incremental(selection, variables):
                return True
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    seen.add(name)
                    # graphql-core keeps each fragment with its variables: its `definition`
                    pending.append(fragment.definition.selection_set)
            elif isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set:
                pending.append(selection.selection_set)
    return False


def _included(directives: Iterable[DirectiveNode] | None, variables: VariableValues) -> bool:
    """Whether `@skip`/`@include` keep a selection (one whose `if` cannot be coerced is kept:
    graphql-core reports that where it collects it)."""
    node = _Directed(directives)
    skip = _values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = _values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)


def _asks_incremental(selection: SelectionNode, variables: VariableValues) -> bool:
    node = _Directed(selection.directives)
    for directive in INCREMENTAL_DIRECTIVES:
        values = _values(directive, node, variables)
        if values is not None and values.get("if", True) is not False:
            return True
    return False


def _values(
    directive: GraphQLDirective, node: _Directed, variables: VariableValues
) -> dict[str, Any] | None:
    """The directive's arguments on the node, or None (absent, or not coercible)."""
    try:
        return get_directive_values(directive, node, variables)  # type: ignore[arg-type]  # reads .directives only
    except GraphQLError:
        return None


class _Directed:
    """What graphql-core's `get_directive_values` reads of a node: its directives."""

    def __init__(self, directives: Iterable[DirectiveNode] | None) -> None:
        self.directives = tuple(directives or ())


class PartialErrors:
    """The errors views report beside their data (`schema/partial.py`), each given to the payload
    that delivers its field: the first payload, or the later one whose data holds it."""

    def __init__(self, context: OperationContext) -> None:
        self.context = context

    def take(self, holds: Callable[[list[str | int]], bool]) -> list[GraphQLError]:
        """The reported errors whose field `holds` says is delivered here (taken off the list)."""
        reported = self.context.partial_errors
        taken = [error for error in reported if holds(list(error.path or ()))]
        if taken:
            reported[:] = [error for error in reported if error not in taken]
        return taken

    def rest(self) -> list[GraphQLError]:
        """Whatever is still reported (taken off the list)."""
        rest = list(self.context.partial_errors)
        self.context.partial_errors.clear()
        return rest


def deliver(
    result: ExperimentalIncrementalExecutionResults,
    context: OperationContext | None,
    log_errors: Callable[[list[GraphQLError]], None],
) -> ExperimentalIncrementalExecutionResults:
    """The incremental result with its payloads' errors made as a single answer's are: each
    payload's reported partial errors added, every error logged, then internal errors masked;
    after the last payload (or when the client leaves) the operation's answers are let go."""
    partial = PartialErrors(context) if isinstance(context, OperationContext) else None
    initial = result.initial_result
    if partial is not None:
        initial.errors = [
            *(initial.errors or []),
            *partial.take(lambda path: _holds(initial.data, path)),
        ] or None
    initial.errors = _logged_then_masked(initial.errors, log_errors)
    return result._replace(
        subsequent_results=LaterPayloads(result.subsequent_results, initial, partial, log_errors)
    )


class LaterPayloads(AsyncGenerator[SubsequentIncrementalExecutionResult, None]):
    """graphql-core's later payloads, each made as the first one is; once they end, fail or are
    closed, graphql-core's generator is closed and the operation's answers let go. `located`:
    where the last payload's entries put their data (`Locations.of`, worked out once, for the
    errors found beside the data here and for the 2022 format's paths in graph/multipart.py).
    A class, not an async generator function: closing one that never started skips its
    `finally`, and an answer refused at its first payload never starts its later ones."""

    def __init__(
        self,
        results: AsyncGenerator[SubsequentIncrementalExecutionResult, None],
        initial: InitialIncrementalExecutionResult,
        partial: PartialErrors | None,
        log_errors: Callable[[list[GraphQLError]], None],
    ) -> None:
        self._results = results
        self._locations = Locations(initial)
        self.located: list[Located] = []
        self._partial = partial
        self._log_errors = log_errors
        self._closed = False

    async def asend(self, value: None) -> SubsequentIncrementalExecutionResult:
        if self._closed:
            raise StopAsyncIteration
        try:
            payload = await anext(self._results)
            self._made_as_the_first(payload)
        except BaseException:
            await self.aclose()
            raise
        return payload

    async def athrow(self, *thrown: Any) -> SubsequentIncrementalExecutionResult:
        await self.aclose()
        raise thrown[1] if len(thrown) > 1 and thrown[1] is not None else thrown[0]

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._results.aclose()
        finally:
            if self._partial is not None:
                self._partial.context.loader.release()

    def _made_as_the_first(self, payload: SubsequentIncrementalExecutionResult) -> None:
        partial, log_errors = self._partial, self._log_errors
        self.located = self._locations.of(payload)
        for entry, (_, pieces) in zip(payload.incremental or (), self.located, strict=True):
            if partial is not None:
                entry.errors = [
                    *(entry.errors or []),
                    *partial.take(functools.partial(_delivered, pieces)),
                ] or None
            entry.errors = _logged_then_masked(entry.errors, log_errors)
        for completed in payload.completed or ():
            completed.errors = _logged_then_masked(completed.errors, log_errors)
        if not payload.has_next and partial is not None:
            _give_the_rest(payload, partial, log_errors)


# Where an entry puts its data, and what it delivers where: (location, value) per piece.
Piece = tuple[list[str | int], Any]
Located = tuple[list[str | int], list[Piece]]


class Locations:
    """Where each entry of an incremental answer's later payloads puts its data in the answer:
    the path of its pending fragment or list, then its `subPath`; for streamed items, the index
    of the first of them in the list (what a client of the 2022 format reads as `path`). Fed
    every payload in order."""

    def __init__(self, initial: InitialIncrementalExecutionResult) -> None:
        self.paths: dict[str, list[str | int]] = {}
        self.next_index: dict[str, int] = {}
        self._announce(initial.pending, [([], initial.data)])

    def of(self, payload: SubsequentIncrementalExecutionResult) -> list[Located]:
        """Each of the payload's incremental entries' location and the pieces it delivers
        (location and value: the data, or each item), in order."""
        self.paths.update((pending.id, list(pending.path)) for pending in payload.pending or ())
        located: list[Located] = []
        for entry in payload.incremental or ():
            where = self.paths.get(entry.id, []) + list(entry.sub_path or ())
            if hasattr(entry, "items"):
                index = self.next_index.get(entry.id, 0)
                self.next_index[entry.id] = index + len(entry.items)
                pieces = [([*where, index + i], item) for i, item in enumerate(entry.items)]
                located.append(([*where, index], pieces))
            else:
                located.append((where, [(where, entry.data)]))
        self._announce(payload.pending or (), [piece for _, pieces in located for piece in pieces])
        return located

    def _announce(self, pending: Iterable[Any], delivered: list[Piece]) -> None:
        """Note new pending fragments and lists; a list's items are counted from those already
        delivered with it (its `initialCount`)."""
        for item in pending:
            path = list(item.path)
            self.paths[item.id] = path
            for at, data in delivered:
                if path[: len(at)] == at:
                    value = _value_at(data, path[len(at) :])
                    if isinstance(value, list):
                        self.next_index[item.id] = len(value)
                        break


def _give_the_rest(
    payload: SubsequentIncrementalExecutionResult,
    partial: PartialErrors,
    log_errors: Callable[[list[GraphQLError]], None],
) -> None:
    """Errors still reported at the last payload (a view whose data went out in a payload that
    was made before it reported) go with the last payload's first entry, never dropped."""
    rest = partial.rest()
    if not rest:
        return
    entries: Sequence[IncrementalResult | CompletedResult] = (
        payload.incremental or payload.completed or ()
    )
    if entries:
        masked_rest = _logged_then_masked(rest, log_errors) or []
        entries[0].errors = [*(entries[0].errors or []), *masked_rest]


def _logged_then_masked(
    errors: list[GraphQLError] | None, log_errors: Callable[[list[GraphQLError]], None]
) -> list[GraphQLError] | None:
    if not errors:
        return errors
    log_errors(errors)
    return masked(errors)


_ABSENT: Any = object()


def _value_at(data: Any, path: list[str | int]) -> Any:
    """The value in `data` at `path` (None is a value), or _ABSENT."""
    value = data
    for key in path:
        if isinstance(key, int):
            if not isinstance(value, list) or key >= len(value):
                return _ABSENT
        elif not isinstance(value, dict) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _holds(data: Any, path: list[str | int]) -> bool:
    """Whether `data` has a value (null included) at `path`."""
    return _value_at(data, path) is not _ABSENT


def _delivered(pieces: list[Piece], path: list[str | int]) -> bool:
    """Whether one of the pieces an entry delivers holds the field at `path`."""
    return any(path[: len(at)] == at and _holds(data, path[len(at) :]) for at, data in pieces)
