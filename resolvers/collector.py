"""The garbage collector's automatic passes paused while a worker thread makes many objects that
stay alive until it ends (a large document parsed, a large answer decoded): each pass the
allocations bring on would walk them all again, in the worker thread but holding the
interpreter, and so the event loop. Paused, the temporaries die by their reference counts
unwalked, and the passes resume, and catch up on what is left, when the work is done, or while
the work waits (`resumed`: a decoding that gives way to the loop, resolvers/courtesy.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_paused = 0  # the threads in `paused`
_resume = True  # whether the collector was on when the first of them paused it
_pausing = threading.Lock()
_thread = threading.local()  # how deep this thread is in `paused`


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
    global _paused, _resume
    with _pausing:
        _paused += 1
        if _paused == 1:
            _resume = gc.isenabled()
            gc.disable()


def _unpause() -> None:
    global _paused
    with _pausing:
        _paused -= 1
        if _paused == 0 and _resume:
            gc.enable()
