"""Every code the facade answers in `extensions.code`, and names in its audit lines, logs and
metrics: one enum, so that each code is written once and a misspelt one fails at import. It
lives in the lowest layer, beside the errors that carry the codes (`resolvers/errors.py`); the
layers above use it as they are (`docs/security.md` and `docs/operations.md` say what each
means to a client).

The members are `str`s: they compare equal to, and serialise as, the text a client reads."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """A GraphQL error's `extensions.code`, or the reason of a `refused` audit line."""

    # A whole SSBTEK call failed, or what a field needs whole did not answer (resolvers/).
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_FAULT = "UPSTREAM_FAULT"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    UPSTREAM_BUSY = "UPSTREAM_BUSY"
    UPSTREAM_INVALID_RESPONSE = "UPSTREAM_INVALID_RESPONSE"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"
    RATE_LIMITED = "RATE_LIMITED"
    AUDIT_UNAVAILABLE = "AUDIT_UNAVAILABLE"
    # The operation, refused for what it asks or who asks (each leaves a `refused` audit line).
    BAD_USER_INPUT = "BAD_USER_INPUT"
    FORBIDDEN = "FORBIDDEN"
    TOO_MANY_QUESTIONS = "TOO_MANY_QUESTIONS"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
    # An operation that would defer or stream, for a client that does not take parts (HTTP 406).
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    # After execution, and anything the facade did not expect.
    RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    # The HTTP request, refused before GraphQL runs (graph/).
    UNAUTHENTICATED = "UNAUTHENTICATED"
    BAD_REQUEST = "BAD_REQUEST"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    HOST_NOT_ALLOWED = "HOST_NOT_ALLOWED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_TRUSTED = "PERSISTED_QUERY_NOT_TRUSTED"
    # The connection, refused before the application sees a request (graph/connections.py).
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    HEADERS_TOO_LARGE = "HEADERS_TOO_LARGE"
    SERVER_BUSY = "SERVER_BUSY"
