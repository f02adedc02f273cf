"""Cache hits on one worker and on two (issue 23, item 4), and the allocator a serving process
uses, by what it costs on hits and what memory it gives back.

- *Workers*: `ssbtek-graphql serve --workers 1` and `--workers 2` (cache on, one process per
  core), each warmed first (every worker holds its own memory cache: its first question is a
  miss), then `wrk -t1 -c16` posting the same question: one agency (`transportstyrelsen
  { resultat }`) and everything for one person. The rows are the rates, their ratio, the
  workers' CPU per hit and the cores the workers and `wrk` kept busy (on two cores that other
  work shares, two workers cannot have both: the CPU per hit tells what they would do with
  them), and each worker's resident memory after the load.
- *Allocators*: one worker with Python's own allocator (`PYTHONMALLOC=pymalloc`), the C
  library's (`malloc`), and jemalloc (Debian's `libjemalloc2`, `LD_PRELOAD` with
  `PYTHONMALLOC=malloc`, its unused pages given back within a second: `MALLOC_CONF`; what
  `serve` uses where it is installed, graph/allocator.py); each: everything on a hit, the
  median of 30 requests one after another, per resolved field; and the memory attack of
  `bench/memory.py` (two clients, ten periods of the huge person an operation, 20 s, the
  caller's budget off): the peak, the end and 22 s later, when every entry has expired.

The variants take turns within each round; `python -m bench.workers` prints the figures.
"""

from __future__ import annotations

import resource
import statistics
import time
from typing import Any

import httpx

from bench.cache import ONE_AGENCY
from bench.direct import process_cpu_s
from bench.harness import ALLA, children, facade_process, rss_mib, wrk_rate
from bench.memory import _variant
from bench.selection import _timings, simulator_process
from graph.allocator import JEMALLOC_CONF, jemalloc_library
from tests.support import CASEWORKER, PERIOD
from tests.support.queries import answered_fields, everything

JEMALLOC = jemalloc_library()
# PYTHONMALLOC set: `serve` keeps the allocator it names (graph/allocator.py).
ALLOCATORS: dict[str, dict[str, str]] = {
    "pymalloc": {"PYTHONMALLOC": "pymalloc"},
    "malloc": {"PYTHONMALLOC": "malloc"},
    "jemalloc": {
        "PYTHONMALLOC": "malloc",
        "LD_PRELOAD": JEMALLOC or "",
        "MALLOC_CONF": JEMALLOC_CONF,
    },
}


def _warm(url: str, queries: list[str]) -> None:
    """Every worker's miss of each question first: a load over many connections (the
    operating system spreads them between the workers) for two seconds, then a few requests."""
    for query in queries:
        wrk_rate(url, query, 16, seconds=2, threads=2)
    with httpx.Client(timeout=60, headers={"X-Handlaggare": CASEWORKER}) as client:
        for query in queries:
            body = {"query": query, "variables": {"pnr": ALLA, "period": PERIOD}}
            for _ in range(5):
                client.post(url, json=body)


def workers(sim_url: str, rounds: int = 3, seconds: int = 4) -> dict[str, Any]:
    """Hits per second with one worker and with two (`wrk` with one thread: the load generator
    takes as little of the two cores as it can), the workers' CPU per hit and the cores they
    and `wrk` kept busy meanwhile, and each worker's RSS."""
    whole = everything("bench")
    figures: dict[str, Any] = {"rates": {}, "rss_mib": {}, "cpu_per_hit_ms": {}, "cores": {}}
    for _ in range(rounds):
        for count in (1, 2):
            with facade_process(sim_url, workers=count, SSBTEK_CACHE_TTL_S="600") as (url, pid):
                processes = children(pid) if count > 1 else [pid]
                _warm(url, [ONE_AGENCY, whole])
                for name, query in (("one agency", ONE_AGENCY), ("everything", whole)):
                    before = [process_cpu_s(p) for p in processes]
                    loader = _children_cpu_s()
                    started = time.monotonic()
                    rate = wrk_rate(url, query, 16, seconds=seconds, threads=1) or 0.0
                    took = time.monotonic() - started
                    each = [process_cpu_s(p) - b for p, b in zip(processes, before, strict=True)]
                    key = f"{name}, {count}"
                    figures["rates"].setdefault(key, []).append(rate)
                    figures["cpu_per_hit_ms"].setdefault(key, []).append(
                        sum(each) * 1000 / max(rate * seconds, 1)
                    )
                    # The cores each process kept busy (the workers' supervisor too), and wrk.
                    shares = [round(cpu / took, 2) for cpu in each]
                    figures["cores"].setdefault(key, []).append(
                        (shares, (_children_cpu_s() - loader) / took)
                    )
                figures["rss_mib"].setdefault(str(count), []).append(
                    [round(rss_mib(p), 1) for p in processes]
                )
    return figures


