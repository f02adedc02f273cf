"""The cache's figures: hit latency and requests per second on one worker at concurrency 1, 16
and 64, a narrower question after a wider one, memory per cached person, the memory bound, and a
Redis hit. The facade runs as its own process (the `ssbtek-graphql` command) on loopback, so
the load generator here does not share its interpreter; the simulator is whichever `sim_url`
names (the bench's own on loopback under `make bench`, its own process under
`python -m bench.cache`)."""

from __future__ import annotations

import base64
import os
import statistics
from typing import Any

from bench.harness import (
    ALLA,
    facade_process,
    free_port,
    load,
    people,
    rss_mib,
    spread,
    wrk_rate,
)
from tests.support import command
from tests.support.redis_server import redis_server

ONE_AGENCY = """query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "bench") { transportstyrelsen { resultat } }
}"""
WIDE = """query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "bench") {
    arbetsformedlingen { fornamn } akassorna { arbetsloshetsersattningar { svarandeOrganisation } }
    transportstyrelsen { fordon { regnr } } migrationsverket { fornamn }
    forsakringskassan { sjukpenning { aktivt } barnbidrag { beslut { fattades } } }
  }
}"""
NARROW = """query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "bench") {
    transportstyrelsen { fordon { regnr } } forsakringskassan { sjukpenning { aktivt } }
  }
}"""


def measure(sim_url: str, rounds: int = 3) -> list[tuple[str, str]]:
    """The cache rows of the bench table: (what, figure)."""
    rows: list[tuple[str, str]] = []
    hit_p50: list[float] = []
    per_second: dict[int, list[float]] = {1: [], 16: [], 64: []}
    narrow_p50: list[float] = []
    with facade_process(sim_url, SSBTEK_CACHE_TTL_S="600") as (url, pid):
        load(url, ONE_AGENCY, [ALLA], 1)  # the one miss
        for _ in range(rounds):
            timings, _ = load(url, ONE_AGENCY, [ALLA] * 300, 1)
            hit_p50.append(statistics.median(timings))
            for concurrency in per_second:
                rate = wrk_rate(url, ONE_AGENCY, concurrency)
                if rate is None:  # without wrk, this interpreter's own (slower) load
                    _, rate = load(url, ONE_AGENCY, [ALLA] * 1500, concurrency)
                per_second[concurrency].append(rate)
        load(url, WIDE, [ALLA], 1)
        for _ in range(rounds):
            timings, _ = load(url, NARROW, [ALLA] * 200, 1)
            narrow_p50.append(statistics.median(timings))
        before = rss_mib(pid)
        crowd = people(400)
        load(url, WIDE, crowd, 8)
        per_person = (rss_mib(pid) - before) * 1024 / len(crowd)
    rows.append(("cache hit, one agency, p50 (goal ≤ 3 ms)", spread(hit_p50, "ms")))
    for concurrency, rates in per_second.items():
        rows.append((f"cache hits/s at concurrency {concurrency} (goal ≥ 500)", spread(rates, "")))
    rows.append(("narrower question after a wider one, p50", spread(narrow_p50, "ms")))
    rows.append(("memory per cached person (wide selection)", f"{per_person:.0f} KiB"))

    with facade_process(sim_url, SSBTEK_CACHE_TTL_S="600", SSBTEK_CACHE_MAX_ENTRIES="500") as (
        url,
        pid,
    ):
        load(url, WIDE, people(100), 8)
        settled = rss_mib(pid)
        load(url, WIDE, people(1500), 8)
        bounded = rss_mib(pid)
    rows.append(
        (
            "RSS with 500 entries at most: after 100 people / after 1500",
            f"{settled:.0f} MiB / {bounded:.0f} MiB",
        )
    )

    key = base64.b64encode(os.urandom(32)).decode()
    with (
        redis_server() as redis,
        facade_process(
            sim_url, SSBTEK_CACHE_TTL_S="600", SSBTEK_CACHE_URL=redis.url, SSBTEK_CACHE_KEY=key
        ) as (url, _),
    ):
        load(url, ONE_AGENCY, [ALLA], 1)
        redis_p50 = [statistics.median(load(url, ONE_AGENCY, [ALLA] * 300, 1)[0]) for _ in range(3)]
    rows.append(("Redis cache hit, one agency, p50", spread(redis_p50, "ms")))
    return rows


def main(_args: Any = None) -> None:
    """Print the cache rows alone (the simulator as its own process)."""
    port = free_port()
    with command(["simulator", "--port", str(port)], f"http://127.0.0.1:{port}/ssbtek?wsdl"):
        for what, figure in measure(f"http://127.0.0.1:{port}/ssbtek"):
            print(f"{what:<62} {figure}")


if __name__ == "__main__":
    main()
