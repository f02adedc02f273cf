"""Memory under the attack of issue 19: one token asking for the person with the largest LEFI
answer again and again, each time in other periods (so that no answer is shared or held), with
payments and one FK field. Two clients loop; the facade's resident memory is sampled throughout,
at the end, and after the cache's TTL, when the answers are gone. Run once with the caller's
budget off (the worst a process can be made to hold within the per-operation bound) and once with
the defaults; the original attack of fifty periods in one operation is refused whole."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from typing import Any

import httpx

from bench.harness import HUGE_PERSON, facade_process, rss_mib
from tests.support import CASEWORKER

POD_LIMIT_MIB = 512  # deploy/kubernetes/deployment.yaml
TTL_S = 15


def attack(aliases: int, offset: int) -> str:
    """`aliases` people of the same person, each in a period a day apart (`offset` days on from
    the first of January 2025, wrapping within the year, so that each period is valid)."""
    start = date(2025, 1, 1) + timedelta(days=offset % 300)
    fields = " ".join(
        f'p{i}: person(personnummer: "{HUGE_PERSON}", arende: "bench", period: {{from: '
        f'"{start + timedelta(days=i)}", tom: "2026-06-30"}}) {{ utbetalningar {{ rader '
        "{ netto } } forsakringskassan { sjukpenning { aktivt } } }"
        for i in range(aliases)
    )
    return f"{{ {fields} }}"


async def _loop(url: str, seconds: float, client_no: int, codes: dict[str, int]) -> None:
    deadline = time.monotonic() + seconds
    offset = client_no * 150
    async with httpx.AsyncClient(timeout=120) as client:
        while time.monotonic() < deadline:
            response = await client.post(
                url,
                json={"query": attack(10, offset)},
                headers={"X-Handlaggare": CASEWORKER},
            )
            offset += 10
            for error in response.json().get("errors") or [{"extensions": {"code": "ok"}}]:
                code = error["extensions"]["code"]
                codes[code] = codes.get(code, 0) + 1


async def _sampled(url: str, pid: int, seconds: float) -> dict[str, Any]:
    codes: dict[str, int] = {}
    samples: list[float] = []
    loops = asyncio.gather(*(_loop(url, seconds, n, codes) for n in range(2)))
    while not loops.done():
        samples.append(rss_mib(pid))
        await asyncio.sleep(0.5)
    await loops
    return {"peak_mib": max(samples), "codes": codes}


def _variant(sim_url: str, seconds: float, **settings: str) -> dict[str, Any]:
    """One run of the attack against a facade process with these settings."""
    with facade_process(
        sim_url, SSBTEK_CACHE_TTL_S=str(TTL_S), SSBTEK_MAX_QUESTIONS_PER_OPERATION="10", **settings
    ) as (url, pid):
        before = rss_mib(pid)
        refused = httpx.post(
            url, json={"query": attack(50, 0)}, headers={"X-Handlaggare": CASEWORKER}, timeout=60
        ).json()
        after_refusal = rss_mib(pid)
        sampled = asyncio.run(_sampled(url, pid, seconds))
        at_end = rss_mib(pid)
        time.sleep(TTL_S + 7)  # the entries expire, and the allocator is trimmed
        return {
            "before_mib": before,
            "fifty_periods_code": refused["errors"][0]["extensions"]["code"],
            "after_fifty_mib": after_refusal,
            **sampled,
            "at_end_mib": at_end,
            "after_ttl_mib": rss_mib(pid),
        }


def measure(sim_url: str, seconds: float = 30) -> dict[str, Any]:
    """RSS under the attack, with the caller's budget off and with the defaults."""
    return {
        "budget_off": _variant(sim_url, seconds, SSBTEK_CALLER_QUESTIONS_PER_MINUTE="0"),
        "defaults": _variant(sim_url, seconds, SSBTEK_CALLER_QUESTIONS_PER_MINUTE="60"),
    }


def rows(figures: dict[str, Any], row: Any) -> list[dict[str, str]]:
    """The table rows of the attack."""
    result = []
    for name, what in (("budget_off", "caller budget off"), ("defaults", "defaults")):
        f = figures[name]
        result.append(
            row(
                f"RSS under the attack (2 clients, 10 periods of the huge person per operation, "
                f"{what}): peak / at the end / {TTL_S} s TTL later",
                f"{f['peak_mib']:.0f} / {f['at_end_mib']:.0f} / {f['after_ttl_mib']:.0f} MiB",
                f"before {f['before_mib']:.0f} MiB; answers {f['codes']}; fifty periods in one "
                f"operation: {f['fifty_periods_code']}",
                f["peak_mib"] / POD_LIMIT_MIB,
                f"peak < {POD_LIMIT_MIB} MiB (the pod's limit)",
            )
        )
    return result
