"""The garbage collector's automatic passes are paused while a large answer is read and decoded
in its worker thread (`resolvers/collector.py`), and restored as they were after, however the
pauses nest or overlap; a small answer is read on the event loop with the passes on."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from resolvers import client, collector
from resolvers.client import INLINE_ANSWER_BYTES
from tests.support import PERIOD, Facade
from tests.support.queries import PERSON_ARGS, everything


@pytest.fixture
def collecting() -> Iterator[None]:
    """The collector's passes on, as in a serving process, and on again after the test."""
    gc.enable()
    yield
    gc.enable()


def test_the_passes_are_paused_inside_and_on_again_after(collecting: None) -> None:
    assert collector.paused(gc.isenabled) is False
    assert gc.isenabled()


def test_passes_that_were_off_stay_off(collecting: None) -> None:
    gc.disable()
    assert collector.paused(gc.isenabled) is False
    assert not gc.isenabled()


def test_a_failing_work_restores_the_passes(collecting: None) -> None:
    def failing() -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        collector.paused(failing)
    assert gc.isenabled()


def test_nested_pauses_resume_when_the_outer_one_ends(collecting: None) -> None:
    seen: list[bool] = []

    def outer() -> None:
        collector.paused(lambda: seen.append(gc.isenabled()))
        seen.append(gc.isenabled())  # the inner one ended: still paused for the outer

    collector.paused(outer)
    assert seen == [False, False]
    assert gc.isenabled()


def test_overlapping_pauses_resume_when_the_last_one_ends(collecting: None) -> None:
    """Thread a pauses, b pauses, a ends (b still works: still paused), b ends: on again."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def a() -> None:
        a_in.set()
        assert b_in.wait(10)

    def b() -> None:
        b_in.set()
        assert a_out.wait(10)
        seen["b after a ended"] = gc.isenabled()

    threads = [
        threading.Thread(target=collector.paused, args=(a,)),
        threading.Thread(target=collector.paused, args=(b,)),
    ]
    threads[0].start()
    assert a_in.wait(10)
    threads[1].start()
    threads[0].join(10)
    a_out.set()
    threads[1].join(10)
    assert seen == {"b after a ended": False}
    assert gc.isenabled()


def test_overlapping_pauses_keep_the_passes_off_no_longer_than_the_bound(
    collecting: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stream of pauses, each beginning before the one before ends: the passes are off at
    first, on again once a pause begins after MAX_OFF_S, and on for the rest of the stream
    (they were never on again before, however long the stream)."""
    monkeypatch.setattr(collector, "MAX_OFF_S", 0.05)
    seen: list[bool] = []
    handed = threading.Event()

    def link(rest: int) -> None:
        seen.append(gc.isenabled())
        if rest:
            time.sleep(0.03)  # the next pause begins 30 ms into this one, which lasts
            nxt = threading.Thread(target=collector.paused, args=(lambda: link(rest - 1),))
            nxt.start()
            nxt.join(10)
        else:
            handed.set()

    collector.paused(lambda: link(5))
    assert handed.is_set()
    assert seen[0] is False and seen[-1] is True
    assert seen == sorted(seen)  # off, then on for good
    assert gc.isenabled()


def test_a_large_answer_is_decoded_in_a_thread_with_the_passes_paused(
    api: Facade, monkeypatch: pytest.MonkeyPatch, collecting: None
) -> None:
    """Everything for a person (an answer far over INLINE_ANSWER_BYTES) is decoded off the loop
    with the passes paused, one agency's small answer on the loop with them on; after both the
    passes are on."""
    seen: list[dict[str, Any]] = []
    read_answer = client._read_answer

    def noting(status: int, content: bytes, *args: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        seen.append({"bytes": len(content), "on the loop": on_loop, "collecting": gc.isenabled()})
        return read_answer(status, content, *args)

    monkeypatch.setattr(client, "_read_answer", noting)
    assert "errors" not in api.query(everything("A"), {"pnr": "198503151238", "period": PERIOD})
    assert "errors" not in api.query(
        f"{{ person({PERSON_ARGS}) {{ transportstyrelsen {{ resultat }} }} }}"
    )
    large, small = seen
    assert large["bytes"] > INLINE_ANSWER_BYTES >= small["bytes"]
    assert (large["on the loop"], large["collecting"]) == (False, False)
    assert (small["on the loop"], small["collecting"]) == (True, True)
    assert gc.isenabled()


def test_a_pause_is_lifted_while_its_thread_waits_and_put_back_after(collecting: None) -> None:
    def waiting() -> list[bool]:
        return [gc.isenabled(), collector.resumed(gc.isenabled), gc.isenabled()]

    assert collector.paused(waiting) == [False, True, False]
    assert gc.isenabled()
    assert collector.resumed(gc.isenabled) is True  # not paused: nothing to lift
    assert gc.isenabled()


def test_a_lifted_pause_keeps_another_threads_pause(collecting: None) -> None:
    """Thread a pauses and waits; thread b lifts its own pause meanwhile: still paused for a."""
    a_in, b_done = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def a() -> None:
        a_in.set()
        assert b_done.wait(10)

    def b() -> None:
        assert a_in.wait(10)
        seen["b lifted its pause"] = collector.resumed(gc.isenabled)
        b_done.set()

    threads = [
        threading.Thread(target=collector.paused, args=(a,)),
        threading.Thread(target=collector.paused, args=(b,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"b lifted its pause": False}
    assert gc.isenabled()
