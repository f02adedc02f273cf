"""What one operation may cost before anything runs: its size and tokens before parsing; depth,
aliases, selected fields and deferred parts before the rest of validation
(`schema/documents.py` reads a document in that order, and keeps parsed documents)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    parse,
)

from resolvers.codes import ErrorCode
from schema.token_count import token_count


@dataclass(frozen=True)
class Limits:
    """`SSBTEK_MAX_DEPTH`, `SSBTEK_MAX_ALIASES`, `SSBTEK_MAX_TOKENS`, `SSBTEK_MAX_FIELDS`,
    `SSBTEK_MAX_RESPONSE_BYTES`, `SSBTEK_MAX_DOCUMENT_BYTES`, `SSBTEK_MAX_QUESTIONS_PER_OPERATION`,
    `SSBTEK_MAX_QUESTIONS_PER_PERSON`, `SSBTEK_MAX_DEFERRED`: defaults every documented query
    passes with room to spare."""

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
    # SSBTEK questions one person may need in one operation: the first payload's, and those of
    # deferred fragments (past it, the later fragments share the last question).
    questions_per_person: int = 3
    # The body's own bound by default; a second one where SSBTEK_MAX_BODY_BYTES is raised.
    document_bytes: int = 65_536
    # `@defer` and `@stream` in one operation (fragments counted where they are spread): a
    # screen defers an agency or a few; each is a payload, and a question per person
    # (`questions_per_person` bounds those).
    deferred: int = 16


@dataclass(frozen=True)
class Cost:
    """What a selection set costs: fields selected, aliases, depth below it, and the `@defer`
    and `@stream` in it."""

    fields: int = 0
    aliases: int = 0
    depth: int = 0
    deferred: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.fields + other.fields,
            self.aliases + other.aliases,
            max(self.depth, other.depth),
            self.deferred + other.deferred,
        )


INCREMENTAL = frozenset({"defer", "stream"})


def _deferring(selection: SelectionNode) -> int:
    """1 if the selection carries `@defer` or `@stream`, else 0."""
    return int(any(d.name.value in INCREMENTAL for d in selection.directives or ()))


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    costs: dict[str, Cost],
    open_names: frozenset[str] = frozenset(),
) -> Cost:
    """What a selection set costs, each fragment's cost worked out once (kept in `costs`)."""
    total = Cost()
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            below = selection_cost(selection.selection_set, fragments, costs, open_names)
            alias = 1 if selection.alias is not None else 0
            total += Cost(
                1 + below.fields,
                alias + below.aliases,
                1 + below.depth,
                _deferring(selection) + below.deferred,
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in open_names or name not in fragments:
                continue  # a cycle or an unknown fragment: other rules report it
            if name not in costs:
                costs[name] = selection_cost(
                    fragments[name].selection_set, fragments, costs, open_names | {name}
                )
            total += costs[name] + Cost(deferred=_deferring(selection))
        elif isinstance(selection, InlineFragmentNode):
            below = selection_cost(selection.selection_set, fragments, costs, open_names)
            total += below + Cost(deferred=_deferring(selection))
    return total


def operation_cost_errors(
    node: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode], limits: Limits
) -> list[GraphQLError]:
    """QUERY_TOO_COMPLEX for each of depth, aliases, fields and deferred parts over its limit in
    the operation."""
    return cost_errors(selection_cost(node.selection_set, fragments, {}), limits, nodes=node)


def cost_errors(found: Cost, limits: Limits, **where: Any) -> list[GraphQLError]:
    """QUERY_TOO_COMPLEX for each of depth, aliases, fields and deferred parts of `found` over
    its limit, at
    `where` (GraphQLError's `nodes`, or `source` and `positions`)."""
    return [
        GraphQLError(
            f"the operation has more than {limit} {what}; ask for less, or in several operations",
            **where,
            extensions={"code": ErrorCode.QUERY_TOO_COMPLEX},
        )
        for measured, limit, what in (
            (found.depth, limits.depth, "levels of fields"),
            (found.aliases, limits.aliases, "aliases"),
            (found.fields, limits.fields, "fields (fragments counted where they are spread)"),
            (
                found.deferred,
                limits.deferred,
                "deferred fragments and streamed lists (@defer, @stream; fragments counted "
                "where they are spread)",
            ),
        )
        if measured > limit
    ]


def document_cost_errors(document: DocumentNode, limits: Limits) -> list[GraphQLError]:
    """The operation limits' errors of every operation in the document: checked before the rest
    of validation, which a document over them is spared."""
    fragments = _fragments(document)
    return [
        error
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
        for error in operation_cost_errors(definition, fragments, limits)
    ]


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def coded(error: GraphQLError, code: str) -> GraphQLError:
    """The error with `extensions.code` set to `code` unless it has one: errors are coded by the
    step that found them (parsing, validation, variable coercion), never by their text."""
    if (error.extensions or {}).get("code"):
        return error
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


def parse_coded(query: str, **options: Any) -> Any:
    """The parsed document, its tokens unlinked (`unlinked`); graphql-core's syntax error coded
    by what the document is: over the parser's `max_tokens` by graphql-core's own count
    (`schema/token_count.py`, the count that refuses a document before parsing) is
    QUERY_TOO_COMPLEX, anything else GRAPHQL_PARSE_FAILED. graphql-core raises the same
    exception for both, and its message quotes the document, so it is never read."""
    try:
        return unlinked(parse(query, **options))
    except GraphQLError as error:
        max_tokens = options.get("max_tokens")
        too_long = max_tokens is not None and token_count(query) > max_tokens
        code = ErrorCode.QUERY_TOO_COMPLEX if too_long else ErrorCode.GRAPHQL_PARSE_FAILED
        raise GraphQLError(
            error.message,
            source=error.source,
            positions=error.positions,
            extensions={"code": code},
        ) from None


def unlinked(document: DocumentNode) -> DocumentNode:
    """The document with its tokens' links cut. graphql-core's lexer chains every token to the
    next and the previous one, a cycle as long as the document that only the garbage collector
    can free, and that each of its full passes walks while the document lives; the nodes need
    only their own first and last tokens (for their locations). Cut, a document is freed as soon
    as it is dropped (docs/performance.md has what this saved)."""
    token = document.loc.start_token if document.loc is not None else None
    while token is not None:
        following = token.next
        token.prev = token.next = None
        token = following
    return document
