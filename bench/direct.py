"""Everything for one person on a cache miss, the facade beside a direct zeep call of the same
question (issue 23, items 2 and 5): the median request time with the simulator's latency model
off, the CPU the process between the caller and SSBTEK spends per request, and the requests per
second eight clients get.

- *facade*: `ssbtek-graphql serve` with its cache off, asked for everything (`tests/support/
  queries.py everything`); its CPU is the serving process's (`/proc/<pid>/stat`, user and
  system) over the requests; its rate is `wrk -c8` (a load generator in C; without wrk, eight
  Python clients).
- *zeep, parsed*: a plain `zeep.Client` of the simulator, which builds the question and parses
  the whole answer into zeep's objects (`bench/selection.py DirectZeep`); *zeep, raw*: the same
  with `raw_response=True`, the answer's bytes only: what an untyped proxy cannot do with less.
  Their CPU is the bench process's own (it is the zeep client) over the calls; their rate, eight
  threads in this process, each with its own client.

The three take turns within each round; each figure is the median of the rounds, with its range.
GraphQL Mesh (an untyped JSON proxy of the SOAP service) was measured by the issue on this
machine against the raw zeep call: 1.76 times its time, 6.1 times its CPU, 0.76 times its rate.
The bench prints those bars beside the facade's own ratios instead of running Mesh.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from typing import Any

import httpx
import zeep
from zeep.settings import Settings

from bench.harness import ALLA, facade_process, wrk_rate
from bench.selection import DirectZeep, _timings, question_of, simulator_process
from tests.support import CASEWORKER, PERIOD
from tests.support.queries import everything

# GraphQL Mesh against a raw zeep call of the same question, measured by issue 23 on this
# machine (everything for one person, cache off, latency off): 64.5 vs 36.6 ms p50, 31.8 vs
# 5.2 ms of CPU per request, 30.6 vs 40.4 requests/s with 8 clients.
MESH_TIME = 64.5 / 36.6
MESH_CPU = 31.8 / 5.2
MESH_RATE = 30.6 / 40.4
CLIENTS = 8


def process_cpu_s(pid: int) -> float:
    """A process's user and system CPU so far, seconds (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RawZeep(DirectZeep):
    """A direct zeep call that keeps the answer's bytes unparsed."""

    def __init__(self, sim_url: str) -> None:
        self.client = zeep.Client(
            f"{sim_url}?wsdl", settings=Settings(strict=False, raw_response=True)
        )


