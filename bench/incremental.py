"""`@defer` and `@stream` measured (issue 22): what a caseworker's screen gains by deferring its
benefits, what a list of people gains by streaming them, and what deferring costs the facade.

- The screen (`screen`): the GraphiQL tab `Arendevy` (Arbetsförmedlingen and Transportstyrelsen
  at once, the FK/PM benefits in a `... @defer` fragment) against the same operation without
  `@defer`, the requests alternating. The simulator's latency model is on with its waits drawn
  afresh for each question (not `--latency-fixed`: the two ways ask different questions, and
  fixed waits would compare one draw of `AF, FK, TNS` with one of `FK`). The facade's cache is
  off and each request comes from a caseworker of its own, so every screen asks SSBTEK. Timed
  by the client as it reads the multipart stream: to the first payload (its part whole) and to
  the last; the plain answer to its end. The simulator's request log counts the questions of
  each screen.
- The list (`stream`): `personer` of 50 people with `@stream(initialCount: 1)` against the same
  without `@stream`, latency model on: to the first row, to the last, and the whole plain
  answer.
- The fast path (`fast_path`): latency model off, two facades, one with the fast completion of
  plain data (`schema/execution.py`) and one without (`SSBTEK_FAST_EXECUTION=false`); the
  screen, and a wide one deferring every field of FK and PM, each with and without `@defer`.
  Measured: the request's wall time and the facade process's CPU time per request (all its
  threads, from `/proc`), so that what `@defer` costs and whether the fast path still completes
  the deferred fragments can be read side by side.

Every figure is a median per round, the rounds' variants interleaved. Figures only: nothing is
asserted but that the answers are whole and without errors. `python -m bench.incremental` prints
the rows; `make bench` adds them (`bench/__main__.py`).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.harness import ALLA, compared, cpu_seconds, facade_process, people
from bench.selection import simulator_process
from tests.support import PERIOD
from tests.support.multipart import PartReader, merged
from tests.support.network import ServedSimulator
from tests.support.queries import ARENDEVY, LISTA, answered_fields, wide_screen

# What GraphiQL, Apollo Client and urql send.
ACCEPT = "multipart/mixed;deferSpec=20220824, application/json"

# The GraphiQL tab `Arendevy` and the list streamed (docs/schema-guide.md).
SCREEN, LIST = ARENDEVY, LISTA

CROWD = 50


def without_directives(query: str) -> str:
    """The same operation without `@defer`/`@stream`."""
    return re.sub(r"@(defer|stream)(\([^)]*\))?", "", query)


@dataclass
class Delivery:
    """One answer as the client read it: milliseconds to its first payload and to its end, its
    payloads (one for an answer not in parts) and the caseworker who asked."""

    first_ms: float
    last_ms: float
    payloads: list[dict[str, Any]]
    caseworker: str

    def errors(self) -> list[Any]:
        """Every error of every payload."""
        found: list[Any] = []
        for payload in self.payloads:
            found += payload.get("errors") or []
            for entry in [*payload.get("incremental", []), *payload.get("completed", [])]:
                found += entry.get("errors") or []
        return found

    def answer(self) -> dict[str, Any]:
        """The one answer the payloads make."""
        return merged(self.payloads) if len(self.payloads) > 1 else self.payloads[0]


_caseworkers = (f"bench.handlaggare.{n}" for n in itertools.count())


def deliver(client: httpx.Client, url: str, query: str, variables: dict[str, Any]) -> Delivery:
    """POST an operation as a client that takes parts, from a caseworker of its own; timed as
    the parts arrive."""
    caseworker = next(_caseworkers)
    headers = {"accept": ACCEPT, "X-Handlaggare": caseworker}
    started = time.perf_counter()
    with client.stream(
        "POST", url, json={"query": query, "variables": variables}, headers=headers
    ) as response:
        if response.status_code != 200:
            raise RuntimeError(f"the bench's operation was refused: {response.read()[:300]!r}")
        content_type = response.headers["content-type"]
        if not content_type.startswith("multipart/mixed"):
            body = response.read()
            whole = (time.perf_counter() - started) * 1000
            delivery = Delivery(whole, whole, [json.loads(body)], caseworker)
        else:
            reader = PartReader(content_type)
            payloads: list[dict[str, Any]] = []
            first = 0.0
            for chunk in response.iter_raw():
                payloads += reader.feed(chunk)
                if payloads and not first:
                    first = (time.perf_counter() - started) * 1000
            if not reader.closed:
                raise RuntimeError("the multipart answer ended without its closing delimiter")
            delivery = Delivery(first, (time.perf_counter() - started) * 1000, payloads, caseworker)
    if delivery.errors():
        raise RuntimeError(f"the bench's operation failed: {delivery.errors()[0]}")
    return delivery


def _same_answer(parts: Delivery, whole: Delivery) -> None:
    """The payloads merged are the answer without the directives (checked once per row)."""
    if parts.answer() != whole.answer():
        raise RuntimeError("the merged payloads differ from the answer without the directives")


def _questions(sim: ServedSimulator) -> list[list[str]]:
    """The agencies of each question since the log was last cleared, then clears it."""
    asked = sorted(sorted(q["included"]) for q in sim.questions())
    sim.clear()
    return asked


def _pair_rounds(
    rounds: int, per_round: int, ask: Callable[[bool], Delivery]
) -> Iterator[tuple[int, Delivery, Delivery]]:
    """`per_round` pairs a round, each with the directives and without, which goes first
    alternating; yields (round, with, without)."""
    for number in range(rounds):
        for turn in range(per_round):
            if turn % 2:
                without = ask(False)
                parts = ask(True)
            else:
                parts = ask(True)
                without = ask(False)
            yield number, parts, without


def _slowest_answers(audit: Path) -> dict[str, float]:
    """From the audit file: each caseworker's slowest SSBTEK answer, asked and decoded
    (`upstreamMs`), in milliseconds (the bench gives each request a caseworker of its own)."""
    slowest: dict[str, float] = {}
    for line in audit.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("event") == "question" and entry.get("upstreamMs") is not None:
            who = entry["caseworker"]
            slowest[who] = max(slowest.get(who, 0.0), entry["upstreamMs"])
    return slowest


def screen(rounds: int = 5, per_round: int = 12) -> dict[str, Any]:
    """The screen with its benefits deferred against the same without `@defer`, latency on; and
    each request's time beyond its slowest SSBTEK answer (the audit's `upstreamMs`), which the
    waits' spread does not move."""
    plain = without_directives(SCREEN)
    variables = {"pnr": ALLA, "period": PERIOD}
    figures: dict[str, Any] = {"questions": [], "plain_questions": []}
    with (
        tempfile.TemporaryDirectory() as folder,
        simulator_process(latency=True, fixed=False) as sim_url,
        facade_process(sim_url, SSBTEK_AUDIT_FILE=f"{folder}/audit.jsonl") as (url, _pid),
        httpx.Client(timeout=120) as client,
    ):
        sim = ServedSimulator(sim_url.removesuffix("/ssbtek"))
        _same_answer(
            deliver(client, url, SCREEN, variables), deliver(client, url, plain, variables)
        )
        sim.clear()
        asked: dict[str, list[list[str]]] = {}

        def ask(deferred: bool) -> Delivery:
            delivery = deliver(client, url, SCREEN if deferred else plain, variables)
            questions = _questions(sim)
            asked["deferred" if deferred else "plain"] = questions
            figures["questions" if deferred else "plain_questions"].append(len(questions))
            return delivery

        pairs = list(_pair_rounds(rounds, per_round, ask))
        slowest = _slowest_answers(Path(folder) / "audit.jsonl")
    timed = ("first_ms", "last_ms", "plain_ms", "own_last_ms", "own_plain_ms")
    timings: dict[str, list[list[float]]] = {k: [[] for _ in range(rounds)] for k in timed}
    for number, parts, without in pairs:
        timings["first_ms"][number].append(parts.first_ms)
        timings["last_ms"][number].append(parts.last_ms)
        timings["plain_ms"][number].append(without.last_ms)
        timings["own_last_ms"][number].append(parts.last_ms - slowest[parts.caseworker])
        timings["own_plain_ms"][number].append(without.last_ms - slowest[without.caseworker])
    for name in timed:
        figures[name] = [statistics.median(values) for values in timings[name]]
    # Both ways wait for LEFI's answer, drawn from the same spread: its median over every
    # request of either way is the wait the two own times are put on for a like comparison.
    figures["slowest_answer_ms"] = statistics.median(
        slowest[delivery.caseworker] for _, *both in pairs for delivery in both
    )
    figures["asked"] = asked
    return figures


