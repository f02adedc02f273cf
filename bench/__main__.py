"""`make bench`: the facade's speed and memory against the simulator on this machine, as ratios
in one run as well as absolute figures; docs/performance.md says how each row is measured and
records the latest run.

Bounded: a fixed number of requests, loopback only. Prints one Markdown table and writes it, with
the figures as JSON, to `bench/results/` (not committed). Asserts nothing: the goals are printed
beside the figures, never checked; timed goals never live in a test.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    cache,
    decode,
    direct,
    incremental,
    load,
    memory,
    refusals,
    selection,
    stall,
    workers,
)
from bench.harness import median_range as _spread

RESULTS = Path(__file__).parent / "results"


def _median(values: list[float] | float) -> float:
    return statistics.median(values) if isinstance(values, list) else values


def selection_rows(f: dict[str, Any]) -> list[dict[str, str]]:
    """The rows of what a selection costs (bench/selection.py)."""
    per_field_us = _median(f["all_hit_p50_ms"]) * 1000 / f["fields_all"]
    return [
        _row(
            "one agency vs everything, latency off, p50",
            _spread(f["one_p50_ms_off"]),
            _spread(f["all_p50_ms_off"]),
            _median(f["one_p50_ms_off"]) / _median(f["all_p50_ms_off"]),
        ),
        _row(
            "one agency vs everything, latency on, p50",
            _spread(f["one_p50_ms_on"]),
            _spread(f["all_p50_ms_on"]),
            _median(f["one_p50_ms_on"]) / _median(f["all_p50_ms_on"]),
            "≤ 0.3",
        ),
        _row(
            "upstream bytes, one agency vs everything",
            f"{f['upstream_bytes_one']:,} B",
            f"{f['upstream_bytes_all']:,} B",
            f["upstream_bytes_one"] / f["upstream_bytes_all"],
            "≤ 0.05",
        ),
        _row(
            f"everything ({f['fields_all']:,} fields, {f['answer_bytes_all'] // 1000} kB), "
            "latency off, p50 vs a direct zeep call",
            _spread(f["all_p50_ms_off"]),
            _spread(f["zeep_all_p50_ms_off"]),
            _median(f["all_p50_ms_off"]) / _median(f["zeep_all_p50_ms_off"]),
        ),
        _row(
            "everything, latency on, p50 vs a direct zeep call",
            _spread(f["all_p50_ms_on"]),
            _spread(f["zeep_all_p50_ms_on"]),
            _median(f["all_p50_ms_on"]) / _median(f["zeep_all_p50_ms_on"]),
        ),
        _row(
            "everything on a cache hit, p50; µs per resolved field",
            _spread(f["all_hit_p50_ms"]),
            f"{per_field_us:.2f} µs/field",
            None,
            "≤ 1.0 µs/field",
        ),
        _row(
            "personer, 50 people (TNS and a-kassor), latency off, p50",
            _spread(f["personer_50_p50_ms"]),
        ),
        _row(
            "manadssummor, 50 people, the facade's own time (cache hits) vs the first run "
            "(SSBTEK asked), latency off, p50",
            _spread(f["manadssummor_50_hit_p50_ms"]),
            f"{f['manadssummor_50_miss_ms']:.1f} ms (1 run)",
        ),
        _row("facade RSS after these rows", f"{f['facade_rss_mib']:.0f} MiB"),
    ]


def stall_rows(
    results: dict[str, list[dict[str, float]]], latency: bool = True
) -> list[dict[str, str]]:
    """The rows of small questions beside the huge answer (bench/stall.py), against the
    simulator with its latency model on, or against an SSBTEK that answers at once."""

    def values(which: str, name: str) -> list[float]:
        return [r[name] for r in results[which]]

    against = "latency model on" if latency else "an SSBTEK that answers at once"
    alone, beside = values("alone", "small_p99_ms"), values("beside", "small_p99_ms")
    huge = statistics.median(values("beside", "huge_answers"))
    return [
        _row(
            f"8 callers' small questions, p99, beside the huge answer ({huge:.0f} asked per "
            f"round) vs alone; {against}",
            _spread(beside),
            _spread(alone),
            statistics.median(beside) / statistics.median(alone),
            "≤ 1.5" if latency else "≤ 2",
        ),
        _row(
            f"event-loop lag p99, beside the huge answer vs alone; {against}",
            _spread(values("beside", "lag_p99_ms")),
            _spread(values("alone", "lag_p99_ms")),
            None,
            "≤ 25 ms" if latency else "~10 ms",
        ),
        _row(
            f"event-loop lag, most, beside vs alone; {against}",
            _spread(values("beside", "lag_max_ms")),
            _spread(values("alone", "lag_max_ms")),
        ),
        _row(
            f"longest garbage-collector pause, beside vs alone; {against}",
            _spread(values("beside", "gc_max_ms")),
            _spread(values("alone", "gc_max_ms")),
        ),
        _row(
            f"the huge answer's own p50 beside the small questions (its decoding gives way to "
            f"them: resolvers/courtesy.py); {against}",
            _spread(values("beside", "huge_p50_ms")),
        ),
    ]


def refusal_rows(f: dict[str, Any]) -> list[dict[str, str]]:
    """The rows of refused and large documents (bench/refusals.py)."""
    cpu, served = f["loop_cpu"], f["served"]
    refused = [kind for kind in cpu if kind.startswith("refused")]
    rows = [
        _row(
            f"{kind} (64 KB), the loop thread's CPU per request: 10 distinct vs one again",
            _spread(cpu[kind]["first_ms"], of="requests"),
            _spread(cpu[kind]["again_ms"], of="requests"),
            None,
            "≤ 5 ms",
        )
        for kind in refused
    ]
    rows.append(
        _row(
            "accepted, large (32 KB, asks nothing), the loop thread's CPU: 10 distinct vs again",
            _spread(cpu["accepted, large"]["first_ms"], of="requests"),
            _spread(cpu["accepted, large"]["again_ms"], of="requests"),
        )
    )
    idle = served["idle"]
    for kind in [*refused, "accepted, large"]:
        first = served[f"{kind}, first"]
        rows.append(
            _row(
                f"event-loop lag, most (p99), while 10 distinct {kind} are read vs idle; "
                "/healthz p50",
                f"{first['lag_max_ms']:.1f} ms ({first['lag_p99_ms']:.1f}); "
                f"{first['healthz_p50_ms']:.1f} ms",
                f"{idle['lag_max_ms']:.1f} ms ({idle['lag_p99_ms']:.1f}); "
                f"{idle['healthz_p50_ms']:.1f} ms",
                None,
                "~10 ms" if kind.startswith("accepted") else "",
            )
        )
    return rows


def _row(
    what: str, facade: str, compared: str = "", ratio: float | None = None, goal: str = ""
) -> dict[str, str]:
    return {
        "measured": what,
        "facade": facade,
        "compared with": compared,
        "ratio": "" if ratio is None else f"{ratio:.3f}",
        "goal": goal,
    }


def markdown(rows: list[dict[str, str]], notes: list[tuple[str, str]]) -> str:
    """The table, then the cache, fairness and overload figures (when there are any)."""
    columns = list(rows[0])
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(row[c] for c in columns) + " |" for row in rows),
    ]
    if notes:
        lines += [
            "",
            "| cache, fairness and overload | figure |",
            "|---|---|",
            *(f"| {what} | {figure} |" for what, figure in notes),
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run every measurement, print the table and write the results."""
    started = datetime.now(UTC)
    load_at_start = os.getloadavg()  # other work: figures are compared within a run
    figures: dict[str, Any] = {
        "selection": selection.measure(),
        "direct": direct.measure(),
        "stalls": stall.measure(),
        "stalls_at_once": stall.measure(latency=False),
        "refusals": {"loop_cpu": refusals.loop_cpu(), "served": refusals.served()},
    }
    rows = (
        selection_rows(figures["selection"])
        + direct.rows(figures["direct"], _row)
        + stall_rows(figures["stalls"])
        + stall_rows(figures["stalls_at_once"], latency=False)
        + refusal_rows(figures["refusals"])
    )
    with selection.simulator_process(latency=False) as sim_url:
        notes = cache.measure(sim_url)
        figures["memory"] = memory.measure(sim_url)
        figures["workers"] = {
            "workers": workers.workers(sim_url),
            "allocators": workers.allocators(sim_url),
            "allocator_memory": workers.allocator_memory(sim_url),
        }
    rows += memory.rows(figures["memory"], _row)
    rows += workers.rows(figures["workers"], _row)
    notes += load.measure()
    figures["cache_fairness_overload"] = dict(notes)
    figures["incremental"] = incremental.measure()
    rows += incremental.rows(figures["incremental"], _row)
    # Last: it tunes this process as a serving one (gc.freeze, 1 ms switches).
    figures["decode"] = decode.measure()
    rows += decode.rows(figures["decode"], _row)
    table = markdown(rows, notes)
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {load_at_start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"ssbtek-graphql bench, {started:%Y-%m-%d %H:%M} UTC, {machine}\n")
    print(table)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"bench-{started:%Y%m%dT%H%M%S}"
    stem.with_suffix(".md").write_text(
        f"# Bench {started:%Y-%m-%d %H:%M} UTC\n\n{machine}\n\n{table}", encoding="utf-8"
    )
    record = {"started": started.isoformat(), "machine": machine, "rows": rows, **figures}
    stem.with_suffix(".json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"written: {stem}.md and .json")


if __name__ == "__main__":
    main()
