"""What every resolver of one GraphQL operation shares: who asks, and the operation's loader."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from resolvers.caller import Caller
from resolvers.loader import OperationLoader, Upstream
from resolvers.plan import FetchPlan, QuestionKey

__all__ = ["Caller", "Info", "OperationContext", "OperationPlan", "new_context"]


@dataclass
class OperationPlan:
    """The fetch plan of every person in the operation, and the keys whose selection is invalid."""

    plans: dict[QuestionKey, FetchPlan] = field(default_factory=dict)
    errors: dict[QuestionKey, Exception] = field(default_factory=dict)


@dataclass
class OperationContext:
    """The strawberry context of one operation."""

    caller: Caller
    upstream: Upstream
    loader: OperationLoader
    plan: OperationPlan | None = None


def new_context(caller: Caller, upstream: Upstream) -> OperationContext:
    """A fresh context (and loader) for one GraphQL operation."""
    return OperationContext(
        caller=caller, upstream=upstream, loader=OperationLoader(upstream, caller)
    )


# What every resolver receives as `info`: strawberry's Info with the facade's context.
Info = strawberry.Info[OperationContext, None]
