"""Trusted documents (persisted operations): the operations a municipality's frontends were built
with, known in advance by their SHA-256, so that a client may send the hash instead of the text
and, with `SSBTEK_TRUSTED_ONLY`, nothing else runs: a stolen token cannot run arbitrary queries.

`SSBTEK_TRUSTED_DOCUMENTS` names a JSON manifest, in either of the formats the tools write:
graphql-codegen's client preset (`{"sha256:<hex>": "<document>"}`; `{"<hex>": …}` too) or Apollo's
persisted-query manifest (`{"format": "apollo-persisted-query-manifest", "operations": [{"id",
"body"}]}`). Every entry's key must be the SHA-256 (hex) of its document, or the facade does not
start.

A request names its document by `documentId` (GraphQL over HTTP; `sha256:<hex>` or `<hex>`) or
by `extensions.persistedQuery.sha256Hash` (Apollo). Without `SSBTEK_TRUSTED_ONLY`, an Apollo hash
that is no trusted document is Apollo's automatic persisted queries, which graph/apq.py answers."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resolvers.codes import ErrorCode

Refusal = tuple[int, str, ErrorCode]  # HTTP status, message, code


def sha256(document: str) -> str:
    """The SHA-256 of a document's text, hex: its id in a manifest."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class ManifestError(ValueError):
    """The manifest cannot be read or an entry is not the hash of its document."""


def read_manifest(path: str) -> dict[str, str]:
    """The documents of a manifest by their SHA-256; ManifestError for anything else."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"cannot be read as JSON ({type(exc).__name__})") from None
    if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise ManifestError("an Apollo manifest needs a list of operations")
        pairs = [(op.get("id"), op.get("body")) for op in operations if isinstance(op, dict)]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ManifestError("must be an object of documents by their SHA-256")
    documents: dict[str, str] = {}
    for key, document in pairs:
        if not isinstance(key, str) or not isinstance(document, str):
            raise ManifestError("every entry must be a SHA-256 and a document, both strings")
        digest = key.lower().removeprefix("sha256:")  # the client preset writes the prefix
        if not _HEX64.fullmatch(digest):
            raise ManifestError(
                f"the entry {key[:16]}… is not a SHA-256 (64 hex digits, `sha256:` before them "
                "or not; graphql-codegen: hashAlgorithm sha256)"
            )
        if sha256(document) != digest:
            raise ManifestError(f"the entry {key[:16]}… is not the SHA-256 of its document")
        documents[digest] = document
    return documents


_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class TrustedDocuments:
    """The known documents, and whether only they may run."""

    documents: dict[str, str] = field(default_factory=dict)
    only: bool = False

    def resolve(self, request: dict[str, Any]) -> tuple[dict[str, Any], Refusal | None]:
        """The request with its document's text when it names a trusted one by hash; or why it
        is refused: an unknown `documentId`, a text that differs from its hash, or (trusted-only)
        a text that is no trusted document, registering one included. An Apollo hash that is
        no trusted document passes on, when documents are not trusted-only, to the automatic
        persisted queries after authentication (graph/apq.py)."""
        wanted = requested_hash(request)
        query = request.get("query")
        if wanted is not None:
            document = self.documents.get(wanted)
            if document is not None:
                if isinstance(query, str) and query != document:
                    return request, (
                        400,
                        "the query is not the document of its id",
                        ErrorCode.BAD_REQUEST,
                    )
                return {**request, "query": document}, None
            if self.only and isinstance(query, str):
                return request, (
                    403,
                    "this facade runs trusted documents only: a client cannot register "
                    "documents (automatic persisted queries are off)",
                    ErrorCode.PERSISTED_QUERY_NOT_TRUSTED,
                )
            if self.only or apq_hash(request) is None:
                return request, (
                    400,
                    "no trusted document has this id; send one the facade was given",
                    ErrorCode.PERSISTED_QUERY_NOT_FOUND,
                )
            if isinstance(query, str) and sha256(query) != wanted:
                return request, (
                    400,
                    "the query is not the document of its sha256Hash",
                    ErrorCode.BAD_REQUEST,
                )
            return request, None
        if self.only and not (isinstance(query, str) and sha256(query) in self.documents):
            return request, (
                403,
                "this facade runs trusted documents only: send a known documentId",
                ErrorCode.PERSISTED_QUERY_NOT_TRUSTED,
            )
        return request, None


def requested_hash(request: dict[str, Any]) -> str | None:
    """The SHA-256 a request names its document by, lower-case hex, or None."""
    document_id = request.get("documentId")
    if isinstance(document_id, str):
        return document_id.lower().removeprefix("sha256:")
    return apq_hash(request)


def apq_hash(request: dict[str, Any]) -> str | None:
    """The SHA-256 of Apollo's `extensions.persistedQuery.sha256Hash`, lower-case hex, or None
    (also when the request names its document by `documentId`)."""
    if isinstance(request.get("documentId"), str):
        return None
    extensions = request.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    wanted = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return wanted.lower() if isinstance(wanted, str) else None
