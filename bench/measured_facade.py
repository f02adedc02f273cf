"""The facade served with its event loop's lag measured, for the bench: `python -m
bench.measured_facade --port P` serves what `ssbtek-graphql serve` serves (same settings from the
environment; `bench/stall.py` starts it with the allocator `serve` would choose), plus
`GET /_bench/lag`, which answers the lag samples taken since the last call and starts afresh.
Never part of the product: the route exists only in this bench process."""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import json
import sys
import threading
import time
from typing import Any

import uvicorn

from graph.app import create_app, tune_serving_process
from graph.settings import load_settings

# The loop is asked to wake every 5 ms; how late it wakes is the lag. A stalled loop delays every
# request it holds by at least as much.
INTERVAL_S = 0.005
# A watchdog thread looks every millisecond whether the loop has gone this long without waking,
# and if so notes where the loop's thread is (what holds the loop): its innermost frames of the
# facade's own code, or of the libraries where none is.
HELD_S = 0.010
WATCH_S = 0.001
_OWN = ("/graph/", "/schema/", "/resolvers/")


class LoopLag:
    """Lag samples of the running event loop, and the pauses of the garbage collector, in
    milliseconds."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.collections: list[tuple[int, float]] = []
        self._task: asyncio.Task[None] | None = None
        self._collecting = 0.0
        self._woke = time.perf_counter()
        self._loop_thread: int | None = None
        # Where the loop's thread was while the loop was held, by frames: milliseconds seen.
        self.holders: collections.Counter[str] = collections.Counter()
        gc.callbacks.append(self._collection)

    def _collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        else:
            pause = (time.perf_counter() - self._collecting) * 1000
            self.collections.append((info["generation"], pause))

    def start(self) -> None:
        """Start sampling on the running loop (once), and the watchdog."""
        if self._task is None:
            self._loop_thread = threading.get_ident()
            self._task = asyncio.get_running_loop().create_task(self._sample())
            threading.Thread(target=self._watch, daemon=True).start()

    async def _sample(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(INTERVAL_S)
            self._woke = time.perf_counter()
            self.samples.append((self._woke - started - INTERVAL_S) * 1000)

    def _watch(self) -> None:
        me = threading.get_ident()
        last = time.perf_counter()
        while True:
            time.sleep(WATCH_S)
            now = time.perf_counter()
            if now - self._woke > INTERVAL_S + HELD_S:
                frames = sys._current_frames()
                where = _where(frames.pop(self._loop_thread, None))
                busy = [_where(f) for t, f in frames.items() if t != me and not _idle(f)]
                if busy:  # another thread runs meanwhile: it may hold the interpreter
                    where += " | beside: " + "; ".join(sorted(busy))
                self.holders[where] += (now - last) * 1000
            last = now

    def take(self) -> dict[str, Any]:
        """The samples so far; the next take starts afresh."""
        taken = {
            "lag": self.samples,
            "collections": self.collections,
            "holders": dict(self.holders.most_common(12)),
        }
        self.samples, self.collections = [], []
        self.holders = collections.Counter()
        return taken


def _idle(frame: Any) -> bool:
    """Whether a thread waits for work (an idle worker of a thread pool)."""
    code = frame.f_code if frame is not None else None
    return code is None or code.co_name == "_worker" or code.co_filename.endswith("threading.py")


def _where(frame: Any) -> str:
    """The innermost frame of any code and the two innermost of the facade's own."""
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    own = [f for f in frames if any(part in f.f_code.co_filename for part in _OWN)]
    return " < ".join(
        f"{f.f_code.co_name} ({f.f_code.co_filename.rsplit('/', 1)[-1]}:{f.f_lineno})"
        for f in dict.fromkeys([*frames[:1], *own[:2]])
    )


def measured(app: Any, lag: LoopLag) -> Any:
    """`app` with `GET /_bench/lag` in front of it."""

    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            lag.start()
            if scope["path"] == "/_bench/lag":
                body = json.dumps(lag.take()).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return serve


def main() -> None:
    """Serve the measured facade on loopback."""
    parser = argparse.ArgumentParser(prog="python -m bench.measured_facade")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = measured(create_app(load_settings(), served_host="127.0.0.1"), LoopLag())
    tune_serving_process()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
