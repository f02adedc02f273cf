"""What one operation may cost before anything runs: tokens at parse; depth, aliases and selected
fields at validation; and the cache of parsed and validated documents, bounded by
entries and bytes and holding only small documents."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    parse,
)
from strawberry.extensions import SchemaExtension


@dataclass(frozen=True)
class Limits:
    """`SSBTEK_MAX_DEPTH`, `SSBTEK_MAX_ALIASES`, `SSBTEK_MAX_TOKENS`, `SSBTEK_MAX_FIELDS`,
    `SSBTEK_MAX_RESPONSE_BYTES`, `SSBTEK_MAX_QUESTIONS_PER_OPERATION`: defaults every documented
    query passes with room to spare."""

    depth: int = 20
    aliases: int = 60
    # The whole of `Person`, every field down to the leaves, is about 3 000 fields and 6 000
    # tokens: it passes; sixteen aliases of it do not.
    tokens: int = 15_000
    fields: int = 5_000
    response_bytes: int = 16 * 1024 * 1024
    # Distinct SSBTEK questions (person, period, case) one operation may ask: a household or a
    # screen of people, not an export of many.
    questions: int = 10


@dataclass(frozen=True)
class _Cost:
    """What a selection set costs: fields selected, aliases, and depth below it."""

    fields: int = 0
    aliases: int = 0
    depth: int = 0

    def __add__(self, other: _Cost) -> _Cost:
        return _Cost(
            self.fields + other.fields, self.aliases + other.aliases, max(self.depth, other.depth)
        )


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    costs: dict[str, _Cost],
    open_names: frozenset[str] = frozenset(),
) -> _Cost:
    """What a selection set costs, each fragment's cost worked out once (kept in `costs`)."""
    total = _Cost()
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            below = selection_cost(selection.selection_set, fragments, costs, open_names)
            alias = 1 if selection.alias is not None else 0
            total += _Cost(1 + below.fields, alias + below.aliases, 1 + below.depth)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in open_names or name not in fragments:
                continue  # a cycle or an unknown fragment: other rules report it
            if name not in costs:
                costs[name] = selection_cost(
                    fragments[name].selection_set, fragments, costs, open_names | {name}
                )
            total += costs[name]
        else:
            total += selection_cost(selection.selection_set, fragments, costs, open_names)
    return total


class _FieldCounts:
    """Fields selected below the most recent selection sets, by the node (the document cache
    hands out the same parsed document again, so its count is worked out once)."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._counts: OrderedDict[int, tuple[SelectionSetNode, int]] = OrderedDict()

    def __call__(
        self, selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
    ) -> int:
        held = self._counts.get(id(selection_set))
        if held is not None and held[0] is selection_set:
            self._counts.move_to_end(id(selection_set))
            return held[1]
        fields = selection_cost(selection_set, fragments, {}).fields
        self._counts[id(selection_set)] = (selection_set, fields)  # the node kept: ids are reused
        while len(self._counts) > self.max_entries:
            self._counts.popitem(last=False)
        return fields


selected_fields = _FieldCounts()


def operation_limits(limits: Limits) -> type[ValidationRule]:
    """A validation rule: each operation has at most `limits.depth` levels of fields,
    `limits.aliases` aliases and `limits.fields` selected fields, counting a fragment's fields and
    aliases once per place it is spread. Each fragment's cost is worked out once, so a chain of
    fragments that each spread the next twice costs no more to check than to read (strawberry's
    own depth and alias limiters walk every spread again: 2^n)."""

    class OperationLimits(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            found = selection_cost(node.selection_set, fragments, {})
            for measured, limit, what in (
                (found.depth, limits.depth, "levels of fields"),
                (found.aliases, limits.aliases, "aliases"),
                (found.fields, limits.fields, "fields (fragments counted where they are spread)"),
            ):
                if measured > limit:
                    self.report_error(
                        GraphQLError(
                            f"the operation has more than {limit} {what}; ask for less, or in "
                            "several operations",
                            node,
                            extensions={"code": "QUERY_TOO_COMPLEX"},
                        )
                    )

    return OperationLimits


def coded(error: GraphQLError, code: str) -> GraphQLError:
    """The error with `extensions.code` set to `code` unless it has one: errors are coded by the
    step that found them (parsing, validation, variable coercion), never by their text."""
    if (error.extensions or {}).get("code"):
        return error
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


def parse_coded(query: str, **options: Any) -> Any:
    """The parsed document; a syntax error coded GRAPHQL_PARSE_FAILED, and a document over the
    token limit QUERY_TOO_COMPLEX (graphql-core gives neither a code)."""
    try:
        return parse(query, **options)
    except GraphQLError as error:
        too_long = "more than" in error.message and "tokens" in error.message
        raise GraphQLError(
            error.message,
            source=error.source,
            positions=error.positions,
            extensions={"code": "QUERY_TOO_COMPLEX" if too_long else "GRAPHQL_PARSE_FAILED"},
        ) from None


@dataclass
class _Document:
    document: Any
    rules: tuple[Any, ...] | None = None
    errors: list[GraphQLError] | None = None


class DocumentCache:
    """Parsed documents and their validation errors by document text: frontends send the same
    documents again and again. Only documents of at most `max_document_bytes` are kept, at most
    `max_entries` of them and `max_bytes` of text in all, least recently used out first (a parsed
    document takes about 80 times its text: 256 kB of text is about 20 MB). A document is held
    in memory only, never logged."""

    def __init__(
        self, max_entries: int = 256, max_bytes: int = 256_000, max_document_bytes: int = 65_536
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_document_bytes = max_document_bytes
        self._entries: OrderedDict[str, _Document] = OrderedDict()
        self._bytes = 0

    def get(self, query: str | None) -> _Document | None:
        """The entry for a document, if held."""
        if query is None or query not in self._entries:
            return None
        self._entries.move_to_end(query)
        return self._entries[query]

    def put(self, query: str, document: Any) -> _Document | None:
        """Hold a parsed document if it is small enough; the entry, or None."""
        if len(query) > self.max_document_bytes:
            return None
        entry = self._entries.get(query)
        if entry is None:
            entry = self._entries[query] = _Document(document)
            self._bytes += len(query)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            oldest, _ = self._entries.popitem(last=False)
            self._bytes -= len(oldest)
        return entry

    @property
    def held_bytes(self) -> int:
        """The text held, in characters."""
        return self._bytes

    def extension(self) -> type[SchemaExtension]:
        """The strawberry extension that reads and fills this cache (list it after every
        extension that adds validation rules)."""
        cache = self

        class CachedDocuments(SchemaExtension):
            def on_parse(self) -> Iterator[None]:
                execution = self.execution_context
                entry = cache.get(execution.query)
                if entry is not None:
                    execution.graphql_document = entry.document
                elif execution.query:
                    execution.graphql_document = parse_coded(
                        execution.query, **execution.parse_options
                    )
                    cache.put(execution.query, execution.graphql_document)
                yield

            def on_validate(self) -> Iterator[None]:
                execution = self.execution_context
                entry = cache.get(execution.query)
                rules = tuple(execution.validation_rules)
                if entry is not None and entry.rules == rules and entry.errors is not None:
                    execution.pre_execution_errors = list(entry.errors)
                yield
                if execution.pre_execution_errors:
                    execution.pre_execution_errors = [
                        coded(error, "GRAPHQL_VALIDATION_FAILED")
                        for error in execution.pre_execution_errors
                    ]
                if entry is not None and entry.errors is None:
                    entry.rules = rules
                    entry.errors = list(execution.pre_execution_errors or [])

        return CachedDocuments
