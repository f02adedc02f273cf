"""A large answer decoded in a worker thread gives way to the event loop between its pieces
(`resolvers/courtesy.py`): it waits until the loop has run what is ready, never for longer than
MAX_WAIT_S at a piece, and reads the very same values as without."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time
from decimal import Decimal
from functools import partial
from typing import Any

from resolvers import collector, courtesy
from resolvers.decode import lefi
from tests.support import PERIOD, Facade
from tests.support.queries import PERSON_ARGS, everything


def _chain(
    loop: asyncio.AbstractEventLoop, steps: list[int], until: int | None, pause: float = 0.0
) -> None:
    """A callback that schedules itself again: work the loop has ready, step after step."""
    time.sleep(pause)
    steps.append(1)
    if until is None or len(steps) < until:
        loop.call_soon(_chain, loop, steps, until, pause)


def test_a_worker_waits_until_the_loop_has_run_what_is_ready(monkeypatch: Any) -> None:
    """The loop has 50 steps of 0.2 ms ready: the worker goes on once they have all run."""
    monkeypatch.setattr(courtesy, "MAX_WAIT_S", 60.0)

    async def run() -> list[int]:
        loop = asyncio.get_running_loop()
        steps: list[int] = []
        seen: list[int] = []

        def work() -> None:
            time.sleep(courtesy.GIVE_WAY_S)  # has run long enough to give way
            loop.call_soon_threadsafe(_chain, loop, steps, 50, 0.0002)
            courtesy.give_way()
            seen.append(len(steps))

        await asyncio.to_thread(courtesy.giving_way_to, loop, threading.get_ident(), work)
        return seen

    assert asyncio.run(run()) == [50]


def test_a_loop_that_is_never_idle_does_not_stop_the_worker() -> None:
    async def run() -> bool:
        loop = asyncio.get_running_loop()
        steps: list[int] = []
        loop.call_soon(_chain, loop, steps, None)

        def work() -> int:
            time.sleep(courtesy.GIVE_WAY_S)
            courtesy.give_way()  # waits at most MAX_WAIT_S
            return len(steps)

        try:
            return (
                await asyncio.to_thread(courtesy.giving_way_to, loop, threading.get_ident(), work)
                > 0
            )
        finally:
            steps.clear()

    assert asyncio.run(run())


def test_an_idle_loop_is_not_waited_for(monkeypatch: Any) -> None:
    """The loop waits in its selector for the worker: nothing to give way to, no hand-over."""
    waits: list[int] = []
    monkeypatch.setattr(courtesy._Courtesy, "wait", lambda self: waits.append(1))
    monkeypatch.setattr(courtesy, "GIVE_WAY_S", 0.0)

    def work() -> list[int]:
        time.sleep(0.01)  # the loop waits in its selector
        return courtesy.giving_way(list(range(1000)), lambda n: n + 1, 10)

    async def run() -> list[int]:
        loop = asyncio.get_running_loop()
        await asyncio.to_thread(lambda: None)  # the worker thread started
        return await asyncio.to_thread(courtesy.giving_way_to, loop, threading.get_ident(), work)

    assert asyncio.run(run()) == list(range(1, 1001))
    assert waits == []


def test_on_the_loop_and_in_other_threads_nothing_waits() -> None:
    async def run() -> list[int]:
        courtesy.give_way()  # on the loop: it would wait for itself
        return courtesy.giving_way(list(range(100)), lambda n: n * 2)

    assert asyncio.run(run()) == [n * 2 for n in range(100)]
    assert courtesy.giving_way([1, 2, 3], str) == ["1", "2", "3"]


def test_a_json_text_read_giving_way_is_read_as_whole(monkeypatch: Any) -> None:
    """The same values, keys in the same order, a duplicate key's last value where it first
    stood, when LEFI's JSON is read a piece at a time giving way between the pieces."""
    monkeypatch.setattr(lefi, "JSON_PIECE_BYTES", 64)
    items = [{"belopp": f"{n}.50", "dag": f"2026-01-{n % 28 + 1:02d}"} for n in range(300)]
    text = json.dumps({"b": items, "a": {"x": items[:5]}, "c": 1}).replace('"1.50"', "1.50")
    # (one amount a JSON number: a Decimal of its text both ways)
    text = text[:-1] + ', "a": {"y": [1, 2]}}'  # `a` twice
    whole = lefi._JSON.decode(text.encode())

    async def run() -> Any:
        loop = asyncio.get_running_loop()
        return await asyncio.to_thread(
            courtesy.giving_way_to,
            loop,
            threading.get_ident(),
            lambda: lefi._in_pieces(text.encode()),
        )

    pieces = asyncio.run(run())
    assert pieces == whole and list(pieces) == list(whole) == ["b", "a", "c"]
    assert pieces["a"] == {"y": [1, 2]}
    assert type(pieces["b"][1]["belopp"]) is Decimal and pieces["b"][1]["belopp"] == Decimal("1.50")


def test_a_large_answer_gives_way_and_a_small_one_on_the_loop_does_not(
    api: Facade, monkeypatch: Any
) -> None:
    waits: list[int] = []
    wait = courtesy._Courtesy.wait

    def counted(self: Any) -> None:
        waits.append(1)
        wait(self)

    monkeypatch.setattr(courtesy._Courtesy, "wait", counted)
    monkeypatch.setattr(courtesy, "GIVE_WAY_S", 0.0)  # give way at every piece
    monkeypatch.setattr(courtesy._Courtesy, "loop_is_idle", lambda self: False)
    small = f"{{ person({PERSON_ARGS}) {{ transportstyrelsen {{ resultat }} }} }}"
    assert "errors" not in api.query(small)
    assert waits == []
    assert "errors" not in api.query(everything("A"), {"pnr": "198503151238", "period": PERIOD})
    assert waits


def test_the_collector_runs_while_a_paused_worker_gives_way(monkeypatch: Any) -> None:
    """A large answer's worker pauses the collector's passes (resolvers/collector.py); while it
    waits for the loop they run, so the loop's own allocations are collected as they come."""
    monkeypatch.setattr(courtesy, "MAX_WAIT_S", 60.0)
    gc.enable()

    async def run() -> list[bool]:
        loop = asyncio.get_running_loop()
        seen: list[bool] = []

        def step(left: int) -> None:
            time.sleep(0.0002)
            seen.append(gc.isenabled())
            if left:
                loop.call_soon(step, left - 1)

        def work() -> None:
            time.sleep(courtesy.GIVE_WAY_S)
            loop.call_soon_threadsafe(step, 20)
            courtesy.give_way()
            seen.append(gc.isenabled())  # the worker's own work: paused again

        me = threading.get_ident()
        await asyncio.to_thread(collector.paused, partial(courtesy.giving_way_to, loop, me, work))
        return seen

    seen = asyncio.run(run())
    assert seen == [True] * 21 + [False]
    assert gc.isenabled()
