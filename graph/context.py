"""Who is asking. Until authentication exists, every request comes from one fixed demo caller."""

from __future__ import annotations

from starlette.requests import Request

from schema.context import Caller

DEMO_CALLER = Caller(tenant="demo", handlaggare="demo-handlaggare")


def caller_of(request: Request) -> Caller:
    """The caller behind a request."""
    return DEMO_CALLER
