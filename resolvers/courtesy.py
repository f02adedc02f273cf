"""A long work in a worker thread that gives way to the event loop: between its pieces it
waits, when it has run for GIVE_WAY_S since it last did, until the loop has nothing ready to
run (at most MAX_WAIT_S). One interpreter runs both: left to themselves, the two take turns
every switch interval, and each time the loop's thread blocks in a system call (every socket
read and write) the worker takes the interpreter and the loop waits a whole interval to get it
back, so every request on the loop is slowed by another's large answer. Waiting between pieces,
the worker runs only where the loop has nothing to do (docs/performance.md, issue 23 item 3)."""

from __future__ import annotations

import asyncio
import selectors
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from resolvers import collector

T = TypeVar("T")

# How long a worker runs before it looks whether the loop has work (a piece may run longer).
GIVE_WAY_S = 0.001
# The longest a worker waits for the loop at one piece: a loop that is never idle slows the
# large answer, but does not stop it.
MAX_WAIT_S = 0.02

_local = threading.local()
# Where the loop's thread waits when it has nothing to do: asyncio's selector, in `select`.
_SELECT = selectors.DefaultSelector.select.__code__


class _Courtesy:
    """A worker thread's way to the loop it gives way to, run by the thread `loop_thread`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, loop_thread: int) -> None:
        self.loop = loop
        self.loop_thread = loop_thread
        self.since = time.perf_counter()

    def loop_is_idle(self) -> bool:
        """Whether the loop has nothing to do: its thread waits in its selector (asked while
        this thread holds the interpreter, so that thread is not running Python), with nothing
        ready to run and no event waiting for it (its selector asked without waiting; an
        asyncio loop's own, else the loop counts as busy). Then there is nothing to give way
        to, and no hand-over to pay for."""
        frame = sys._current_frames().get(self.loop_thread)
        if frame is None or frame.f_code is not _SELECT or getattr(self.loop, "_ready", True):
            return False
        selector = getattr(getattr(self.loop, "_selector", None), "_selector", None)
        poll = getattr(selector, "poll", None)
        return poll is not None and not poll(0)

    def wait(self) -> None:
        """Wait until the loop has run what was ready and found nothing more (or MAX_WAIT_S)."""
        done = threading.Event()
        deadline = time.perf_counter() + MAX_WAIT_S
        try:
            self.loop.call_soon_threadsafe(_when_idle, self.loop, done, deadline)
        except RuntimeError:  # the loop is closed
            return
        # The collector's passes, paused for the worker's work (resolvers/collector.py), run
        # meanwhile: the loop's allocations are collected as they come, not all at once after.
        collector.resumed(partial(done.wait, MAX_WAIT_S))
        self.since = time.perf_counter()


def _when_idle(loop: asyncio.AbstractEventLoop, done: threading.Event, deadline: float) -> None:
    # Run by the loop: again after whatever else is ready, until nothing else is (asyncio's own
    # loops keep what is ready in `_ready`; another loop is given one turn).
    if getattr(loop, "_ready", None) and time.perf_counter() < deadline:
        loop.call_soon(_when_idle, loop, done, deadline)
    else:
        done.set()


def give_way() -> None:
    """Between two pieces of a long work: in a worker thread run by `giving_way_to`, having run
    GIVE_WAY_S since it last gave way, wait for the loop to be idle; elsewhere (on the loop, or
    a thread that does not give way) nothing."""
    courtesy: _Courtesy | None = getattr(_local, "courtesy", None)
    if courtesy is None or time.perf_counter() - courtesy.since < GIVE_WAY_S:
        return
    if courtesy.loop_is_idle():
        courtesy.since = time.perf_counter()
    else:
        courtesy.wait()


def giving_way(items: list[Any], read: Callable[[Any], T], batch: int = 32) -> list[T]:
    """`[read(item) for item in items]`, giving way between batches of items."""
    if getattr(_local, "courtesy", None) is None or len(items) <= batch:
        return [read(item) for item in items]
    read_items: list[T] = []
    for start in range(0, len(items), batch):
        read_items += [read(item) for item in items[start : start + batch]]
        give_way()
    return read_items


def giving_way_to(loop: asyncio.AbstractEventLoop, loop_thread: int, work: Callable[[], T]) -> T:
    """`work()` in this worker thread, giving way to `loop` (run by the thread `loop_thread`)
    where it calls `give_way`."""
    _local.courtesy = _Courtesy(loop, loop_thread)
    try:
        return work()
    finally:
        _local.courtesy = None
