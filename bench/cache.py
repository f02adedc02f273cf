"""The cache's figures: hit latency and requests per second on one worker at concurrency 1, 16
and 64, a narrower question after a wider one, memory per cached person, the memory bound, and a
Redis hit. The facade runs as its own process (the `ssbtek-graphql` command) on loopback, so
the load generator here does not share its interpreter; the simulator is whichever `sim_url`
names (the bench's own on loopback under `make bench`, its own process under
`python -m bench.cache`)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.support import CASEWORKER, PERIOD, facade_env, free_port, valid_personnummer
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
ALLA = "198503151238"


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url, headers={"host": "127.0.0.1"}).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start")
        time.sleep(0.1)


@contextmanager
def serve(command: list[str], env: dict[str, str], ready: str) -> Iterator[subprocess.Popen[bytes]]:
    """A `ssbtek-graphql` command in its own process, until the block ends."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SSBTEK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", *command],
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(ready, process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextmanager
def facade_process(sim_url: str, **cache: str) -> Iterator[tuple[str, int]]:
    """The facade with a cache, as a process; yields its /graphql URL and its pid."""
    port = free_port()
    env = facade_env(sim_url, SSBTEK_AUDIT_FILE=os.devnull, SSBTEK_TIMEOUT_S="30", **cache)
    with serve(["serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/healthz") as process:
        yield f"http://127.0.0.1:{port}/graphql", process.pid


def rss_mib(pid: int) -> float:
    """A process's resident memory now, MiB (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


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


def wrk_rate(url: str, query: str, concurrency: int, seconds: int = 3) -> float | None:
    """Requests per second by `wrk` (a load generator in C, so the measure is the facade's, not
    this interpreter's); None when wrk is not installed."""
    if shutil.which("wrk") is None:
        return None
    body = json.dumps({"query": query, "variables": {"pnr": ALLA, "period": PERIOD}})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["X-Handlaggare"] = "{CASEWORKER}"\n'
        )
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "-s", script.name, url],
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
    rows.append(("cache hit, one agency, p50 (goal ≤ 3 ms)", _spread(hit_p50, "ms")))
    for concurrency, rates in per_second.items():
        rows.append((f"cache hits/s at concurrency {concurrency} (goal ≥ 500)", _spread(rates, "")))
    rows.append(("narrower question after a wider one, p50", _spread(narrow_p50, "ms")))
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
    rows.append(("Redis cache hit, one agency, p50", _spread(redis_p50, "ms")))
    return rows


def _spread(values: list[float], unit: str) -> str:
    """Median and range of repeated measurements."""
    suffix = f" {unit}" if unit else ""
    return (
        f"{statistics.median(values):.1f}{suffix} (range {min(values):.1f}–{max(values):.1f}, "
        f"{len(values)} runs)"
    )


def main(_args: Any = None) -> None:
    """Print the cache rows alone (the simulator as its own process)."""
    port = free_port()
    with serve(["simulator", "--port", str(port)], {}, f"http://127.0.0.1:{port}/ssbtek?wsdl"):
        for what, figure in measure(f"http://127.0.0.1:{port}/ssbtek"):
            print(f"{what:<62} {figure}")


if __name__ == "__main__":
    main()
