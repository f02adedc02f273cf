"""Holding an in-process SSBTEK's answers until a test lets them go, so that calls overlap, or
one is answered after another, by construction rather than by a latency: `HeldTransport`
counts the calls that arrived and holds each (or those it is told to) until `release()`;
`tests/support/waiting.py until` waits for what a test needs to see before releasing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx


class HeldTransport(httpx.AsyncBaseTransport):
    """`inner`, with every request (or each that `only` picks) held at the door until
    `release()`; `arrived` counts those held."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        only: Callable[[httpx.Request], bool] | None = None,
    ) -> None:
        self.inner = inner
        self.only = only
        self.arrived = 0
        self._open = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.only is None or self.only(request):
            self._loop = asyncio.get_running_loop()
            self.arrived += 1
            await self._open.wait()
        return await self.inner.handle_async_request(request)

    def release(self) -> None:
        """Let the held requests, and every later one, through."""
        self._open.set()

    def release_from_thread(self) -> None:
        """`release()` from a thread other than the one whose event loop holds the requests (a
        test beside a server that uvicorn runs in a thread of its own): an asyncio event is set
        on its own loop only."""
        if self._loop is None:
            self._open.set()  # nothing waits on it yet
        else:
            self._loop.call_soon_threadsafe(self._open.set)

    def hold(self) -> None:
        """Hold every later request again."""
        self._open.clear()

    async def aclose(self) -> None:
        await self.inner.aclose()