def _children_cpu_s() -> float:
    """The CPU of this process's children that have ended (each `wrk` run), seconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def allocators(sim_url: str, rounds: int = 3) -> dict[str, Any]:
    """Everything on a hit per allocator (µs per resolved field), in turns."""
    whole = {"query": everything("bench"), "variables": {"pnr": ALLA, "period": PERIOD}}
    figures: dict[str, Any] = {"hit_ms": {name: [] for name in ALLOCATORS}}
    for _ in range(rounds):
        for name, env in ALLOCATORS.items():
            if env.get("LD_PRELOAD") == "":
                continue
            with (
                facade_process(sim_url, SSBTEK_CACHE_TTL_S="600", **env) as (url, _pid),
                httpx.Client(timeout=60, headers={"X-Handlaggare": CASEWORKER}) as client,
            ):
                figures["fields"] = answered_fields(client.post(url, json=whole).json()["data"])
                _timings(client, url, whole, 3)
                figures["hit_ms"][name].append(statistics.median(_timings(client, url, whole, 30)))
    return figures


def allocator_memory(sim_url: str, seconds: float = 20) -> dict[str, Any]:
    """The memory attack once per allocator."""
    return {
        name: _variant(sim_url, seconds, SSBTEK_CALLER_QUESTIONS_PER_MINUTE="0", **env)
        for name, env in ALLOCATORS.items()
        if env.get("LD_PRELOAD") != ""
    }


def measure() -> dict[str, Any]:
    """Every figure of this module."""
    with simulator_process(latency=False) as sim_url:
        return {
            "workers": workers(sim_url),
            "allocators": allocators(sim_url),
            "allocator_memory": allocator_memory(sim_url),
        }


def rows(f: dict[str, Any], row: Any) -> list[dict[str, str]]:
    """The bench table's rows (`row` is `bench.__main__._row`)."""

    def spread(values: list[float], unit: str) -> str:
        return (
            f"{statistics.median(values):.1f} {unit} ({min(values):.1f}–{max(values):.1f}, "
            f"{len(values)} rounds)"
        )

    rates = f["workers"]["rates"]
    rss = f["workers"]["rss_mib"]
    per_hit = f["workers"]["cpu_per_hit_ms"]
    cores = f["workers"]["cores"]

    def busy(key: str) -> str:
        served = statistics.median(sum(c[0]) for c in cores[key])
        loader = statistics.median(c[1] for c in cores[key])
        rounds = "; ".join(" + ".join(f"{share:.2f}" for share in c[0]) for c in cores[key])
        return f"cores busy: the processes {served:.2f} (rounds: {rounds}), wrk {loader:.2f}"

    result = []
    for name in ("one agency", "everything"):
        one, two = f"{name}, 1", f"{name}, 2"
        result += [
            row(
                f"cache hits/s, {name}, `serve --workers 2` vs 1 (wrk -t1 -c16); RSS per "
                f"worker {rss['2'][-1]} vs {rss['1'][-1]} MiB",
                spread(rates[two], "/s") + f"; {busy(two)}",
                spread(rates[one], "/s") + f"; {busy(one)}",
                statistics.median(rates[two]) / statistics.median(rates[one]),
                "≥ 1.8",
            ),
            row(
                f"the workers' CPU per hit, {name}, 2 workers vs 1 (≈ 1: two workers on two "
                "free cores would give about twice the hits)",
                spread(per_hit[two], "ms"),
                spread(per_hit[one], "ms"),
                statistics.median(per_hit[two]) / statistics.median(per_hit[one]),
            ),
        ]
    hits = f["allocators"]["hit_ms"]
    fields = f["allocators"]["fields"]
    for name in ("malloc", "jemalloc"):
        if not hits.get(name):
            continue
        result.append(
            row(
                f"everything on a hit, {name} vs pymalloc; µs per resolved field "
                f"({fields:,} fields)",
                spread(hits[name], "ms")
                + f"; {statistics.median(hits[name]) * 1000 / fields:.2f} µs",
                spread(hits["pymalloc"], "ms")
                + f"; {statistics.median(hits['pymalloc']) * 1000 / fields:.2f} µs",
                statistics.median(hits[name]) / statistics.median(hits["pymalloc"]),
                "≤ 1.0 µs/field",
            )
        )
    for name, m in f["allocator_memory"].items():
        result.append(
            row(
                f"RSS under the memory attack, {name}: peak / at the end / 22 s later",
                f"{m['peak_mib']:.0f} / {m['at_end_mib']:.0f} / {m['after_ttl_mib']:.0f} MiB",
                f"before {m['before_mib']:.0f} MiB",
            )
        )
    return result


def main() -> None:
    """Print the rows alone."""
    from bench.__main__ import _row, markdown

    figures = measure()
    print(markdown(rows(figures, _row), []))
    print(figures)


if __name__ == "__main__":
    main()
