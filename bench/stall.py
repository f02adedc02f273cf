"""Stalls: eight caseworkers' small questions, alone and beside a ninth who asks for the person
with the >2 MB LEFI answer over and over; their p99 both ways and the facade's event-loop lag.

The simulator runs as its own process, with its latency model on, or off with its answers
replayed at once (`bench.replay`: nothing hides a stall); the facade is its own process
too (`bench.measured_facade`, which also reports its loop's lag), with its cache off so that
every question is an SSBTEK call and every huge answer is decoded again."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bench.harness import HUGE, HUGE_PERSON, TWO_YEARS, people, percentile
from graph.allocator import ALLOCATOR_VARIABLES, jemalloc_library, serving_environment
from tests.support import PERIOD, command, facade_env, free_port

SMALL = """query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "bench") { transportstyrelsen { resultat } }
}"""


@contextmanager
def measured_facade(sim_url: str, **settings: str) -> Iterator[str]:
    """The facade as its own process, with its loop lag at `/_bench/lag`; yields its base URL."""
    port = free_port()
    env = facade_env(sim_url, SSBTEK_AUDIT_FILE=os.devnull, SSBTEK_TIMEOUT_S="30", **settings)
    # With the allocator `serve` re-executes itself with (graph/allocator.py); nothing else of
    # this process's environment (command() leaves its SSBTEK_* settings out).
    chosen = serving_environment({**os.environ, **env}, jemalloc_library()) or {}
    env.update({name: chosen[name] for name in ALLOCATOR_VARIABLES if name in chosen})
    base = f"http://127.0.0.1:{port}"
    with command(["--port", str(port)], f"{base}/healthz", env, module="bench.measured_facade"):
        yield base


async def _asker(
    url: str, caseworker: str, body: dict[str, Any], until: float, timings: list[float]
) -> None:
    async with httpx.AsyncClient(timeout=60, headers={"X-Handlaggare": caseworker}) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            answer = (await client.post(url, json=body)).json()
            timings.append((time.perf_counter() - started) * 1000)
            if answer.get("errors"):
                raise RuntimeError(f"the bench's question failed: {answer['errors'][0]}")


def one_round(base: str, beside: bool, seconds: float) -> dict[str, float]:
    """Eight small askers for `seconds`, with the huge asker beside them or not: their p99, the
    huge answers given, and the loop lag meanwhile."""
    small: list[float] = []
    huge: list[float] = []

    async def run() -> None:
        until = time.monotonic() + seconds
        askers = [
            _asker(
                f"{base}/graphql",
                f"hl{i}",
                {"query": SMALL, "variables": {"pnr": number, "period": PERIOD}},
                until,
                small,
            )
            for i, number in enumerate(people(8))
        ]
        if beside:
            body = {"query": HUGE, "variables": {"pnr": HUGE_PERSON, "period": TWO_YEARS}}
            askers.append(_asker(f"{base}/graphql", "stor", body, until, huge))
        await asyncio.gather(*askers)

    httpx.get(f"{base}/_bench/lag")  # start afresh
    asyncio.run(run())
    taken = httpx.get(f"{base}/_bench/lag").json()
    lag = taken["lag"]
    pauses = [pause for _generation, pause in taken["collections"]] or [0.0]
    by_generation = {g: sorted(p for gen, p in taken["collections"] if gen == g) for g in (0, 1, 2)}
    return {
        "holders": taken.get("holders", {}),
        "small_p99_ms": percentile(small, 99),
        "small_answers": len(small),
        "huge_answers": len(huge),
        "huge_p50_ms": statistics.median(huge) if huge else 0.0,
        "lag_p99_ms": percentile(lag, 99),
        "lag_max_ms": max(lag),
        "gc_max_ms": max(pauses),
        "gc_passes": {
            g: [len(p), round(sum(p), 1), round(max(p or [0.0]), 1)]
            for g, p in by_generation.items()
        },
    }


def measure(
    rounds: int = 3, seconds: float = 8.0, latency: bool = True, **settings: str
) -> dict[str, list[dict]]:
    """Rounds alone and beside, alternating, against one facade (cache off) and one simulator,
    its latency model on (SSBTEK's waits hide part of a stall) or off and its answers replayed
    (an SSBTEK that answers at once: nothing hides a stall of the facade)."""
    port = free_port()
    results: dict[str, list[dict]] = {"alone": [], "beside": []}
    # Without the latency model, an SSBTEK that answers at once: the simulator's answers given
    # again without building them anew (`bench/replay.py`), once the warm-up has asked them.
    simulator = (
        (["simulator", "--port", str(port), "--latency"], "graph")
        if latency
        else (["--port", str(port)], "bench.replay")
    )
    with command(simulator[0], f"http://127.0.0.1:{port}/ssbtek?wsdl", module=simulator[1]):
        sim_url = f"http://127.0.0.1:{port}/ssbtek"
        with measured_facade(sim_url, SSBTEK_CACHE_TTL_S="0", **settings) as base:
            one_round(base, beside=True, seconds=2)  # warm-up: imports, connections, types
            for _ in range(rounds):
                results["alone"].append(one_round(base, beside=False, seconds=seconds))
                results["beside"].append(one_round(base, beside=True, seconds=seconds))
    return results


def main() -> None:
    """Print the stall figures, with the latency model on and off, and what held the loop."""
    for latency in (True, False):
        print(f"latency model {'on' if latency else 'off'}")
        results = measure(latency=latency)
        _print(results)


def _print(results: dict[str, list[dict]]) -> None:
    for what, rounds in results.items():
        holders: dict[str, float] = {}
        for r in rounds:
            for where, ms in r["holders"].items():
                holders[where] = holders.get(where, 0.0) + ms
        for where, ms in sorted(holders.items(), key=lambda item: -item[1])[:6]:
            print(f"{what:<7} held {ms:7.0f} ms  {where}")
        for r in rounds:
            print(f"{what:<7} collections by generation (passes, ms in all, longest): "
                  f"{r['gc_passes']}")  # fmt: skip
        for name in rounds[0]:
            if name in ("holders", "gc_passes"):
                continue
            values = [r[name] for r in rounds]
            print(f"{what:<7} {name:<14} median {statistics.median(values):8.1f} "
                  f"range {min(values):.1f}-{max(values):.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
