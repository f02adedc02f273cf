"""Which errors a caller sees as they are, which are masked, and how they are logged."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from resolvers.audit import AuditUnavailable
from resolvers.codes import ErrorCode
from resolvers.errors import BadUserInput, Forbidden, TooManyQuestions, UpstreamError
from resolvers.privacy import redact
from resolvers.tracebacks import BARE_TRACEBACKS

log = logging.getLogger("ssbtek_graphql.errors")
log.addFilter(BARE_TRACEBACKS)

INTERNAL_MESSAGE = "Internal error in the facade; it has been logged."

# The facade's own errors: each has a `code`, and its message may be shown.
CODED_ERRORS = (UpstreamError, BadUserInput, Forbidden, TooManyQuestions, AuditUnavailable)

# Codes of an operation refused for its input or the caller's rights: each leaves an audit line.
REFUSAL_CODES = frozenset(
    {
        ErrorCode.BAD_USER_INPUT,
        ErrorCode.FORBIDDEN,
        ErrorCode.GRAPHQL_VALIDATION_FAILED,
        ErrorCode.GRAPHQL_PARSE_FAILED,
        ErrorCode.QUERY_TOO_COMPLEX,
        ErrorCode.TOO_MANY_QUESTIONS,
        ErrorCode.OPERATION_RESOLUTION_FAILURE,
    }
)


def is_public(error: GraphQLError) -> bool:
    """Errors the caller may read: GraphQL's own (syntax, validation, variable coercion: nothing
    behind them, or coded where they were found) and the facade's coded ones. Anything else is
    internal and is masked, with a path or without one (an exception outside any field)."""
    original = error.original_error
    if original is None or isinstance(original, CODED_ERRORS):
        return True
    if error.path is None and "code" in (error.extensions or {}):
        return True
    return isinstance(original, GraphQLError) and "code" in (original.extensions or {})


def masked(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors with each internal one replaced by a neutral one (`neutral`): what the
    caller is shown, after every error was logged (`schema/build.py FacadeSchema.execute`)."""
    return [error if is_public(error) else neutral(error) for error in errors]


def neutral(error: GraphQLError) -> GraphQLError:
    """An internal error as the caller sees it: where it happened, INTERNAL_SERVER_ERROR, and a
    message that says nothing of it."""
    return GraphQLError(
        INTERNAL_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR},
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
        return ErrorCode.GRAPHQL_VALIDATION_FAILED
    return ErrorCode.INTERNAL_SERVER_ERROR


# graphql-core's "Did you mean 'tjanstestatus'?": it names fields, which introspection being off
# is meant to keep to those who know them.
_SUGGESTIONS = re.compile(r"\s*Did you mean [^?]*\?")


def with_code(error: GraphQLError, suggestions: bool = True) -> GraphQLError:
    """The error with `extensions.code` (and an upstream error's details, e.g. `felkod`) set,
    its message cleared of personal numbers and, without `suggestions`, of graphql-core's
    suggestions of field and argument names."""
    details = getattr(error.original_error, "details", None) or {}
    extensions: dict[str, Any] = {
        **(error.extensions or {}),
        **details,
        "code": error_code(error),
    }
    message = redact(error.message)
    if not suggestions:
        message = _SUGGESTIONS.sub("", message)
    with_extensions = GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )
    if with_extensions.locations is None and error.locations:  # a refusal remembered
        with_extensions.locations = error.locations
    return with_extensions


def in_path_order(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors in a fixed order, whatever order concurrent fields failed in: those without a
    path first, then by path (keys and list indices), message, locations and code."""

    def order(error: GraphQLError) -> tuple[Any, ...]:
        path = [(0, key, 0) if isinstance(key, str) else (1, "", key) for key in error.path or ()]
        locations = [(location.line, location.column) for location in error.locations or ()]
        return (error.path is not None, path, error.message, locations, error_code(error))

    return sorted(errors, key=order)


def log_errors(errors: list[GraphQLError], field_names: frozenset[str] = frozenset()) -> None:
    """Log each error with nothing the caller wrote: its code and path (an alias, which is the
    caller's, as `[alias]`: a key that is none of `field_names`); the message only of the
    facade's own errors, which are its own sentences (graphql-core's quote the document and the
    variables); internal errors with a traceback without messages (`resolvers/tracebacks.py`)."""
    for error in errors:
        code = error_code(error)
        path = _path(error, field_names)
        original = error.original_error
        if isinstance(original, UpstreamError):
            # SSBTEK's own words may name the person: only the codes are logged.
            felkod = redact(str(original.details.get("felkod")))
            log.info("graphql error code=%s path=%s felkod=%s", code, path, felkod)
        elif isinstance(original, CODED_ERRORS):
            log.info("graphql error code=%s path=%s: %s", code, path, redact(error.message))
        elif is_public(error):
            log.info("graphql error code=%s path=%s", code, path)
        else:
            log.error(
                "internal error path=%s: %s", path, type(original).__name__, exc_info=original
            )


def _path(error: GraphQLError, field_names: frozenset[str]) -> str:
    """The error's path for a log line: list indices and field names; an alias is the caller's
    text (it may be named after the person), so it is `[alias]`."""
    return "/".join(
        str(key) if isinstance(key, int) or key in field_names else ALIAS
        for key in error.path or []
    )


ALIAS = "[alias]"
