"""Memory a huge answer took is given back: the operation lets go of its answers as soon as it is
answered (no reference cycle keeps them), and a serving process uses the C allocator, whose free
pages `resolvers/memory.py` hands back to the operating system."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest

from resolvers.loader import Upstream
from tests.support import PERIOD, Facade, command, free_port

HUGE = "195804121233"


def test_an_operation_lets_go_of_its_answers_without_a_garbage_collection(
    api: Facade, monkeypatch: pytest.MonkeyPatch
) -> None:
    """graphql-core's execution sits in reference cycles that reach the operation's context: an
    answer still held by the operation's loader would live until a full collection."""
    answers: list[weakref.ref[Any]] = []
    fetch = Upstream.fetch

    async def noted(self: Upstream, *args: Any, **kwargs: Any) -> Any:
        answer = await fetch(self, *args, **kwargs)
        answers.append(weakref.ref(answer))
        return answer

    monkeypatch.setattr(Upstream, "fetch", noted)
    gc.collect()
    gc.disable()
    try:
        answer = api.query(
            "query($pnr: Personnummer!, $p: PeriodInput!) { person(personnummer: $pnr, "
            'period: $p, arende: "A") { forsakringskassan { sjukpenning { aktivt } } } }',
            {"pnr": HUGE, "p": PERIOD},
        )
        assert "errors" not in answer
        assert answers and all(ref() is None for ref in answers)
    finally:
        gc.enable()


def test_a_serving_process_uses_the_c_allocator() -> None:
    port = free_port()
    ready = f"http://127.0.0.1:{port}/healthz"
    with command(["serve", "--port", str(port)], ready) as process:
        environ = Path(f"/proc/{process.pid}/environ").read_bytes()
    assert b"PYTHONMALLOC=malloc" in environ.split(b"\0")
