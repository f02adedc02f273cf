"""Fairness and overload against a slow SSBTEK: one greedy caseworker asking many slow questions
beside eight others asking one each (their p99 with and without the greedy one), and 64 clients
against a limit of 8 (requests shed, the most calls SSBTEK saw at once, the facade's memory).

The simulator runs as its own process with its latency model on; its slow scenario person waits
a set time, which stands for a slow SSBTEK."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx

from bench.harness import facade_process, free_port, people, rss_mib, spread
from tests.support import PERIOD, command

SLOW = "196509091234"  # the simulator's slow scenario person
ONE = """query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "bench") { transportstyrelsen { resultat } }
}"""
# LEFI is the slowest agency of the latency model (0.6-1.0 s a call).
MANY = """query($pnr: [Personnummer!]!, $period: PeriodInput!) {
  personer(personnummer: $pnr, period: $period, arende: "bench") {
    forsakringskassan { fel { felkod } } }
}"""


async def _client(
    url: str, caseworker: str, body: dict[str, Any], until: float, timings: list[float],
    codes: dict[str, int],
) -> None:  # fmt: skip
    async with httpx.AsyncClient(timeout=60, headers={"X-Handlaggare": caseworker}) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            answer = (await client.post(url, json=body)).json()
            timings.append((time.perf_counter() - started) * 1000)
            for error in answer.get("errors", []):
                code = error["extensions"]["code"]
                codes[code] = codes.get(code, 0) + 1


def _others_p99(url: str, greedy: bool, seconds: float = 6.0) -> tuple[float, dict[str, int]]:
    """The p99 of eight caseworkers asking one quick question each, repeatedly, while a greedy
    one (if any) asks 16 slow questions (LEFI, for 16 people) at a time."""
    timings: list[float] = []
    greedy_timings: list[float] = []
    codes: dict[str, int] = {}

    async def run() -> None:
        until = time.monotonic() + seconds
        quick = [
            _client(
                url,
                f"hl{i}",
                {"query": ONE, "variables": {"pnr": number, "period": PERIOD}},
                until,
                timings,
                codes,
            )
            for i, number in enumerate(people(8))
        ]
        slow_body = {"query": MANY, "variables": {"pnr": people(24)[8:], "period": PERIOD}}
        hog = [_client(url, "girig", slow_body, until, greedy_timings, {})] if greedy else []
        await asyncio.gather(*quick, *hog)

    asyncio.run(run())
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)], codes


def measure(rounds: int = 3) -> list[tuple[str, str]]:
    """The rows of the fairness and overload scenarios."""
    rows: list[tuple[str, str]] = []
    port = free_port()
    sim_url = f"http://127.0.0.1:{port}/ssbtek"
    with command(
        ["simulator", "--port", str(port), "--latency", "--slow-seconds", "1.5"],
        f"http://127.0.0.1:{port}/ssbtek?wsdl",
    ):
        with facade_process(
            sim_url, SSBTEK_MAX_CONCURRENCY="4", SSBTEK_TIMEOUT_S="10", SSBTEK_CACHE_TTL_S="0"
        ) as (url, _pid):
            alone, beside = [], []
            for _ in range(rounds):
                alone.append(_others_p99(url, greedy=False)[0])
                beside.append(_others_p99(url, greedy=True)[0])
        rows.append(("fairness: 8 callers' p99 alone", spread(alone, "ms")))
        rows.append(
            ("fairness: the same beside a greedy caller (16 slow at a time)", spread(beside, "ms"))
        )

        with facade_process(
            sim_url, SSBTEK_MAX_CONCURRENCY="8", SSBTEK_TIMEOUT_S="4", SSBTEK_CACHE_TTL_S="0"
        ) as (url, pid):
            httpx.delete(f"http://127.0.0.1:{port}/_sim/stats")
            timings: list[float] = []
            codes: dict[str, int] = {}

            async def overload() -> None:
                until = time.monotonic() + 8
                body = {"query": ONE, "variables": {"pnr": SLOW, "period": PERIOD}}
                await asyncio.gather(
                    *(_client(url, f"hl{i}", body, until, timings, codes) for i in range(64))
                )

            asyncio.run(overload())
            most = httpx.get(f"http://127.0.0.1:{port}/_sim/stats").json()["mostInFlight"]
            memory = rss_mib(pid)
        answered = len(timings)
        rows.append(
            (
                "overload: 64 clients, limit 8, SSBTEK 1.5 s a call (8 s)",
                f"{answered} answers; shed {codes.get('UPSTREAM_BUSY', 0)}, timed out "
                f"{codes.get('UPSTREAM_TIMEOUT', 0)}; SSBTEK saw at most {most} at once; "
                f"facade RSS {memory:.0f} MiB; p50 {statistics.median(timings):.0f} ms",
            )
        )
    return rows


def main() -> None:
    """Print the fairness and overload rows."""
    for what, figure in measure():
        print(f"{what:<62} {figure}")


if __name__ == "__main__":
    main()
