"""An operation delivered incrementally (`@defer`, `@stream`) over HTTP: `multipart/mixed`, one
JSON part per payload, as GraphiQL, Apollo Client and urql read it.

The payloads are graphql-core 3.3's, in the current format of the incremental delivery RFC: the
first `{data, errors?, pending, hasNext}`, each later one `{hasNext, pending?, incremental?,
completed?}`, an incremental entry `{id, data | items, subPath?, errors?}` placed at its pending
fragment's or list's `path`. Each entry also carries what a client of the 2022 format (Apollo
Client's `Defer20220824Handler`, urql's `@stream`) reads instead of the ids: its whole `path`
(for streamed items, the index of the first of them) and its `label`.

Only a client that names `multipart/mixed` in `Accept` is sent payloads; any other gets
NOT_ACCEPTABLE (`schema/incremental.py`), never one merged answer. Errors in a later payload stay
in it, coded as a single answer's are; a failing deferred agency erases nothing sent before.
The answers together are bounded by SSBTEK_MAX_RESPONSE_BYTES: a first payload over it is
refused whole (as a single answer is), a later one ends the answer with RESPONSE_TOO_LARGE on
each fragment and list still open.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

from graphql import GraphQLError, GraphQLFormattedError
from graphql.execution import (
    ExperimentalIncrementalExecutionResults,
    InitialIncrementalExecutionResult,
    SubsequentIncrementalExecutionResult,
)

from graph.over_http import names
from schema.incremental import LaterPayloads, Located

MULTIPART = "multipart/mixed"
BOUNDARY = "graphql"
CONTENT_TYPE = f'{MULTIPART}; boundary="{BOUNDARY}"'

# Errors as the answer shows them: coded, in path order, formatted (graph/view.py
# FacadeGraphQL.shown_errors).
ShowErrors = Callable[[list[GraphQLError]], list[GraphQLFormattedError]]


def accepts_multipart(accept: str | None) -> bool:
    """Whether `Accept` names `multipart/mixed` (with any parameters: `deferSpec`,
    `incrementalSpec`) with a quality above 0; a wildcard does not count, since a client that
    sends `*/*` may not read parts."""
    return names(accept, MULTIPART)


class Payloads:
    """The JSON of each payload of one incremental answer, fed in order, and which of its
    fragments and lists are still open."""

    def __init__(self, show_errors: ShowErrors) -> None:
        self.show_errors = show_errors
        self.labels: dict[str, str | None] = {}
        self.open: list[str] = []
        self.codes: list[str] = []
        self._open_before: list[str] = []

    def first(self, initial: InitialIncrementalExecutionResult) -> dict[str, Any]:
        """The first payload: the data that does not wait, what is pending, `hasNext`."""
        payload: dict[str, Any] = {"data": initial.data}
        if initial.errors:
            payload["errors"] = self._shown(initial.errors)
        payload["pending"] = self._pending(initial.pending)
        payload["hasNext"] = initial.has_next
        if initial.extensions:
            payload["extensions"] = initial.extensions
        return payload

    def later(
        self, result: SubsequentIncrementalExecutionResult, located: list[Located]
    ) -> dict[str, Any]:
        """A later payload: its new pending fragments and lists, its entries (where each puts
        its data: `located`), those completed."""
        self._open_before = list(self.open)
        payload: dict[str, Any] = {}
        if result.pending:
            payload["pending"] = self._pending(result.pending)
        if result.incremental:
            payload["incremental"] = [
                self._entry(entry, where)
                for entry, (where, _) in zip(result.incremental, located, strict=True)
            ]
        if result.completed:
            payload["completed"] = [self._completed(completed) for completed in result.completed]
        payload["hasNext"] = result.has_next
        if result.extensions:
            payload["extensions"] = result.extensions
        return payload

    def cut_short(self, error: dict[str, Any]) -> dict[str, Any]:
        """The payload that ends an answer early, in place of the one last made: each fragment
        and list open before that one completed with `error`."""
        payload = {
            "completed": [{"id": id_, "errors": [error]} for id_ in self._open_before],
            "hasNext": False,
        }
        self.open = []
        self.codes.append(str(error["extensions"]["code"]))
        return payload

    def _pending(self, pending: list[Any]) -> list[dict[str, Any]]:
        for item in pending:
            self.labels[item.id] = item.label
            self.open.append(item.id)
        return [item.formatted for item in pending]

    def _entry(self, entry: Any, where: list[str | int]) -> dict[str, Any]:
        shown: dict[str, Any] = {"id": entry.id}
        if hasattr(entry, "items"):
            shown["items"] = entry.items
        else:
            shown["data"] = entry.data
        if entry.sub_path:
            shown["subPath"] = entry.sub_path
        if entry.errors:
            shown["errors"] = self._shown(entry.errors)
        if entry.extensions:
            shown["extensions"] = entry.extensions
        shown["path"] = where
        label = self.labels.get(entry.id)
        if label is not None:
            shown["label"] = label
        return shown

    def _completed(self, completed: Any) -> dict[str, Any]:
        if completed.id in self.open:
            self.open.remove(completed.id)
        shown: dict[str, Any] = {"id": completed.id}
        if completed.errors:
            shown["errors"] = self._shown(completed.errors)
        return shown

    def _shown(self, errors: list[GraphQLError]) -> list[GraphQLFormattedError]:
        shown = self.show_errors(errors)
        self.codes.extend(str((error.get("extensions") or {}).get("code")) for error in shown)
        return shown


def part(body: bytes) -> bytes:
    """One payload as a part of the multipart body, with the boundary after it."""
    return (
        b"\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
        + f"\r\n--{BOUNDARY}".encode()
    )


async def multipart_body(
    first: bytes,
    result: ExperimentalIncrementalExecutionResults,
    payloads: Payloads,
    encode: Callable[[dict[str, Any]], bytes],
    room: int,
    too_large: Callable[[], dict[str, Any]],
) -> AsyncGenerator[bytes, None]:
    """The body: the first payload (already encoded, `first`), then each later one as it is
    made, while they fit in `room` bytes in all; one that does not fit ends the answer with the
    error `too_large` makes. The later payloads stop being made when the client leaves."""
    later = result.subsequent_results
    assert isinstance(later, LaterPayloads), "made by schema/incremental.py deliver"
    try:
        sent = len(first)
        yield f"--{BOUNDARY}".encode() + part(first)
        async for result_part in later:
            body = encode(payloads.later(result_part, later.located))
            sent += len(body)
            if sent > room:
                yield part(encode(payloads.cut_short(too_large())))
                break
            yield part(body)
        yield b"--\r\n"
    finally:
        await later.aclose()
