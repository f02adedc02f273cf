"""Which errors a caller sees as they are, which are masked, and how they are logged."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from resolvers.audit import AuditUnavailable
from resolvers.errors import BadUserInput, Forbidden, UpstreamError
from resolvers.privacy import redact

log = logging.getLogger("ssbtek_graphql.errors")

INTERNAL_MESSAGE = "Internal error in the facade; it has been logged."

# The facade's own errors: each has a `code`, and its message may be shown.
CODED_ERRORS = (UpstreamError, BadUserInput, Forbidden, AuditUnavailable)

# Codes of an operation refused for its input or the caller's rights: each leaves an audit line.
REFUSAL_CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "FORBIDDEN",
        "GRAPHQL_VALIDATION_FAILED",
        "GRAPHQL_PARSE_FAILED",
        "QUERY_TOO_COMPLEX",
    }
)


def is_public(error: GraphQLError) -> bool:
    """Errors the caller may read: GraphQL's own (syntax, validation, variable coercion: they
    have no path) and the facade's coded ones. Anything else is internal and is masked."""
    original = error.original_error
    if original is None or error.path is None:
        return True
    if isinstance(original, CODED_ERRORS):
        return True
    return isinstance(original, GraphQLError) and "code" in (original.extensions or {})


def mask_internal_errors() -> MaskErrors:  # a factory: strawberry builds one per operation
    """The strawberry extension that replaces internal errors with a neutral message."""
    return MaskErrors(
        should_mask_error=lambda error: not is_public(error), error_message=INTERNAL_MESSAGE
    )


def error_code(error: GraphQLError) -> str:
    """The `extensions.code` of an error: its own, the code of the facade's error behind it, or
    one by its kind."""
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)
    original = error.original_error
    if isinstance(original, CODED_ERRORS):
        return original.code
    if error.path is None:  # a request error no step coded: the document is not as it must be
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


# graphql-core's "Did you mean 'tjanstestatus'?": it names fields, which introspection being off
# is meant to keep to those who know them.
_SUGGESTIONS = re.compile(r"\s*Did you mean [^?]*\?")


def with_code(error: GraphQLError, suggestions: bool = True) -> GraphQLError:
    """The error with `extensions.code` (and an upstream error's details, e.g. `felkod`) set,
    its message cleared of personal numbers and, without `suggestions`, of graphql-core's
    suggestions of field and argument names."""
    details = (
        error.original_error.details if isinstance(error.original_error, UpstreamError) else {}
    )
    extensions: dict[str, Any] = {
        **(error.extensions or {}),
        **details,
        "code": error_code(error),
    }
    message = redact(error.message)
    if not suggestions:
        message = _SUGGESTIONS.sub("", message)
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


def in_path_order(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors in a fixed order, whatever order concurrent fields failed in: those without a
    path first, then by path (keys and list indices), message, locations and code."""

    def order(error: GraphQLError) -> tuple[Any, ...]:
        path = [(0, key, 0) if isinstance(key, str) else (1, "", key) for key in error.path or ()]
        locations = [(location.line, location.column) for location in error.locations or ()]
        return (error.path is not None, path, error.message, locations, error_code(error))

    return sorted(errors, key=order)


def log_errors(errors: list[GraphQLError]) -> None:
    """Log each error without personal data: its code, path and redacted message; internal errors
    with their traceback (tracebacks name code, not people)."""
    for error in errors:
        code = error_code(error)
        if isinstance(error.original_error, UpstreamError):
            # SSBTEK's own words may name the person: only the codes are logged.
            details = error.original_error.details
            log.info(
                "graphql error code=%s path=%s felkod=%s",
                code,
                _path(error),
                redact(str(details.get("felkod"))),
            )
        elif is_public(error):
            log.info("graphql error code=%s path=%s: %s", code, _path(error), redact(error.message))
        else:
            log.error(
                "internal error path=%s: %s",
                _path(error),
                type(error.original_error).__name__,
                exc_info=error.original_error,
            )


def _path(error: GraphQLError) -> str:
    """The error's path for a log line; aliases may be named after the person, so redacted."""
    return redact("/".join(map(str, error.path or [])))
