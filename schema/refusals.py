"""Documents refused before they ran, remembered by a keyed hash, so that the same refusal costs
a hash the next time instead of a parse and a validation (for a 64 KB document, 100 ms and more).

What is remembered: a refusal that depends on the document alone (it does not parse, it is over
a limit, it is not valid against the schema), with its errors as the caller got them (message,
locations, code); not the document, and nothing that depends on variables. The key is a BLAKE2b
of the operation name and the document under a random key made at process start, so that the
memory never holds a document's text and its keys cannot be matched to documents outside the
process. At most `max_entries` refusals are kept, least recently refused out first.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, SourceLocation

from resolvers.codes import ErrorCode

# Codes of a refusal that depends on the document alone.
DOCUMENT_REFUSALS = frozenset(
    {
        ErrorCode.GRAPHQL_PARSE_FAILED,
        ErrorCode.GRAPHQL_VALIDATION_FAILED,
        ErrorCode.QUERY_TOO_COMPLEX,
    }
)


@dataclass(frozen=True)
class _Refused:
    """One error of a refusal, without its document."""

    message: str
    locations: tuple[tuple[int, int], ...]
    extensions: tuple[tuple[str, Any], ...]

    def error(self) -> GraphQLError:
        """A fresh GraphQLError as the caller got it the first time."""
        error = GraphQLError(self.message, extensions=dict(self.extensions))
        if self.locations:
            error.locations = [SourceLocation(line, column) for line, column in self.locations]
        return error


class RefusedDocuments:
    """The refusals of documents, by keyed hash of operation name and document."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._key = secrets.token_bytes(32)
        self._refusals: OrderedDict[bytes, tuple[_Refused, ...]] = OrderedDict()

    def _hash(self, query: str, operation_name: str | None) -> bytes:
        hashed = hashlib.blake2b(key=self._key, digest_size=32)
        hashed.update((operation_name or "").encode())
        hashed.update(b"\0")
        hashed.update(query.encode("utf-8", "surrogatepass"))
        return hashed.digest()

    def get(self, query: str | None, operation_name: str | None) -> list[GraphQLError] | None:
        """The errors of this document's earlier refusal, or None."""
        if not query or not self._refusals:  # nothing refused: no document hashed
            return None
        key = self._hash(query, operation_name)
        refused = self._refusals.get(key)
        if refused is None:
            return None
        self._refusals.move_to_end(key)
        return [each.error() for each in refused]

    def remember(
        self, query: str | None, operation_name: str | None, errors: list[GraphQLError]
    ) -> bool:
        """Remember the refusal of a document if it depends on the document alone (every error
        one of DOCUMENT_REFUSALS, none with a path); whether it was remembered."""
        if not query or not errors:
            return False
        codes = {(error.extensions or {}).get("code") for error in errors}
        if not codes <= DOCUMENT_REFUSALS or any(error.path for error in errors):
            return False
        self._refusals[self._hash(query, operation_name)] = tuple(
            _Refused(
                error.message,
                tuple((location.line, location.column) for location in error.locations or ()),
                tuple((error.extensions or {}).items()),
            )
            for error in errors
        )
        while len(self._refusals) > self.max_entries:
            self._refusals.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._refusals)
