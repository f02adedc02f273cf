"""Failures of a whole SSBTEK call, and questions that cannot be asked. Each kind has a code;
how a code reaches a GraphQL client (`extensions.code`) is the schema layer's business
(`schema/errors.py`)."""

from __future__ import annotations

from typing import Any

from resolvers.codes import ErrorCode


class UpstreamError(Exception):
    """SSBTEK could not give an answer; `code` says how. Messages carry no personal data."""

    code = ErrorCode.UPSTREAM_UNAVAILABLE

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class UpstreamFault(UpstreamError):
    """SSBTEK answered with a SOAP fault (`hamtaBastjanstInformationFault` or a generic one)."""

    code = ErrorCode.UPSTREAM_FAULT


class UpstreamTimeout(UpstreamError):
    """SSBTEK did not answer within the configured time."""

    code = ErrorCode.UPSTREAM_TIMEOUT


class UpstreamBusy(UpstreamError):
    """The facade's queue to SSBTEK is longer than the call's deadline allows: refused at once,
    without asking SSBTEK; retry later."""

    code = ErrorCode.UPSTREAM_BUSY


class UpstreamUnavailable(UpstreamError):
    """SSBTEK could not be reached, or answered with an HTTP error and no SOAP fault."""

    code = ErrorCode.UPSTREAM_UNAVAILABLE


class UpstreamInvalidResponse(UpstreamError):
    """SSBTEK answered with something that is not a readable SOAP answer."""

    code = ErrorCode.UPSTREAM_INVALID_RESPONSE


class SourceUnavailable(UpstreamError):
    """SSBTEK answered, but a source a field needs whole (the payments of one paying source)
    answered with an error, or its LEFI provider was not available."""

    code = ErrorCode.SOURCE_UNAVAILABLE


class BadUserInput(Exception):
    """The caller's question cannot be asked as given; the message says why."""

    code = ErrorCode.BAD_USER_INPUT


class TooManyQuestions(Exception):
    """The operation would ask SSBTEK more distinct questions than one operation may
    (`SSBTEK_MAX_QUESTIONS_PER_OPERATION`): refused whole, before any call."""

    code = ErrorCode.TOO_MANY_QUESTIONS

    def __init__(self, asked: int, limit: int) -> None:
        super().__init__(
            f"the operation asks SSBTEK {asked} questions (one per person, period and case, and "
            "one more for each deferred fragment with agencies of its own); "
            f"one operation may ask at most {limit}: ask for fewer people or periods, or in "
            "several operations"
        )
        self.details = {"limit": limit}


class Forbidden(Exception):
    """The caller is authenticated but lacks the role that this question needs."""

    code = ErrorCode.FORBIDDEN
