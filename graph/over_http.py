"""GraphQL over HTTP (the GraphQL Foundation's draft): which media type an answer is sent as,
and the status of a request error under `application/graphql-response+json`.

A client that accepts `application/graphql-response+json` at least as much as `application/json`
gets it: a request error (the document could not be parsed or validated, or its variables could
not be coerced: no `data` at all) is then HTTP 400 with `errors` only. Under `application/json`,
the older media type, every GraphQL answer stays HTTP 200 with `data: null`, as the draft allows
for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def accept_of(request: Any) -> str | None:
    """The request's `Accept`, its header lines joined (several lines are one list, RFC 9110)."""
    lines = request.headers.getlist("accept")
    return ", ".join(lines) if lines else None


def _items(accept: str) -> Iterator[tuple[str, float]]:
    """Each media range of an `Accept` header, lowercased, with its q value (1 when absent, 0
    when unreadable); its other parameters are left out."""
    for item in accept.split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        yield name.lower(), quality


def _quality(accept: str, media_type: str) -> float:
    """How much `accept` takes `media_type` (its q value; wildcards count), 0 if not at all."""
    kind = media_type.partition("/")[0]
    return max(
        (q for name, q in _items(accept) if name in (media_type, f"{kind}/*", "*/*")), default=0.0
    )


def names(accept: str | None, media_type: str) -> bool:
    """Whether `accept` names `media_type` itself (with any parameters) with a q above 0; a
    wildcard does not count."""
    return any(name == media_type and q > 0 for name, q in _items(accept or ""))


def answer_media_type(accept: str | None) -> str:
    """The media type to answer with: graphql-response+json when the client takes it at least
    as much as application/json (and names it), else application/json (also without Accept)."""
    if not accept or GRAPHQL_RESPONSE not in accept.lower():
        return JSON
    wanted = _quality(accept, GRAPHQL_RESPONSE)
    return GRAPHQL_RESPONSE if wanted > 0 and wanted >= _quality(accept, JSON) else JSON


def is_request_error(answer: Any) -> bool:
    """An answer without data because the request could not be executed at all: errors and no
    data, no error at a field's path."""
    if not isinstance(answer, dict) or answer.get("data") is not None:
        return False
    errors = answer.get("errors") or []
    return bool(errors) and all(not error.get("path") for error in errors)
