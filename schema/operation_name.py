"""Which operation of a document a request runs. The GraphQL spec (GetOperation): a document with
one operation runs it; a document with several needs the request's `operationName`, and without
one the request is an error. strawberry would run the first operation instead."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from resolvers.codes import ErrorCode

CODE = ErrorCode.OPERATION_RESOLUTION_FAILURE


class RequireOperationName(SchemaExtension):
    """A strawberry extension: a valid document with several operations and no `operationName`
    is a request error (no `data`, coded `OPERATION_RESOLUTION_FAILURE`), and nothing runs.

    The check comes as execution starts, once the document has been validated: validation
    errors come first, and the document cache's validation result (schema/documents.py
    DocumentCache), which does not depend on the request's `operationName`, is kept apart from
    it; planning, which runs inside execution, never starts."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        # strawberry's operation_name falls back to the first operation's name; what the
        # request itself gave is kept apart (an upgrade that renames it fails the tests).
        if document is not None and execution._provided_operation_name is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                # A result set before execution is the result: graphql-core does not run.
                execution.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"the document has {len(operations)} operations: name the one to "
                            "run in `operationName`",
                            extensions={"code": CODE},
                        )
                    ],
                )
        yield
