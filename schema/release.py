"""Letting go of an operation's answers as soon as it is answered."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from schema.context import OperationContext
from schema.incremental import is_incremental


class ReleaseAnswers(SchemaExtension):
    """Once the operation is answered, its loader lets go of the answers
    (`OperationLoader.release`): graphql-core's execution keeps itself in reference cycles that
    reach the context, so without this a huge answer would live until the next full garbage
    collection. An operation whose fragments are delivered later lets go when its last payload
    is sent (`schema/incremental.py deliver`)."""

    def on_execute(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        context = execution.context
        if isinstance(context, OperationContext) and not is_incremental(execution.result):
            context.loader.release()