def stream(rounds: int = 5, per_round: int = 4) -> dict[str, Any]:
    """`personer` of 50 people streamed against the same without `@stream`, latency on."""
    plain = without_directives(LIST)
    variables = {"pnr": people(CROWD), "period": PERIOD}
    with (
        simulator_process(latency=True, fixed=False) as sim_url,
        # 50 questions in one operation (the bench's facade allows 50), no caller budget.
        facade_process(sim_url) as (url, _pid),
        httpx.Client(timeout=120) as client,
    ):
        parts, whole = deliver(client, url, LIST, variables), deliver(client, url, plain, variables)
        _same_answer(parts, whole)
        rows = len(whole.answer()["data"]["personer"])
        first: list[list[float]] = [[] for _ in range(rounds)]
        last: list[list[float]] = [[] for _ in range(rounds)]
        plain_ms: list[list[float]] = [[] for _ in range(rounds)]
        payloads = []

        def ask(streamed: bool) -> Delivery:
            return deliver(client, url, LIST if streamed else plain, variables)

        for number, parts, without in _pair_rounds(rounds, per_round, ask):
            first[number].append(parts.first_ms)
            last[number].append(parts.last_ms)
            plain_ms[number].append(without.last_ms)
            payloads.append(len(parts.payloads))
    return {
        "rows": rows,
        "payloads": statistics.median(payloads),
        "first_ms": [statistics.median(v) for v in first],
        "last_ms": [statistics.median(v) for v in last],
        "plain_ms": [statistics.median(v) for v in plain_ms],
    }


