"""What every resolver of one GraphQL operation shares: who asks, and the operation's loader."""

from __future__ import annotations

from dataclasses import dataclass, field

from resolvers.caller import Caller
from resolvers.loader import OperationLoader, Upstream
from resolvers.plan import FetchPlan, PersonKey

__all__ = ["Caller", "OperationContext", "OperationPlan", "new_context"]


@dataclass
class OperationPlan:
    """The fetch plan of every person in the operation, and the keys whose selection is invalid."""

    plans: dict[PersonKey, FetchPlan] = field(default_factory=dict)
    errors: dict[PersonKey, Exception] = field(default_factory=dict)


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
