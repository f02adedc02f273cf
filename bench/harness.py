"""What the bench scenarios share: the facade and the simulator as processes of their own (the
`ssbtek-graphql` command) on loopback, a load of concurrent requests, `wrk` where installed, the
resident memory of a process, and a median with its range."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from tests.support import CASEWORKER, PERIOD, command, facade_env, free_port, valid_personnummer

ALLA = "198503151238"
HUGE = """
query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "bench") {
    forsakringskassan {
      sjukpenning { beslut { ersattningsdagar { ersattningsdatum ersattningsbelopp { summa } } } }
      utbetalningsuppgifter {
        datum nettobelopp { summa } utbetalningsdetalj { bruttobelopp { summa } }
      }
    }
    pensionsmyndigheten { utbetalningar { bruttobelopp nettobelopp } }
  }
}
"""
TWO_YEARS = {"from": "2024-07-01", "tom": "2026-06-30"}
HUGE_PERSON = "195804121233"  # the simulator's person with a LEFI answer of several MB


@contextmanager
def facade_process(sim_url: str, workers: int = 1, **settings: str) -> Iterator[tuple[str, int]]:
    """The facade as a process with these settings (environment variables), serving with
    `workers` processes; yields its /graphql URL and the pid of the command."""
    port = free_port()
    env = facade_env(
        sim_url,
        **{
            "SSBTEK_AUDIT_FILE": os.devnull,
            "SSBTEK_TIMEOUT_S": "30",
            # The bench reads 50 people in one operation, as an export an operator allows would.
            "SSBTEK_MAX_QUESTIONS_PER_OPERATION": "50",
            **settings,
        },
    )
    with command(
        ["serve", "--port", str(port), "--workers", str(workers)],
        f"http://127.0.0.1:{port}/healthz",
        env,
    ) as process:
        yield f"http://127.0.0.1:{port}/graphql", process.pid


def children(pid: int) -> list[int]:
    """The pids of a process's children (Linux)."""
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listed:
            found += [int(child) for child in listed.read().split()]
    return found


def rss_mib(pid: int) -> float:
    """A process's resident memory now, MiB (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far, user and system, all its threads (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        # The fields after the command's closing parenthesis; utime and stime are the 12th
        # and 13th of them (the 14th and 15th of the line), in clock ticks.
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(url: str, query: str, numbers: list[str], concurrency: int) -> list[float]:
    """Send one request per number, `concurrency` at a time; each request's milliseconds."""
    timings: list[float] = []
    queue = list(numbers)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        timeout=60, limits=limits, headers={"X-Handlaggare": CASEWORKER}
    ) as client:

        async def worker() -> None:
            while queue:
                number = queue.pop()
                started = time.perf_counter()
                response = await client.post(
                    url, json={"query": query, "variables": {"pnr": number, "period": PERIOD}}
                )
                timings.append((time.perf_counter() - started) * 1000)
                body = response.json()
                assert "errors" not in body, body["errors"]

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return timings


def load(url: str, query: str, numbers: list[str], concurrency: int) -> tuple[list[float], float]:
    """Timings and requests per second of a load."""
    started = time.perf_counter()
    timings = asyncio.run(_load(url, query, numbers, concurrency))
    return timings, len(numbers) / (time.perf_counter() - started)


def wrk_rate(
    url: str,
    query: str,
    concurrency: int,
    seconds: int = 3,
    variables: dict[str, object] | None = None,
    threads: int = 1,
) -> float | None:
    """Requests per second by `wrk` (a load generator in C, so the measure is the facade's, not
    this interpreter's), posting `query` with `variables` (the person `ALLA` over `PERIOD`
    unless given); None when wrk is not installed."""
    if shutil.which("wrk") is None:
        return None
    variables = variables if variables is not None else {"pnr": ALLA, "period": PERIOD}
    body = json.dumps({"query": query, "variables": variables})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["X-Handlaggare"] = "{CASEWORKER}"\n'
        )
    try:
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "-s", script.name, url],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in output:
        raise RuntimeError("wrk saw failed requests")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]


def people(count: int) -> list[str]:
    """`count` distinct valid personnummer of synthetic people."""
    from datetime import date, timedelta

    return [
        valid_personnummer(date(1960, 1, 1) + timedelta(days=i // 900), i % 900)
        for i in range(count)
    ]


def spread(values: list[float], unit: str) -> str:
    """Median and range of repeated measurements."""
    suffix = f" {unit}" if unit else ""
    return (
        f"{statistics.median(values):.1f}{suffix} (range {min(values):.1f}–{max(values):.1f}, "
        f"{len(values)} runs)"
    )


def median_range(values: list[float], unit: str = "ms", of: str = "rounds") -> str:
    """Median and range of the rounds (or other repeats, `of`), as the bench's table gives them."""
    return (
        f"{statistics.median(values):.1f} {unit} ({min(values):.1f}–{max(values):.1f}, "
        f"{len(values)} {of})"
    )


def ratio(values: list[float], compared: list[float]) -> float:
    """The quotient of two medians."""
    return statistics.median(values) / statistics.median(compared)


def compared(
    row: Callable[..., dict[str, str]],
    what: str,
    values: list[float],
    against: list[float],
    goal: str = "",
) -> dict[str, str]:
    """A table row (`row` is `bench.__main__._row`) of two figures' rounds and their ratio."""
    return row(what, median_range(values), median_range(against), ratio(values, against), goal)


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), -(-len(ordered) * p // 100)) - 1)]
