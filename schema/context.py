"""What every resolver of one GraphQL operation shares: who asks, the operation's plan (made by
the planning step before execution, `schema/plan_step.py`) and its loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry

from resolvers.caller import Caller
from resolvers.loader import OperationLoader, Upstream
from resolvers.plan import OperationPlan

__all__ = ["Caller", "Info", "OperationContext", "OperationPlan", "new_context"]


@dataclass
class OperationContext:
    """The strawberry context of one operation."""

    caller: Caller
    upstream: Upstream
    plan: OperationPlan
    loader: OperationLoader
    # Errors that views report beside the data they still give (`schema/partial.py`).
    partial_errors: list[Any] = field(default_factory=list)


def new_context(caller: Caller, upstream: Upstream) -> OperationContext:
    """A fresh context (and loader) for one GraphQL operation."""
    plan = OperationPlan()
    return OperationContext(
        caller=caller, upstream=upstream, plan=plan, loader=OperationLoader(upstream, caller, plan)
    )


# What every resolver receives as `info`: strawberry's Info with the facade's context.
Info = strawberry.Info[OperationContext, None]
