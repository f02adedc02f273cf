"""Partial answers: a view over several sources (the payments, their month sums, the household's
sums) answers with the sources that did answer, names each missing one in its own data, and
reports each beside the data as an error on the view's path, so a client that reads only
`errors` still learns that the figures lack a source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.context import Info, OperationContext
from schema.incremental import is_incremental


def report_beside(info: Info, error: Exception, **extensions: Any) -> None:
    """Report `error` on the field `info` resolves, beside the data the field still gives."""
    raw = info._raw_info
    info.context.partial_errors.append(
        GraphQLError(
            str(error),
            nodes=raw.field_nodes,
            path=raw.path.as_list(),
            original_error=error,
            extensions=extensions,
        )
    )


class ReportPartialAnswers(SchemaExtension):
    """Adds the errors that views reported beside their data to the operation's errors (an
    operation delivered incrementally gives each to its payload: `schema/incremental.py`)."""

    def on_execute(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        context = execution.context
        result = execution.result
        if (
            isinstance(context, OperationContext)
            and context.partial_errors
            and result
            and not is_incremental(result)
        ):
            result.errors = [*(result.errors or []), *context.partial_errors]
