"""Automatic persisted queries, Apollo's protocol (APQ): a client sends only its document's
SHA-256 (`extensions.persistedQuery.sha256Hash`); when the facade does not hold it, the answer is
`PERSISTED_QUERY_NOT_FOUND`, and the client sends the hash again with the document, which runs as
any document does and, once it has passed parsing and validation with every limit, is held
under its hash for the next time.

Only without `SSBTEK_TRUSTED_ONLY` (graph/trusted.py refuses registering before authentication
otherwise), and after authentication: what is held is per caller (tenant and caseworker), so that
no caller can learn by a hash what another has asked. A document whose hash is not its SHA-256 is
refused before (graph/trusted.py), and one that holds a personnummer is run but never held.
Held documents live `APQ_TTL_S`, in the Redis of `SSBTEK_CACHE_URL` (keyed hashes, values sealed
with `SSBTEK_CACHE_KEY`, resolvers/cache.py) or in this process, bounded by `APQ_MAX_DOCUMENTS`
and `APQ_MAX_BYTES`."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.auth import caller_of
from graph.http_errors import graphql_error, respond
from graph.trusted import TrustedDocuments, apq_hash
from resolvers.cache import CacheSettings, MemoryPartCache, PartCache, RedisPartCache
from resolvers.caller import Caller
from resolvers.codes import ErrorCode
from resolvers.privacy import holds_personnummer
from schema.validated import noting_valid_documents

APQ_TTL_S = 3600.0
APQ_MAX_DOCUMENTS = 10_000
APQ_MAX_BYTES = 16 * 1024 * 1024  # of document text, in memory


class PersistedQueries:
    """The documents clients registered, by caller and SHA-256."""

    def __init__(self, cache: PartCache) -> None:
        self.cache = cache

    def _key(self, caller: Caller, digest: str) -> str:
        return self.cache.key("apq", caller.tenant, caller.handlaggare, digest)

    async def get(self, caller: Caller, digest: str) -> str | None:
        """The document the caller registered under `digest`, if it is still held."""
        key = self._key(caller, digest)
        found = (await self.cache.get_many([key])).get(key)
        return found if isinstance(found, str) else None

    async def put(self, caller: Caller, digest: str, document: str) -> None:
        """Hold `document` under `digest` for the caller."""
        await self.cache.set_many({self._key(caller, digest): document})

    async def close(self) -> None:
        """Release the backend's connections."""
        await self.cache.close()


def build_persisted_queries(settings: CacheSettings) -> PersistedQueries:
    """The store: in the cache's Redis when there is one with a key, else in this process."""
    if settings.url and settings.key is not None:
        return PersistedQueries(RedisPartCache(settings.url, APQ_TTL_S, settings.key))
    return PersistedQueries(MemoryPartCache(APQ_TTL_S, APQ_MAX_DOCUMENTS, APQ_MAX_BYTES, len))


class AutomaticPersistedQueries:
    """ASGI middleware between authentication and strawberry: a request that names its document
    by an Apollo hash the trusted documents do not hold gets the document registered under that
    hash for its caller, or, sending the hash alone, `PERSISTED_QUERY_NOT_FOUND` (HTTP 400)."""

    def __init__(self, app: ASGIApp, store: PersistedQueries, trusted: TrustedDocuments) -> None:
        self.app = app
        self.store = store
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = scope.get("state", {}).get("graphql_request") if scope["type"] == "http" else None
        digest = apq_hash(request) if isinstance(request, dict) else None
        if request is None or digest is None or digest in self.trusted.documents:
            await self.app(scope, receive, send)
            return
        caller = caller_of(Request(scope))
        query = request.get("query")
        if not isinstance(query, str):
            document = await self.store.get(caller, digest)
            if document is None:
                message = "the facade holds no document of this sha256Hash: send it with its query"
                await respond(
                    send, 400, graphql_error(message, ErrorCode.PERSISTED_QUERY_NOT_FOUND)
                )
                return
            body = json.dumps({**request, "query": document}, ensure_ascii=False).encode()
            await self.app(scope, _with_body(body, receive), send)
            return
        with noting_valid_documents() as valid:

            async def registering(message: Message) -> None:
                # Before the answer goes out, so that the client's next request finds it.
                started = message["type"] == "http.response.start"
                if started and query in valid and not holds_personnummer(query):
                    await self.store.put(caller, digest, query)
                await send(message)

            await self.app(scope, receive, registering)


def _with_body(body: bytes, receive: Receive) -> Receive:
    """`receive` with `body` in place of the first request body it gives (the body PostJsonOnly
    read and hands on whole, graph/request_bodies.py)."""
    replaced = False

    async def replacing() -> dict[str, Any]:
        nonlocal replaced
        message = dict(await receive())
        if not replaced and message["type"] == "http.request":
            replaced = True
            message.update(body=body, more_body=False)
        return message

    return replacing
