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
    limits: Limits = field(default_factory=Limits)
    # Whether the client takes an answer in several payloads (`multipart/mixed`): without it, an
    # operation that would defer or stream is refused (`schema/incremental.py`).
    accepts_incremental: bool = False
    # Errors that views report beside the data they still give (`schema/partial.py`).
    partial_errors: list[Any] = field(default_factory=list)


def new_context(
    caller: Caller,
    upstream: Upstream,
    limits: Limits | None = None,
    accepts_incremental: bool = False,
) -> OperationContext:
    """A fresh context (and loader) for one GraphQL operation, bounded by `limits`; whether the
    client takes incremental delivery (`@defer`, `@stream`) is `accepts_incremental`."""
    plan = OperationPlan()
    return OperationContext(
        limits=limits or Limits(),
        accepts_incremental=accepts_incremental,
        caller=caller,
        upstream=upstream,
        plan=plan,
        loader=OperationLoader(upstream, caller, plan),
    )


# What every resolver receives as `info`: strawberry's Info with the facade's context.
Info = strawberry.Info[OperationContext, None]
