"""The planning step: before execution, the whole operation is planned once from the parsed
document, the variables and the schema, and the plan is put in the operation's context, where
the root resolvers and the loader read it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from resolvers.errors import TooManyQuestions
from resolvers.tracebacks import BARE_TRACEBACKS
from resolvers.tracing import span
from schema.context import OperationContext
from schema.household import person_nodes
from schema.person import PERSON_FIELD_PLANNERS
from schema.planning import plan_operation
from schema.query import person_keys

log = logging.getLogger(__name__)
log.addFilter(BARE_TRACEBACKS)  # tracebacks without messages


class PlanOperation(SchemaExtension):
    """A strawberry extension that fills `context.plan` before execution starts, and lets go of
    the operation's answers once it is answered (`OperationLoader.release`)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        facade: Any = execution.schema  # schema/build.py FacadeSchema
        # A result already there (schema/operation_name.py) means nothing runs: nothing to plan.
        planned = execution.graphql_document is not None and execution.result is None
        if isinstance(context, OperationContext) and planned:
            with span("graphql.plan") as plan_span:
                self._plan(execution, context, facade, plan_span)
        yield
        if isinstance(context, OperationContext):
            context.loader.release()

    @staticmethod
    def _plan(execution: Any, context: OperationContext, facade: Any, plan_span: Any) -> None:
        try:
            plan_operation(
                facade.graphql_schema,
                execution.graphql_document,
                execution.operation_name,
                execution.variables,
                lambda name, arguments: person_keys(context, name, arguments),
                PERSON_FIELD_PLANNERS,
                "Person",
                lambda key, plan: plan.check(key.period, context.upstream.version),
                into=context.plan,
                max_fields=facade.limits.fields,
                person_nodes=person_nodes,
            )
            questions = sum(1 for plan in context.plan.plans.values() if plan.agencies)
            plan_span.set_attribute("graphql.plan.questions", questions)
            if questions > facade.limits.questions and context.plan.refused is None:
                context.plan.refused = TooManyQuestions(questions, facade.limits.questions)
        except Exception as exc:  # a bug: nothing is asked, and the people fields say so
            log.exception("planning the operation failed: %s", type(exc).__name__)
            context.plan.refused = PlanningFailed("the operation could not be planned")


class PlanningFailed(Exception):
    """Planning met an unexpected error; a masked internal error where people are read."""
