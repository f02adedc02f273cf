"""The facade served with its event loop's lag measured, for the bench: `python -m
bench.measured_facade --port P` serves what `ssbtek-graphql serve` serves (same settings from the
environment), plus `GET /_bench/lag`, which answers the lag samples taken since the last call and
starts afresh. Never part of the product: the route exists only in this bench process."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
from typing import Any

import uvicorn

from graph.app import create_app, tune_serving_process
from graph.settings import load_settings

# The loop is asked to wake every 5 ms; how late it wakes is the lag. A stalled loop delays every
# request it holds by at least as much.
INTERVAL_S = 0.005


class LoopLag:
    """Lag samples of the running event loop, and the pauses of the garbage collector, in
    milliseconds."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.collections: list[tuple[int, float]] = []
        self._task: asyncio.Task[None] | None = None
        self._collecting = 0.0
        gc.callbacks.append(self._collection)

    def _collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        else:
            pause = (time.perf_counter() - self._collecting) * 1000
            self.collections.append((info["generation"], pause))

    def start(self) -> None:
        """Start sampling on the running loop (once)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(INTERVAL_S)
            self.samples.append((time.perf_counter() - started - INTERVAL_S) * 1000)

    def take(self) -> dict[str, Any]:
        """The samples so far; the next take starts afresh."""
        taken = {"lag": self.samples, "collections": self.collections}
        self.samples, self.collections = [], []
        return taken


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
