"""`make bench`: latency and memory of the facade against the simulator (latency model off, so the
numbers are the facade's own cost plus loopback HTTP), on this machine.

Bounded: a fixed number of requests, loopback only. Prints one table; asserts nothing.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable

import httpx

from bench import cache, load
from bench.harness import HUGE, HUGE_PERSON, TWO_YEARS
from tests.support import CASEWORKER, facade_env, served_facade, served_simulator

PERIOD = {"from": "2026-01-01", "tom": "2026-06-30"}
ONE_PERSON = """
query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "bench") {
    arbetsformedlingen {
      fornamn arbetssokandeInfo { arbetssokande } ekonomiskaBeslut { ersattningTyp }
    }
    akassorna { arbetsloshetsersattningar { utbetalningar { utbetalningsdatum nettoEfterSkatt } } }
    transportstyrelsen { fordon { regnr } }
    migrationsverket { svar { beslutstyp } }
  }
}
"""
HOUSEHOLD = """
query($pnr: [Personnummer!]!, $period: PeriodInput!) {
  personer(personnummer: $pnr, period: $period, arende: "bench") {
    akassorna { arbetsloshetsersattningar { utbetalningar { nettoEfterSkatt } } }
  }
}
"""
NUMBERS = [
    "198503151238", "199001011239", "198202201235", "197707071234", "198807141232",
]  # fmt: skip


def _timed(run: Callable[[], None], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"{name:<34} {len(samples):>5} {statistics.median(ordered):>9.1f} {p95:>9.1f}"


def main() -> None:
    """Run every measurement and print the table."""
    with (
        served_simulator() as sim,
        # The audit of hundreds of questions would drown the table.
        served_facade(facade_env(sim.url, SSBTEK_AUDIT_FILE=os.devnull)) as api,
        httpx.Client(timeout=60, headers={"X-Handlaggare": CASEWORKER}) as http,
    ):

        def post(query: str, variables: dict) -> None:
            answer = http.post(
                f"{api.base}/graphql", json={"query": query, "variables": variables}
            ).json()
            assert "errors" not in answer, answer["errors"]

        def one() -> None:
            post(ONE_PERSON, {"pnr": NUMBERS[0], "period": PERIOD})

        def household() -> None:
            post(HOUSEHOLD, {"pnr": NUMBERS * 10, "period": PERIOD})

        one()  # warm up
        print(f"{'measurement':<34} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9}")
        print(_row("person, 4 agencies", _timed(one, 200)))
        print(_row("personer, 50 numbers (5 distinct)", _timed(household, 20)))

        def huge() -> None:
            post(HUGE, {"pnr": HUGE_PERSON, "period": TWO_YEARS})

        print(_row("person, LEFI answer of >2 MB JSON", _timed(huge, 10)))
        print()
        print("cache (the facade as its own process, load by wrk where installed)")
        for what, figure in cache.measure(sim.url):
            print(f"{what:<62} {figure}")
    print()
    print("fairness and overload (facade and simulator as their own processes, SSBTEK slow)")
    for what, figure in load.measure():
        print(f"{what:<62} {figure}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the bench process (facade + simulator): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