def fast_path(rounds: int = 7, per_round: int = 25) -> dict[str, Any]:
    """The screen and the wide screen, each with and without `@defer`, on a facade with the fast
    completion and one without, latency off: wall time and the facade's CPU per request. Each
    screen has two facades of its own, so that neither's CPU pays for what the other's document
    leaves in the process (the fast path keeps a document's compiled completions)."""
    wide = wide_screen()
    variables = {"pnr": ALLA, "period": PERIOD}
    figures: dict[str, Any] = {"fields": {}}
    for name, deferred in (("screen", SCREEN), ("wide", wide)):
        operations = {"deferred": deferred, "plain": without_directives(deferred)}
        with (
            simulator_process(latency=False) as sim_url,
            facade_process(sim_url) as fast,
            facade_process(sim_url, SSBTEK_FAST_EXECUTION="false") as slow,
            httpx.Client(timeout=120) as client,
        ):
            facades = {"fast": fast, "no fast path": slow}
            for query in operations.values():
                for url, _pid in facades.values():
                    answer = deliver(client, url, query, variables).answer()
            figures["fields"][name] = answered_fields(answer["data"])
            turns = list(itertools.product(facades, operations))
            for way, variant in turns:
                figures[f"{way}, {name}, {variant}"] = {"wall_ms": [], "cpu_ms": []}
            for number in range(rounds):
                for way, variant in turns if number % 2 else reversed(turns):
                    url, pid = facades[way]
                    cpu = cpu_seconds(pid)
                    walls = [
                        deliver(client, url, operations[variant], variables).last_ms
                        for _ in range(per_round)
                    ]
                    used_ms = (cpu_seconds(pid) - cpu) * 1000 / per_round
                    figures[f"{way}, {name}, {variant}"]["wall_ms"].append(statistics.median(walls))
                    figures[f"{way}, {name}, {variant}"]["cpu_ms"].append(used_ms)
    return figures


