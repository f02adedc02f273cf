"""Handing memory back to the operating system after large answers and cache entries are gone.

CPython frees objects at once, but the C allocator keeps what it freed for reuse: after a few
huge answers (the LEFI answer of a person with many benefits is ~15 MB as objects) a process's
resident memory stays at its peak long after the answers and their cache entries are gone. Once
enough has been freed, the free pages are returned, in a worker thread and at most once per
`PAUSE_S`: jemalloc's arenas purged where jemalloc is the allocator (`graph/allocator.py`), else
`malloc_trim(0)` (glibc). Where the C library has no `malloc_trim`, nothing is done.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import time
from collections.abc import Callable
from functools import cache
from typing import cast

log = logging.getLogger(__name__)

TRIM_AFTER_BYTES = 4 * 1024 * 1024  # freed (as estimated) before the allocator is trimmed
PAUSE_S = 5.0  # at most one trim in this time
DELAY_S = 1.0  # after a large answer: time for the response that holds it to be sent


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


@cache
def jemalloc_control() -> Callable[..., int] | None:
    """jemalloc's `mallctl` where jemalloc is this process's allocator, else None."""
    try:
        control = ctypes.CDLL(None).mallctl
    except AttributeError:
        return None
    control.argtypes = [
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_size_t,
    ]
    control.restype = ctypes.c_int
    return cast(Callable[..., int], control)


# `arena.<i>.purge` of MALLCTL_ARENAS_ALL (4096): every arena's unused pages, now.
_PURGE_EVERY_ARENA = b"arena.4096.purge"


def trim() -> bool:
    """Return the C allocator's free pages to the operating system; False where it cannot."""
    control = jemalloc_control()
    if control is not None:
        return control(_PURGE_EVERY_ARENA, None, None, None, 0) == 0
    malloc_trim = _malloc_trim()
    if malloc_trim is None:
        return False
    malloc_trim(0)
    return True


class FreedMemory:
    """Counts the bytes freed (as estimated) and trims the allocator once enough are."""

    def __init__(self, threshold: int = TRIM_AFTER_BYTES, pause_s: float = PAUSE_S) -> None:
        self.threshold = threshold
        self.pause_s = pause_s
        self.pending = 0
        self.trims = 0
        self._last = 0.0
        self._task: asyncio.Future[bool] | None = None

    def add(self, size: int, delay_s: float = 0.0) -> None:
        """`size` bytes are freed (or will be within `delay_s`); trims when enough are."""
        self.pending += size
        if self.pending < self.threshold or self._task is not None:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop (a synchronous caller): the next add trims
            return
        wait = max(delay_s, self._last + self.pause_s - time.monotonic(), 0.0)
        self._task = asyncio.ensure_future(self._trim_after(wait))
        self._task.add_done_callback(self._done)

    async def _trim_after(self, wait: float) -> bool:
        await asyncio.sleep(wait)
        self.pending = 0
        self._last = time.monotonic()
        return await asyncio.to_thread(trim)

    def _done(self, task: asyncio.Future[bool]) -> None:
        self._task = None
        if not task.cancelled() and task.exception() is None and task.result():
            self.trims += 1


# One per process: the cache's entries and the answers read share the allocator.
FREED = FreedMemory()
