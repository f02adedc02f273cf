"""Connections held without progress: `python -m bench.connections`.

1000 connections send a request's headers a byte a second and 1000 a body (1000 bytes announced)
a byte a second, all at once, against `ssbtek-graphql serve` in demo mode with its connection
settings (graph/connections.py; defaults, then with a cap high enough for all of them), while
`/healthz` is asked every 50 ms. Prints how each kind of connection ended (the status it was
answered, or closed without an answer) and when the last was closed, `/healthz`'s latency
meanwhile, and the facade's resident memory before and at the peak. docs/operations.md,
Connections, records a run. Asserts nothing.
"""

from __future__ import annotations

import asyncio
import collections
import resource
import time
from typing import Any

import httpx

from bench.harness import percentile, rss_mib
from tests.support import command, free_port
from tests.support.drip import BODY_DRIP, HEAD_DRIP, drip

DRIPS = 1000
GIVE_UP_S = 70.0


async def _attack(port: int, pid: int) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    start = asyncio.get_running_loop().time()
    stop = asyncio.Event()
    latencies: list[float] = []
    peak = rss_mib(pid)

    async def probe() -> None:
        nonlocal peak
        async with httpx.AsyncClient(timeout=GIVE_UP_S) as client:
            while not stop.is_set():
                began = time.perf_counter()
                await client.get(f"{base}/healthz")
                latencies.append((time.perf_counter() - began) * 1000)
                peak = max(peak, rss_mib(pid))
                await asyncio.sleep(0.05)

    probing = asyncio.create_task(probe())
    heads = [drip(port, HEAD_DRIP, 1.0, GIVE_UP_S) for _ in range(DRIPS)]
    bodies = [drip(port, BODY_DRIP, 1.0, GIVE_UP_S) for _ in range(DRIPS)]
    ended = await asyncio.gather(*heads, *bodies)
    stop.set()
    await probing
    figures: dict[str, Any] = {"peak_rss_mib": peak}
    for kind, part in (("heads", ended[:DRIPS]), ("bodies", ended[DRIPS:])):
        closed = [d.closed_at - start for d in part if d.closed_at is not None]
        figures[kind] = {
            "answered": dict(collections.Counter(d.status for d in part)),
            "last_closed_s": max(closed) if closed else None,
            "still_open": len(part) - len(closed),
        }
    figures["healthz_ms"] = {
        "n": len(latencies),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
    }
    return figures


def measure(**settings: str) -> dict[str, Any]:
    """One attack against a facade with these settings."""
    port = free_port()
    env = {"SSBTEK_LOG_FORMAT": "json", **settings}
    with command(["serve", "--port", str(port)], f"http://127.0.0.1:{port}/readyz", env) as served:
        httpx.get(f"http://127.0.0.1:{port}/healthz")
        before = rss_mib(served.pid)
        figures = asyncio.run(_attack(port, served.pid))
    return {"settings": settings, "rss_before_mib": before, **figures}


def main() -> None:
    """Print a run with the defaults and one with a cap above the attack."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    print("| settings | heads | bodies | /healthz p50 / p99 / max | RSS before → peak |")
    print("|---|---|---|---|---|")
    for settings in ({}, {"SSBTEK_MAX_CONNECTIONS": "5000"}):
        f = measure(**settings)
        ends = []
        for kind in ("heads", "bodies"):
            k = f[kind]
            last = f"{k['last_closed_s']:.1f} s" if k["last_closed_s"] is not None else "never"
            ends.append(f"{k['answered']}, last closed {last}, {k['still_open']} open")
        h = f["healthz_ms"]
        print(
            f"| {settings or 'defaults'} | {ends[0]} | {ends[1]} | {h['p50']:.1f} / "
            f"{h['p99']:.1f} / {h['max']:.1f} ms (n={h['n']}) | {f['rss_before_mib']:.0f} → "
            f"{f['peak_rss_mib']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
