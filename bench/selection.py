"""What a selection costs: one agency against everything for one person, with the simulator's
latency model off and on; the same full question sent by a direct zeep call (the floor of any
SOAP client); the facade's own cost per resolved field on a cache hit; `personer` with 50
people; the facade's resident memory.

The simulator and the facade are processes of their own (`ssbtek-graphql simulator|serve`), the
facade with its cache off unless a row says otherwise, so that every question is an SSBTEK call.
Rows are measured in rounds, the rounds of compared rows interleaved, and given as the median of
the rounds with their range."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import zeep
from zeep.settings import Settings

from bench.cache import ONE_AGENCY
from bench.harness import ALLA, facade_process, people, rss_mib
from resolvers.client import SsbtekClient
from tests.support import CASEWORKER, PERIOD, command, facade, facade_env, free_port
from tests.support.queries import answered_fields, everything

PERSONER = """query($pnr: [Personnummer!]!, $period: PeriodInput!) {
  personer(personnummer: $pnr, period: $period, arende: "bench") {
    transportstyrelsen { resultat } akassorna { arbetsloshetsersattningar { svarandeOrganisation } }
  }
}"""


MONTH_SUMS = """query($pnr: [Personnummer!]!, $period: PeriodInput!) {
  personer(personnummer: $pnr, period: $period, arende: "bench") {
    personnummer manadssummor {
      rader { manad kalla forman { kod } brutto skatt ovrigaAvdrag netto antal } }
  }
}"""


@contextmanager
def simulator_process(latency: bool, fixed: bool = True) -> Iterator[str]:
    """The simulator as its own process; yields its SOAP URL. With `latency`, each question's
    wait is fixed by its agencies unless `fixed` is false (then drawn afresh each time)."""
    port = free_port()
    # By default the waits are fixed per question: the facade and zeep are compared on the same
    # waits.
    waits = ["--latency", *(["--latency-fixed"] if fixed else [])] if latency else []
    with command(
        ["simulator", "--port", str(port), *waits], f"http://127.0.0.1:{port}/ssbtek?wsdl"
    ):
        yield f"http://127.0.0.1:{port}/ssbtek"


def _timings(client: httpx.Client, url: str, body: dict[str, Any], times: int) -> list[float]:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        answer = client.post(url, json=body).json()
        timings.append((time.perf_counter() - started) * 1000)
        if answer.get("errors"):
            raise RuntimeError(f"the bench's question failed: {answer['errors'][0]}")
    return timings


def question_of(sim_url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The zeep arguments of the question the facade sends for an operation (an in-process
    facade, asking the simulator process)."""
    asked: list[dict[str, Any]] = []
    original = SsbtekClient.hamta

    async def recording(
        self: SsbtekClient, question: dict[str, Any], asker: str = "", **kwargs: Any
    ) -> Any:
        asked.append(question)
        return await original(self, question, asker, **kwargs)

    SsbtekClient.hamta = recording  # type: ignore[method-assign]
    try:
        with facade(facade_env(sim_url, SSBTEK_AUDIT_FILE=os.devnull)) as api:
            api.query(query, variables)
    finally:
        SsbtekClient.hamta = original  # type: ignore[method-assign]
    [question] = asked
    return question


class DirectZeep:
    """A plain zeep client of the simulator: what a hand-written SOAP client does (zeep builds
    the question and parses the whole answer, leniently, as real answers need)."""

    def __init__(self, sim_url: str) -> None:
        self.client = zeep.Client(f"{sim_url}?wsdl", settings=Settings(strict=False))

    def ask(self, question: dict[str, Any]) -> float:
        """Milliseconds for one call, answer parsed."""
        started = time.perf_counter()
        self.client.service.hamtaBastjanstInformation(**question)
        return (time.perf_counter() - started) * 1000

    def answer_bytes(self, question: dict[str, Any]) -> int:
        """The size of SSBTEK's answer to a question."""
        with self.client.settings(raw_response=True):
            return len(self.client.service.hamtaBastjanstInformation(**question).content)


def measure(rounds: int = 3) -> dict[str, Any]:
    """The figures of this module, by name; each a list of the rounds' values (or one value)."""
    figures: dict[str, Any] = {}
    whole = everything("bench")
    one_body = {"query": ONE_AGENCY, "variables": {"pnr": ALLA, "period": PERIOD}}
    all_body = {"query": whole, "variables": {"pnr": ALLA, "period": PERIOD}}
    for latency in (False, True):
        mode = "on" if latency else "off"
        times = 10 if latency else 30
        with simulator_process(latency) as sim_url:
            zeep_client = DirectZeep(sim_url)
            questions = {
                "one": question_of(sim_url, ONE_AGENCY, one_body["variables"]),
                "all": question_of(sim_url, whole, all_body["variables"]),
            }
            figures["upstream_bytes_one"] = zeep_client.answer_bytes(questions["one"])
            figures["upstream_bytes_all"] = zeep_client.answer_bytes(questions["all"])
            with (
                facade_process(sim_url, SSBTEK_CACHE_TTL_S="0") as (url, pid),
                httpx.Client(timeout=120, headers={"X-Handlaggare": CASEWORKER}) as client,
            ):
                answer = client.post(url, json=all_body).json()
                figures["fields_all"] = answered_fields(answer["data"])
                figures["answer_bytes_all"] = len(client.post(url, json=all_body).content)
                one, every, direct = [], [], []
                for _ in range(rounds):
                    one.append(statistics.median(_timings(client, url, one_body, times)))
                    every.append(statistics.median(_timings(client, url, all_body, times)))
                    direct.append(
                        statistics.median(zeep_client.ask(questions["all"]) for _ in range(times))
                    )
                figures[f"one_p50_ms_{mode}"] = one
                figures[f"all_p50_ms_{mode}"] = every
                figures[f"zeep_all_p50_ms_{mode}"] = direct
                if not latency:
                    crowd = {"pnr": people(50), "period": PERIOD}
                    figures["personer_50_p50_ms"] = [
                        statistics.median(
                            _timings(client, url, {"query": PERSONER, "variables": crowd}, 10)
                        )
                        for _ in range(rounds)
                    ]
                    figures["facade_rss_mib"] = rss_mib(pid)
            if not latency:
                with (
                    facade_process(sim_url, SSBTEK_CACHE_TTL_S="600") as (url, _pid),
                    httpx.Client(timeout=120, headers={"X-Handlaggare": CASEWORKER}) as client,
                ):
                    _timings(client, url, all_body, 2)  # the miss, then a first hit
                    figures["all_hit_p50_ms"] = [
                        statistics.median(_timings(client, url, all_body, 30))
                        for _ in range(rounds)
                    ]
                    # Month sums over 50 people: the misses ask SSBTEK (every source), the
                    # hits are the facade's own time.
                    sums = {"query": MONTH_SUMS, "variables": {"pnr": people(50), "period": PERIOD}}
                    figures["manadssummor_50_miss_ms"] = _timings(client, url, sums, 1)[0]
                    figures["manadssummor_50_hit_p50_ms"] = [
                        statistics.median(_timings(client, url, sums, 10)) for _ in range(rounds)
                    ]
    return figures


if __name__ == "__main__":
    print(measure())
