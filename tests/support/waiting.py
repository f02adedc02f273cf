"""Waiting for what takes a moment, without guessing how long: ask until it has happened, and
give up only after a bound far past what it takes on a loaded machine (a test asserts order,
never speed)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# How long a wait may last before the test gives up: only what never happens reaches it.
GIVE_UP_S = 60.0


def eventually(happened: Callable[[], bool], give_up_s: float = GIVE_UP_S) -> bool:
    """Whether `happened()` comes true, asked every 20 ms, within `give_up_s`."""
    deadline = time.monotonic() + give_up_s
    while not happened():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


async def until(happened: Callable[[], bool], give_up_s: float = GIVE_UP_S) -> bool:
    """`eventually` on the running event loop, which keeps running meanwhile."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + give_up_s
    while not happened():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True
