"""One log line per request: method, path (never the query string), status and duration."""

from __future__ import annotations

import logging
import time

from starlette.types import Message, Receive, Scope, Send

from graph.middleware import HttpMiddleware
from resolvers.privacy import redact

access_log = logging.getLogger("ssbtek_graphql.access")


class AccessLog(HttpMiddleware):
    """Logs each request's method, path (never the query string), status and duration; the
    status is `-` when nothing was answered (the client left before its body was in)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status: int | None = None

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            status = status or 500
            raise
        finally:
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                redact(scope["path"]),  # a path is the client's: it may hold a number
                status or "-",
                (time.perf_counter() - start) * 1000,
            )
