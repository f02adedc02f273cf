"""graphql-core's execution with the caller's input errors coded where they are found.

Two kinds of error come from what the caller sent rather than from the facade, and graphql-core
gives neither a code: variables that cannot be coerced to their types (found while the execution
is built) and directive arguments that cannot be coerced (`@include(if: $a)` with `$a: Boolean =
true` sent as null), found while the fields of an object are collected. Both are BAD_USER_INPUT
here, with graphql-core's own message, path and locations; otherwise the execution is
graphql-core's, and gives its very result.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLObjectType
from graphql.execution.collect_fields import FieldDetails, collect_fields
from graphql.execution.incremental.incremental_executor import IncrementalExecutor
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.codes import ErrorCode
from schema.limits import coded

INPUT_CODE = ErrorCode.BAD_USER_INPUT


class CodedExecutionContext(StrawberryGraphQLCoreExecutionContext, IncrementalExecutor):
    """graphql-core's execution, incremental (`@defer`, `@stream`), its errors about the
    caller's input coded BAD_USER_INPUT."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Deferred fragments and streamed list items start as soon as they are met, not once
        # the payload before them is made: each person of a streamed `personer` is asked
        # beside the others, not after them (the loader starts a person's deferred questions
        # at their first field either way).
        self.enable_early_execution = True

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        """The execution context, or the errors of variables that cannot be coerced to their
        types: BAD_USER_INPUT, coded here, where they are found."""
        built = super().build(*args, **kwargs)
        if isinstance(built, list):
            return [coded(error, INPUT_CODE) for error in built]
        return built

    def execute_operation(self, serially: bool | None = None) -> Any:
        """graphql-core's execution of the operation; when a directive of a root selection
        cannot be coerced, graphql-core's own answer (no data, that one error), coded."""
        root_type = self.schema.get_root_type(self.operation.operation)
        if root_type is not None:
            try:
                collect_fields(
                    self.schema,
                    self.fragments,
                    self.variable_values,
                    root_type,
                    self.operation,
                    self.hide_suggestions,
                )
            except GraphQLError as error:
                self.collected_errors.add(coded(error, INPUT_CODE), None)
                return self.finish(self.build_response(None))
            except RecursionError:
                pass  # graphql-core reports it as it always does
        return super().execute_operation(serially)

    def collect_subfields(self, return_type: GraphQLObjectType, field_details_list: Any) -> Any:
        """The fields selected on an object; a directive argument that cannot be coerced is
        graphql-core's error, coded BAD_USER_INPUT (it nulls the object, as graphql-core does)."""
        try:
            return super().collect_subfields(return_type, field_details_list)
        except GraphQLError as error:
            raise coded(error, INPUT_CODE) from None

    def get_stream_usage(self, field_details_list: list[FieldDetails], path: Path) -> Any:
        """Whether and how a list is streamed; an `@stream` whose `if` or `initialCount` the
        caller gave as null, or a negative `initialCount`, is graphql-core's error (for the count,
        its message) coded BAD_USER_INPUT: it nulls the list, as graphql-core does."""
        try:
            return super().get_stream_usage(field_details_list, path)
        except GraphQLError as error:
            raise coded(error, INPUT_CODE) from None
        except ValueError as error:  # graphql-core's check of initialCount, raised uncoded
            nodes = [details.node for details in field_details_list]
            raise coded(GraphQLError(str(error), nodes), INPUT_CODE) from None