def measure() -> dict[str, Any]:
    """The figures of this module, by name, and the machine's load average before and after."""
    load_before = os.getloadavg()[0]
    figures = {"screen": screen(), "stream": stream(), "fast_path": fast_path()}
    return {**figures, "load_average": [load_before, os.getloadavg()[0]]}


def rows(figures: dict[str, Any], row: Callable[..., dict[str, str]]) -> list[dict[str, str]]:
    """The bench rows of these figures (`row` is `bench.__main__._row`)."""
    s, p, f = figures["screen"], figures["stream"], figures["fast_path"]
    per_screen = statistics.median(s["questions"])
    made = [
        compared(
            row,
            "screen (AF + TNS now, FK/PM benefits deferred), latency on: first payload vs the "
            "same without @defer (whole)",
            s["first_ms"],
            s["plain_ms"],
            "≤ 0.35",
        ),
        compared(
            row,
            "  its last payload vs the same without @defer",
            s["last_ms"],
            s["plain_ms"],
            "≤ 1.05",
        ),
        compared(
            row,
            "  its last payload's time beyond its slowest SSBTEK answer (asked and decoded, the "
            "audit's upstreamMs) vs the same without @defer",
            s["own_last_ms"],
            s["own_plain_ms"],
        ),
        compared(
            row,
            "  its last payload vs the same without @defer on equal waits: each one's own time "
            f"put on the median slowest answer of both ({s['slowest_answer_ms']:.0f} ms)",
            [s["slowest_answer_ms"] + own for own in s["own_last_ms"]],
            [s["slowest_answer_ms"] + own for own in s["own_plain_ms"]],
            "≤ 1.05",
        ),
        row(
            "  SSBTEK calls per screen, with @defer vs without (each screen: "
            f"{' + '.join(','.join(q) for q in s['asked']['deferred'])} vs "
            f"{' + '.join(','.join(q) for q in s['asked']['plain'])})",
            f"{per_screen:g} ({min(s['questions'])}–{max(s['questions'])}, "
            f"{len(s['questions'])} screens)",
            f"{statistics.median(s['plain_questions']):g}",
            None,
            "2",
        ),
        compared(
            row,
            f"personer, {CROWD} people, @stream(initialCount: 1), latency on: first row vs the "
            f"whole list ({p['payloads']:g} payloads)",
            p["first_ms"],
            p["last_ms"],
        ),
        compared(
            row,
            "  the whole list streamed vs without @stream",
            p["last_ms"],
            p["plain_ms"],
        ),
    ]
    for name, what in (("screen", "screen"), ("wide", "wide screen (every FK and PM field)")):
        fields = f["fields"][name]
        for measure, unit in (("cpu_ms", "the facade's CPU"), ("wall_ms", "wall time")):
            deferred, plain = f[f"fast, {name}, deferred"], f[f"fast, {name}, plain"]
            made.append(
                compared(
                    row,
                    f"{what}, {fields:,} fields, latency off, {unit} per request: @defer vs "
                    "without",
                    deferred[measure],
                    plain[measure],
                )
            )
        for variant in ("deferred", "plain"):
            fast, slow = f[f"fast, {name}, {variant}"], f[f"no fast path, {name}, {variant}"]
            made.append(
                compared(
                    row,
                    f"  {what}, {'@defer' if variant == 'deferred' else 'without @defer'}: the "
                    "facade's CPU per request, fast path vs off",
                    fast["cpu_ms"],
                    slow["cpu_ms"],
                )
            )
    before, after = figures["load_average"]
    made.append(
        row(
            "  load average (1 minute) before and after these rows", f"{before:.1f}", f"{after:.1f}"
        )
    )
    return made


def main() -> None:
    """Print the figures as JSON, then the rows."""
    from bench.__main__ import _row, markdown

    figures = measure()
    print(json.dumps(figures, indent=1))
    print(markdown(rows(figures, _row), []))


if __name__ == "__main__":
    main()
