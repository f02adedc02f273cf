"""What every resolver of one GraphQL operation shares: who asks, the operation's plan (made by
the planner as execution starts, `schema/planned_execution.py`) and its loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry

from resolvers.caller import Caller
from resolvers.loader import OperationLoader, Upstream
from resolvers.plan import OperationPlan
from schema.limits import Limits

__all__ = ["Caller", "Info", "OperationContext", "OperationPlan", "new_context"]


@dataclass
class OperationContext:
    """The strawberry context of one operation."""

    caller: Caller
    upstream: Upstream
    plan: OperationPlan
    loader: OperationLoader
    # What one operation may cost (`schema/limits.py`); the planner reads its question bounds.
    limits: Limits = field(default_factory=lambda: Limits())
    # Whether the operation delivers payloads later (@defer, @stream): its answers are let go
    # when the last is sent, not when the first is.
    streaming: bool = False
    # Errors that views report beside the data they still give (`schema/partial.py`).
    partial_errors: list[Any] = field(default_factory=list)


def new_context(
    caller: Caller, upstream: Upstream, limits: Limits | None = None
) -> OperationContext:
    """A fresh context (and loader) for one GraphQL operation, bounded by `limits`."""
    plan = OperationPlan()
    return OperationContext(
        limits=limits or Limits(),
        caller=caller,
        upstream=upstream,
        plan=plan,
        loader=OperationLoader(upstream, caller, plan),
    )


# What every resolver receives as `info`: strawberry's Info with the facade's context.
Info = strawberry.Info[OperationContext, None]
