"""graphql-core's execution that plans the operation's SSBTEK questions first, from the very
fields it is about to execute (`schema/planner.py`), so that each person is asked once, for all
that the operation selects of them, before any field reads an answer."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from graphql.execution.executor import Executor

from resolvers.codes import ErrorCode
from resolvers.errors import TooManyQuestions
from resolvers.tracebacks import BARE_TRACEBACKS
from resolvers.tracing import span
from schema.coded_execution import CodedExecutionContext
from schema.context import OperationContext
from schema.household import fields_of_people
from schema.incremental import NOT_ACCEPTED, delivers_incrementally
from schema.person import PERSON_FIELD_PLANNERS
from schema.planner import Planners, PlanningFailed, plan_operation, questions_of
from schema.query import root_members

log = logging.getLogger(__name__)
log.addFilter(BARE_TRACEBACKS)  # tracebacks without messages


class PlanningExecutionContext(CodedExecutionContext):
    """graphql-core's execution (its input errors coded), the operation planned as it starts."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        context = self.context_value
        if (
            isinstance(context, OperationContext)
            and not context.accepts_incremental
            and delivers_incrementally(self)
        ):
            # Refused before anything is planned or asked: a client that cannot read the
            # payloads must not be sent them, nor one answer that hides that they were asked.
            error = GraphQLError(NOT_ACCEPTED, extensions={"code": ErrorCode.NOT_ACCEPTABLE})
            self.collected_errors.add(error, None)
            return self.finish(self.build_response(None))
        if isinstance(context, OperationContext) and not context.plan.planned:
            context.plan.planned = True
            with span("graphql.plan") as plan_span:
                plan_for(self, context)
                plan_span.set_attribute("graphql.plan.questions", context.plan.question_count())
        return super().execute_operation(serially)


def plan_for(executor: Executor[Any], context: OperationContext) -> None:
    """Fill the context's plan from what `executor` collects; refuse the operation whole
    (TOO_MANY_QUESTIONS) when it asks SSBTEK more questions than one operation may."""
    plan = context.plan
    planners = Planners(
        root_keys=lambda root: root_members(context, root.name, root.arguments),
        person_fields=PERSON_FIELD_PLANNERS,
        fields_of_people=fields_of_people,
        check=lambda key, fetch: fetch.check(key.period, context.upstream.version),
        max_fields=context.limits.fields,
    )
    try:
        plan_operation(executor, planners, plan)
    except GraphQLError:
        return  # graphql-core's collection failed: execution reports it where it always does
    except Exception as exc:  # a bug: nothing is asked, and the people fields say so
        log.exception("planning the operation failed: %s", type(exc).__name__)
        plan.refused = PlanningFailed("the operation could not be planned")
        return
    for key, deliveries in plan.deliveries.items():
        if key not in plan.errors:
            questions = questions_of(deliveries, context.limits.questions_per_person)
            if questions:
                plan.questions[key] = questions
    asked = plan.question_count()
    if asked > context.limits.questions and plan.refused is None:
        plan.refused = TooManyQuestions(asked, context.limits.questions)
