"""The garbage collector's automatic passes paused while a worker thread makes many objects that
stay alive until it ends (a large document parsed, a large answer decoded): each pass the
allocations bring on would walk them all again, in the worker thread but holding the
interpreter, and so the event loop. Paused, the temporaries die by their reference counts
unwalked, and the passes resume, and catch up on what is left, when the work is done, or while
the work waits (`resumed`: a decoding that gives way to the loop, resolvers/courtesy.py).

Pauses that overlap keep the collector off only for `MAX_OFF_S` in all: a stream of large
documents or answers, one pause beginning before the last ends, would otherwise keep it off for
good, every cycle made meanwhile alive (hundreds of MB), then collected in one pass of seconds.
Past the bound the collector is on until no thread pauses it."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_paused = 0  # the threads in `paused`
_resume = True  # whether the collector was on when the first of them paused it
_pausing = threading.Lock()
_thread = threading.local()  # how deep this thread is in `paused`
_off_since: float | None = None  # when the pauses turned the collector off, while it is off

# The longest the collector stays off while pauses overlap (a huge answer's decode takes some
# 30 ms of work; a document's parse less).
MAX_OFF_S = 0.25


def paused(work: Callable[[], T]) -> T:
    """`work()` with the garbage collector's automatic passes paused (while any thread is in
    here); they resume when the last such thread is done, unless they were off before."""
    _pause()
    _thread.depth = getattr(_thread, "depth", 0) + 1
    try:
        return work()
    finally:
        _thread.depth -= 1
        _unpause()


def resumed(work: Callable[[], T]) -> T:
    """`work()` with this thread's pause lifted meanwhile, when it is in `paused` (a worker
    that waits for the event loop: the loop's own allocations are collected as they come, not
    all at once after the worker is done); the passes run unless another thread pauses them
    too, and are paused again after."""
    if not getattr(_thread, "depth", 0):
        return work()
    _unpause()
    try:
        return work()
    finally:
        _pause()


def _pause() -> None:
    global _paused, _resume, _off_since
    with _pausing:
        _paused += 1
        if _paused == 1:
            _resume = gc.isenabled()
            gc.disable()
            _off_since = time.monotonic() if _resume else None
        elif _off_since is not None and time.monotonic() - _off_since > MAX_OFF_S:
            gc.enable()  # off long enough: on until no thread pauses it
            _off_since = None


def _unpause() -> None:
    global _paused, _off_since
    with _pausing:
        _paused -= 1
        if _paused == 0 and _resume:
            gc.enable()
            _off_since = None
