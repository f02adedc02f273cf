"""Refusals and large documents: what a 64 KB document refused as QUERY_TOO_COMPLEX costs the
event loop, the first time (ten distinct documents of each kind) and again (the same document),
and what a large accepted document costs it.

Two views of the same requests:

- in-process (`loop_cpu`): the facade's app called through httpx's ASGI transport on one event
  loop, and the CPU time of the loop's own thread per request (`time.thread_time`): work done
  in a worker thread is not counted, the client's small share is;
- served (`served`): the facade as its own process (`bench.measured_facade`), its loop's lag
  sampled every 5 ms while the requests are sent one at a time and another client asks
  `/healthz` every 10 ms; the lag's most is the longest the loop was held.

Figures only: nothing is asserted (docs/performance.md records a run).
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx

from bench.harness import percentile
from bench.stall import measured_facade
from graph.app import create_app
from graph.settings import load_settings
from schema.build import build_schema
from tests.support import CASEWORKER, asgi_client, facade_env
from tests.support.queries import PERSON_ARGS, every_field, refused_document

KINDS = ("aliases", "fields", "tokens")
# An address nothing answers on: these requests never reach SSBTEK.
NO_SSBTEK = "http://127.0.0.1:9/ssbtek"


def accepted_document(seed: int) -> str:
    """A large document that is accepted (every field of `Person`, some 32 KB)
    but asks nothing (`@skip`), so that what it costs is reading it; different per seed."""
    person = build_schema().graphql_schema.get_type("Person")
    return (
        f"{{ s{seed}: __typename person({PERSON_ARGS}) @skip(if: true) "
        f"{{ {every_field(person, 12)} }} }}"
    )


def _documents() -> dict[str, Callable[[int], str]]:
    documents: dict[str, Callable[[int], str]] = {
        f"refused, {kind}": partial(_refused, kind) for kind in KINDS
    }
    documents["accepted, large"] = accepted_document
    return documents


def _refused(kind: str, seed: int) -> str:
    return refused_document(kind, seed)


async def _loop_cpu(documents: dict[str, Callable[[int], str]], rounds: int) -> dict[str, Any]:
    app = create_app(load_settings(facade_env(NO_SSBTEK, SSBTEK_AUDIT_FILE=os.devnull)))
    figures: dict[str, Any] = {}
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        await client.post("/graphql", json={"query": "{ __typename }"})  # warm-up

        async def cpu_ms(query: str) -> float:
            started = time.thread_time()
            await client.post("/graphql", json={"query": query})
            return (time.thread_time() - started) * 1000

        for what, document in documents.items():
            first = [await cpu_ms(document(1000 + seed)) for seed in range(rounds)]
            again = [await cpu_ms(document(1000)) for _ in range(rounds)]
            figures[what] = {"first_ms": first, "again_ms": again}
    return figures


def loop_cpu(rounds: int = 10) -> dict[str, Any]:
    """The loop thread's CPU per request: ten distinct documents, then one of them ten times."""
    return asyncio.run(_loop_cpu(_documents(), rounds))


def served(rounds: int = 10) -> dict[str, Any]:
    """The served facade's loop lag and `/healthz` times while the documents are sent."""
    figures: dict[str, Any] = {}
    headers = {"X-Handlaggare": CASEWORKER}
    with (
        measured_facade(NO_SSBTEK) as base,
        httpx.Client(base_url=base, headers=headers, timeout=60) as client,
    ):

        def send(document: Callable[[int], str], seeds: list[int]) -> None:
            for seed in seeds:
                client.post("/graphql", json={"query": document(seed)})

        send(lambda _seed: "{ __typename }", [0])
        figures["idle"] = _while_probed(base, lambda: time.sleep(2))
        for what, document in _documents().items():
            first = [2000 + seed for seed in range(rounds)]
            figures[f"{what}, first"] = _while_probed(base, partial(send, document, first))
            again = [2000] * rounds
            figures[f"{what}, again"] = _while_probed(base, partial(send, document, again))
    return figures


def _while_probed(base: str, work: Callable[[], Any]) -> dict[str, float]:
    """Run `work` while another client asks `/healthz` every 10 ms; the loop's lag meanwhile
    and the health answers' times."""
    health: list[float] = []
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while not done.is_set():
                started = time.perf_counter()
                client.get("/healthz")
                health.append((time.perf_counter() - started) * 1000)
                time.sleep(0.01)

    httpx.get(f"{base}/_bench/lag")  # start afresh
    prober = threading.Thread(target=probe)
    prober.start()
    started = time.perf_counter()
    try:
        work()
    finally:
        done.set()
        prober.join()
    taken = httpx.get(f"{base}/_bench/lag").json()
    lag = taken["lag"] or [0.0]
    pauses = [pause for _generation, pause in taken["collections"]] or [0.0]
    return {
        "gc_max_ms": max(pauses),
        "work_ms": (time.perf_counter() - started) * 1000,
        "lag_p99_ms": percentile(lag, 99),
        "lag_max_ms": max(lag),
        # NaN when the work was over before /healthz was asked once
        "healthz_p50_ms": statistics.median(health) if health else math.nan,
        "healthz_max_ms": max(health, default=math.nan),
    }


def main() -> None:
    """Print the figures."""
    for what, runs in loop_cpu().items():
        first, again = runs["first_ms"], runs["again_ms"]
        print(
            f"{what:<20} loop CPU per request: first {statistics.median(first):6.1f} ms "
            f"(most {max(first):.1f}), again {statistics.median(again):5.1f} ms"
        )
    for what, row in served().items():
        print(f"{what:<28} " + " ".join(f"{k} {v:8.1f}" for k, v in row.items()))


if __name__ == "__main__":
    main()
