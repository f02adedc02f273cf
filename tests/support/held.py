"""Holding an in-process SSBTEK's answers until a test lets them go, so that calls overlap by
construction rather than by a latency: `HeldTransport` counts the calls that arrived and holds
each until `release()`; `eventually` waits for what a test needs to see before releasing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx


class HeldTransport(httpx.AsyncBaseTransport):
    """`inner`, with every request held at the door until `release()`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.arrived = 0
        self._open = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.arrived += 1
        await self._open.wait()
        return await self.inner.handle_async_request(request)

    def release(self) -> None:
        """Let the held requests, and every later one, through."""
        self._open.set()

    def hold(self) -> None:
        """Hold every later request again."""
        self._open.clear()

    async def aclose(self) -> None:
        await self.inner.aclose()


async def eventually(condition: Callable[[], bool], within_s: float = 30.0) -> None:
    """Return once `condition()` holds; fail if it does not within `within_s` (a bound for a
    test that would otherwise hang, not a latency anything waits for)."""
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.001)