def _rate(make: Any, call: Any, seconds: float) -> float:
    """Calls per second of CLIENTS threads for `seconds`, each calling `call` with its own client
    from `make()` (closed after, when it can be)."""
    clients = [make() for _ in range(CLIENTS)]
    done = [0] * CLIENTS
    until = time.monotonic() + seconds

    def run(index: int) -> None:
        while time.monotonic() < until:
            call(clients[index])
            done[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate = sum(done) / (time.perf_counter() - started)
    for client in clients:
        getattr(client, "close", lambda: None)()
    return rate


def measure(rounds: int = 3, times: int = 20, seconds: float = 4.0) -> dict[str, Any]:
    """The figures, by name; each a list of the rounds' values."""
    query = everything("bench")
    variables = {"pnr": ALLA, "period": PERIOD}
    body = {"query": query, "variables": variables}
    figures: dict[str, Any] = {
        name: []
        for name in (
            "facade_p50_ms",
            "zeep_p50_ms",
            "raw_p50_ms",
            "facade_cpu_ms",
            "zeep_cpu_ms",
            "raw_cpu_ms",
            "facade_rate",
            "zeep_rate",
            "raw_rate",
        )
    }
    with simulator_process(latency=False) as sim_url:
        question = question_of(sim_url, query, variables)
        parsed, raw = DirectZeep(sim_url), RawZeep(sim_url)
        with (
            facade_process(sim_url, SSBTEK_CACHE_TTL_S="0") as (url, pid),
            httpx.Client(timeout=120, headers={"X-Handlaggare": CASEWORKER}) as client,
        ):
            _timings(client, url, body, 3)  # warm: imports, connections, completions
            parsed.ask(question)
            raw.ask(question)
            for _ in range(rounds):
                cpu = process_cpu_s(pid)
                figures["facade_p50_ms"].append(
                    statistics.median(_timings(client, url, body, times))
                )
                figures["facade_cpu_ms"].append((process_cpu_s(pid) - cpu) * 1000 / times)
                for name, direct in (("zeep", parsed), ("raw", raw)):
                    cpu = time.process_time()
                    figures[f"{name}_p50_ms"].append(
                        statistics.median(direct.ask(question) for _ in range(times))
                    )
                    figures[f"{name}_cpu_ms"].append((time.process_time() - cpu) * 1000 / times)
                rate = wrk_rate(url, query, CLIENTS, seconds=int(seconds), variables=variables)
                if rate is None:  # without wrk, Python clients (slower: the client is the limit)
                    rate = _rate(
                        lambda: httpx.Client(timeout=60, headers={"X-Handlaggare": CASEWORKER}),
                        lambda http: http.post(url, json=body),
                        seconds,
                    )
                figures["facade_rate"].append(rate)
                for name, kind in (("zeep", DirectZeep), ("raw", RawZeep)):
                    figures[f"{name}_rate"].append(
                        _rate(lambda kind=kind: kind(sim_url), lambda z: z.ask(question), seconds)
                    )
    return figures


def ratios(f: dict[str, Any]) -> dict[str, float]:
    """The facade's figures against the raw zeep call's (medians), beside Mesh's bars."""
    m = {name: statistics.median(values) for name, values in f.items()}
    return {
        "time": m["facade_p50_ms"] / m["raw_p50_ms"],
        "time_vs_parsed": m["facade_p50_ms"] / m["zeep_p50_ms"],
        "cpu": m["facade_cpu_ms"] / m["raw_cpu_ms"],
        "rate": m["facade_rate"] / m["raw_rate"],
    }


def rows(f: dict[str, Any], row: Any) -> list[dict[str, str]]:
    """The bench table's rows (`row` is `bench.__main__._row`)."""

    def spread(values: list[float], unit: str) -> str:
        return (
            f"{statistics.median(values):.1f} {unit} ({min(values):.1f}–{max(values):.1f}, "
            f"{len(values)} rounds)"
        )

    r = ratios(f)
    return [
        row(
            "everything, cache miss, latency off, p50: facade vs a direct zeep call, parsed",
            spread(f["facade_p50_ms"], "ms"),
            spread(f["zeep_p50_ms"], "ms"),
            r["time_vs_parsed"],
            "≤ 1.5",
        ),
        row(
            f"the same vs a raw zeep call (the answer's bytes only); Mesh's bar {MESH_TIME:.2f}",
            spread(f["facade_p50_ms"], "ms"),
            spread(f["raw_p50_ms"], "ms"),
            r["time"],
            f"≤ {MESH_TIME:.2f}",
        ),
        row(
            "server CPU per request, facade vs raw zeep (parsed: "
            f"{statistics.median(f['zeep_cpu_ms']):.1f} ms); Mesh's bar {MESH_CPU:.1f}",
            spread(f["facade_cpu_ms"], "ms"),
            spread(f["raw_cpu_ms"], "ms"),
            r["cpu"],
            f"≤ {MESH_CPU:.1f}",
        ),
        row(
            f"requests/s with {CLIENTS} clients, facade vs raw zeep (parsed: "
            f"{statistics.median(f['zeep_rate']):.1f}); Mesh's bar {MESH_RATE:.2f}",
            spread(f["facade_rate"], "/s"),
            spread(f["raw_rate"], "/s"),
            r["rate"],
            f"≥ {MESH_RATE:.2f}",
        ),
    ]


def main() -> None:
    """Print the rows alone."""
    from bench.__main__ import _row, markdown

    figures = measure()
    print(markdown(rows(figures, _row), []))
    print({name: [round(v, 2) for v in values] for name, values in figures.items()})


if __name__ == "__main__":
    main()
