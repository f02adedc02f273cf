"""Who is asking: the caller that authentication (`graph/auth.py`) put on the request."""

from __future__ import annotations

from starlette.requests import Request

from graph.auth import CallerUser
from resolvers.caller import Caller


class NotAuthenticated(Exception):
    """A request reached the GraphQL view without an authenticated caller."""


def caller_of(request: Request) -> Caller:
    """The caller behind a request; authentication runs before the view, so this holds."""
    user = request.scope.get("user")
    if not isinstance(user, CallerUser):
        raise NotAuthenticated("the request has no authenticated caller")
    return user.caller


def is_authenticated(request: Request) -> bool:
    """Whether authentication put a caller on the request."""
    return isinstance(request.scope.get("user"), CallerUser)
