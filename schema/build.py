"""Building the strawberry schema with the facade's error policy."""

from __future__ import annotations

from functools import cache, cached_property, partial
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSchema
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionResult
from strawberry.types.base import get_object_definition

from schema.documents import DocumentCache, off_the_loop_if_large, refusal_before_parsing
from schema.errors import log_errors, masked
from schema.execution import FacadeExecutionContext
from schema.incremental import deliver, is_incremental
from schema.lefi_types import resolve_attribute
from schema.limits import Limits
from schema.operation_name import RequireOperationName
from schema.partial import ReportPartialAnswers
from schema.planned_execution import PlanningExecutionContext
from schema.query import Query
from schema.refusals import RefusedDocuments
from schema.release import ReleaseAnswers
from schema.scalars import SCALARS
from schema.trace_step import TraceOperation
from schema.validated import NoteValidDocuments


class FacadeSchema(strawberry.Schema):
    """The schema with the limits it was built with; its errors are logged without personal
    data, then internal ones masked (`schema/errors.py masked`), and a document it refused
    before running is refused again at the cost of a hash (`schema/refusals.py`)."""

    def __init__(self, *, limits: Limits, documents: DocumentCache, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limits = limits
        self.documents = documents
        self.refused = RefusedDocuments()

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Any = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """strawberry's execution, after the checks of a document before it is parsed
        (`schema/documents.py`); a document refused before (it does not parse, is over a limit,
        or is not valid) gets the same errors without being read again."""
        errors = self.refused.get(query, operation_name)
        if errors is None and query and not self.documents.holds(query):
            check = partial(refusal_before_parsing, query, self.limits)
            errors = await off_the_loop_if_large(query, check) or None
            if errors is not None:
                self.refused.remember(query, operation_name, errors)
        if errors is not None:
            self.process_errors(errors)
            return ExecutionResult(data=None, errors=errors)
        result = await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
        if is_incremental(result):
            # Its payloads' errors made as a single answer's are (`schema/incremental.py`).
            return deliver(result, context_value, self.process_errors)  # type: ignore[return-value]  # strawberry's type knows no incremental result
        if result.errors:
            # Logged as they were found (`process_errors`; not the errors a view reports beside
            # its data, `schema/partial.py`, added after); internal ones masked now, wherever
            # they arose: in a field, or outside any (strawberry's own masking extension sees
            # no result when execution raised).
            result.errors = masked(result.errors)
            if result.data is None:
                self.refused.remember(query, operation_name, result.errors)
        return result

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        log_errors(errors, self.field_names)

    @cached_property
    def field_names(self) -> frozenset[str]:
        """Every field name of the schema: a key of an error's path that is none of these is an
        alias, which the caller wrote."""
        return frozenset(
            name
            for kind in self.graphql_schema.type_map.values()
            for name in getattr(kind, "fields", None) or ()
        )

    @cached_property
    def graphql_schema(self) -> GraphQLSchema:
        """graphql-core's view of the same types, for `field_names` (and tests and the bench):
        built from strawberry's public converter (the types are the very objects execution
        uses)."""
        query = self.schema_converter.from_object(get_object_definition(self.query, strict=True))
        return GraphQLSchema(query=query)


@cache
def build_schema(
    introspection: bool = True, limits: Limits | None = None, fast_execution: bool = True
) -> strawberry.Schema:
    """The GraphQL schema of the facade, with its limits; without `introspection`, `__schema`
    and `__type` are refused at validation; without `fast_execution` (SSBTEK_FAST_EXECUTION)
    graphql-core completes every field (`schema/execution.py` says what the fast path does).
    Built once per set of options and process (it holds no per-request state; its document cache
    is shared by whoever uses it)."""
    limits = limits or Limits()
    documents = DocumentCache(limits=limits)
    # The operation limits are not a validation rule: the document cache checks them before
    # validating (`schema/documents.py validated`), so a rule would only walk each operation again.
    rules: list[Any] = [lambda: MaxTokensLimiter(limits.tokens)]
    if not introspection:
        rules.append(DisableIntrospection)
    return FacadeSchema(
        limits=limits,
        documents=documents,
        query=Query,
        # The document cache comes after every extension that adds validation rules.
        extensions=[
            TraceOperation,
            *rules,
            documents.extension(),
            NoteValidDocuments,
            RequireOperationName,
            ReleaseAnswers,
            ReportPartialAnswers,
        ],
        config=StrawberryConfig(
            scalar_map=SCALARS,
            default_resolver=resolve_attribute,
            enable_experimental_incremental_execution=True,
        ),
        execution_context_class=(
            FacadeExecutionContext if fast_execution else PlanningExecutionContext
        ),
    )


@cache
def schema_sdl() -> str:
    """The schema in SDL, as `schema.graphql` holds it: what `ssbtek-graphql schema` prints and
    `GET /graphql/schema.graphql` serves (printed once: some 20 ms and 360 KB)."""
    return build_schema().as_str() + "\n"
