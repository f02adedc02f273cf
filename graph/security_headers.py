"""The headers every response carries: no sniffing, no framing, no referrer, and no storing of
what can hold personal data."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from graph.middleware import HttpMiddleware

# Every response: no sniffing, no framing, no referrer, and (where personal data can be) no
# storing. GraphiQL's own page is framed by nobody either.
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}
NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
PERSONAL_PATHS = ("/graphql",)


class SecurityHeaders(HttpMiddleware):
    """Adds `SECURITY_HEADERS` to every response and `no-store` to those that can carry personal
    data."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        personal = scope["path"].startswith(PERSONAL_PATHS)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if personal:
                    for name, value in NO_STORE.items():
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, sending)
