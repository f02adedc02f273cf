"""The garbage collector's automatic passes paused while a worker thread makes many objects that
stay alive until it ends (a large document parsed, a large answer decoded): each pass the
allocations bring on would walk them all again, in the worker thread but holding the
interpreter, and so the event loop. Paused, the temporaries die by their reference counts
unwalked, and the passes resume, and catch up on what is left, when the work is done."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_paused = 0  # the threads in `paused`
_resume = True  # whether the collector was on when the first of them paused it
_pausing = threading.Lock()


def paused(work: Callable[[], T]) -> T:
    """`work()` with the garbage collector's automatic passes paused (while any thread is in
    here); they resume when the last such thread is done, unless they were off before."""
    global _paused, _resume
    with _pausing:
        _paused += 1
        if _paused == 1:
            _resume = gc.isenabled()
            gc.disable()
    try:
        return work()
    finally:
        with _pausing:
            _paused -= 1
            if _paused == 0 and _resume:
                gc.enable()
