"""Reading a GraphQL document before it runs, cheapest check first, off the event loop when it
is large, and keeping what was read (`DocumentCache`).

1. Before it is parsed (`refusal_before_parsing`, run by `schema/build.py FacadeSchema` for a
   document the cache does not hold): its size in bytes (`SSBTEK_MAX_DOCUMENT_BYTES`); its
   tokens (`SSBTEK_MAX_TOKENS`, counted by `schema/token_count.py` in about a millisecond); and,
   for a large document, the fields, aliases and levels of each operation's own text
   (`schema/text_cost.py`): a document far over a limit is refused without the parser (Python,
   some 3 ms a kilobyte, and a hundred thousand objects for the garbage collector to walk).
2. Parsing (the extension's `on_parse`).
3. The operation limits on the parsed document, fragments counted where they are spread
   (`schema/limits.py document_cost_errors`), before the rest of validation, which a document
   over them is spared (some 2 ms a kilobyte, and more for many fields of one name).
4. The rest of validation (`on_validate`).

A document of more than `INLINE_MAX_CHARS` characters is read in a worker thread at each step,
so that the event loop is not held for the 100 ms and more that 64 KB costs; a smaller one
costs less than the hand-over is worth and is read on the loop. The refusals are the same
either way.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import strawberry.schema.schema as strawberry_schema
from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, Source
from strawberry.extensions import SchemaExtension

from resolvers.codes import ErrorCode
from resolvers.collector import paused
from schema.limits import Cost, Limits, coded, cost_errors, document_cost_errors, parse_coded
from schema.text_cost import operation_costs
from schema.token_count import token_count

T = TypeVar("T")

# Parsing and validating this many characters holds the loop for about 5 ms (docs/performance.md).
INLINE_MAX_CHARS = 2048


def refusal_before_parsing(query: str, limits: Limits) -> list[GraphQLError]:
    """Why the document is refused without parsing it, or nothing: larger than
    `limits.document_bytes`, more than `limits.tokens` tokens (in graphql-core's words, without a
    location: nothing was parsed to find one), or, when it is large, an operation whose own text
    is over the depth, alias or field limit. Each QUERY_TOO_COMPLEX."""
    if len(query) > limits.document_bytes // 4 and len(query.encode()) > limits.document_bytes:
        return [
            GraphQLError(
                f"the document is larger than {limits.document_bytes} bytes; ask for less, or "
                "in several operations",
                extensions={"code": ErrorCode.QUERY_TOO_COMPLEX},
            )
        ]
    if len(query) > limits.tokens and token_count(query) > limits.tokens:
        return [
            GraphQLError(
                f"Syntax Error: Document contains more than {limits.tokens} tokens. Parsing "
                "aborted.",
                extensions={"code": ErrorCode.QUERY_TOO_COMPLEX},
            )
        ]
    if len(query) <= INLINE_MAX_CHARS:
        return []
    source = Source(query)
    return [
        error
        for operation in operation_costs(query) or ()
        for error in cost_errors(
            Cost(operation.fields, operation.aliases, operation.depth),
            limits,
            source=source,
            positions=[operation.start],
        )
    ]


def validated(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    limits: Limits,
) -> list[GraphQLError]:
    """The document's validation errors: the operation limits' alone when it is over them, else
    strawberry's validation with `rules`."""
    return document_cost_errors(document, limits) or strawberry_schema.validate_document(
        schema, document, rules
    )


async def off_the_loop_if_large(query: str, work: Callable[[], T]) -> T:
    """`work()` for `query`: in a worker thread, with the garbage collector paused, when the
    query is large; else here."""
    if len(query) > INLINE_MAX_CHARS:
        # Parsing 32 KB makes some 20 000 objects, all alive until it ends: unpaused, each pass
        # the allocations bring on walks them all again, holding the interpreter and so the
        # event loop (ten full passes for thirty such documents, 150 ms each; paused: one,
        # docs/performance.md).
        return await asyncio.to_thread(paused, work)
    return work()


@dataclass
class _Document:
    document: DocumentNode
    rules: tuple[type[ASTValidationRule], ...] | None = None
    errors: list[GraphQLError] | None = None


class DocumentCache:
    """Parsed documents and their validation errors by document text: frontends send the same
    documents again and again. Only documents of at most `max_document_bytes` are kept, at most
    `max_entries` of them and `max_bytes` of text in all, least recently used out first (a parsed
    document takes about 80 times its text: 256 kB of text is about 20 MB). A document is held
    in memory only, never logged. `limits` are the operation's (`Limits`), checked as a document
    is read."""

    def __init__(
        self,
        max_entries: int = 256,
        max_bytes: int = 256_000,
        max_document_bytes: int = 65_536,
        limits: Limits | None = None,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_document_bytes = max_document_bytes
        self.limits = limits or Limits()
        self._entries: OrderedDict[str, _Document] = OrderedDict()
        self._bytes = 0

    def holds(self, query: str) -> bool:
        """Whether the document is held (read, and within every limit, before)."""
        return query in self._entries

    def get(self, query: str | None) -> _Document | None:
        """The entry for a document, if held."""
        if query is None or query not in self._entries:
            return None
        self._entries.move_to_end(query)
        return self._entries[query]

    def put(self, query: str, document: DocumentNode) -> _Document | None:
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

    def drop(self, query: str) -> None:
        """Forget a document (one refused: `schema/refusals.py` remembers its refusal)."""
        if self._entries.pop(query, None) is not None:
            self._bytes -= len(query)

    @property
    def held_bytes(self) -> int:
        """The text held, in characters."""
        return self._bytes

    def extension(self) -> type[SchemaExtension]:
        """The strawberry extension that parses and validates documents (off the loop when
        large) and fills this cache; list it after every extension that adds validation
        rules. Its hooks are asynchronous: the schema is for `execute`, not `execute_sync`."""
        cache = self

        class CachedDocuments(SchemaExtension):
            async def on_parse(self) -> AsyncIterator[None]:
                execution = self.execution_context
                query = execution.query
                entry = cache.get(query)
                if entry is not None:
                    execution.graphql_document = entry.document
                elif query:
                    read = partial(parse_coded, query, **execution.parse_options)
                    document = await off_the_loop_if_large(query, read)
                    execution.graphql_document = document
                    cache.put(query, document)
                yield

            async def on_validate(self) -> AsyncIterator[None]:
                execution = self.execution_context
                query = execution.query or ""
                entry = cache.get(query)
                rules = tuple(execution.validation_rules)
                if entry is not None and entry.rules == rules and entry.errors is not None:
                    execution.pre_execution_errors = list(entry.errors)
                elif execution.graphql_document is not None:
                    check = partial(
                        validated,
                        execution.schema._schema,
                        execution.graphql_document,
                        rules,
                        cache.limits,
                    )
                    execution.pre_execution_errors = await off_the_loop_if_large(query, check)
                yield
                if execution.pre_execution_errors:
                    execution.pre_execution_errors = [
                        coded(error, ErrorCode.GRAPHQL_VALIDATION_FAILED)
                        for error in execution.pre_execution_errors
                    ]
                    cache.drop(query)  # not worth the memory of its parse
                elif entry is not None and entry.errors is None:
                    entry.rules = rules
                    entry.errors = list(execution.pre_execution_errors or [])

        return CachedDocuments
