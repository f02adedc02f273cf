"""The GraphQL operation's span (graph/tracing.py says when traces are recorded)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from resolvers.privacy import plain_name
from resolvers.tracing import span
from schema.incremental import first_payload, is_incremental


class TraceOperation(SchemaExtension):
    """A span for the GraphQL operation: its type and (a plain) name, never its arguments."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        with span("graphql.operation") as operation:
            yield
            name = plain_name(execution.operation_name)
            if name:
                operation.set_attribute("graphql.operation.name", name)
            operation_type = getattr(execution, "operation_type", None)
            if operation_type is not None:
                operation.set_attribute("graphql.operation.type", str(operation_type.value))
            # An operation delivered incrementally: its first payload's errors; the span ends
            # when the first payload is made, the request's when the last is sent.
            result = first_payload(execution.result)
            errors = result.errors if result else None
            operation.set_attribute("graphql.errors", len(errors or []))
            operation.set_attribute("graphql.incremental", is_incremental(execution.result))
