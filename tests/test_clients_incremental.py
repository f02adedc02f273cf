"""Apollo Client 4 (with either incremental handler) and urql read `@defer` and `@stream` from
the facade over a real socket: each shows the first part while SSBTEK still holds the answers
the later parts wait for, then the whole answer, the same as the operation without the
directives gives. The order is made, not timed: the later questions are held until the client
has shown its first data (tests/apollo/defer.mjs, tests/urql/defer.mjs print each result the
application is given as it comes)."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from graph.app import create_app
from graph.settings import load_settings
from tests.support import CASEWORKER, Simulator, facade_env, serving
from tests.support.held import HeldTransport
from tests.support.multipart import without_directives
from tests.support.node import node_project
from tests.support.queries import ARENDEVY, LISTA, without_key
from tests.support.waiting import GIVE_UP_S

PEOPLE = ["198503151238", "199001011239", "198807141232", "198202201235"]
PERIOD = {"from": "2026-05-01", "tom": "2026-06-30"}


@dataclass
class Operation:
    """An operation, its variables, and which SSBTEK questions wait until the client has shown
    its first data."""

    query: str
    variables: dict[str, Any]
    held: Callable[[httpx.Request], bool]
    later: int  # how many questions that is


OPERATIONS = {
    "defer": Operation(
        ARENDEVY, {"pnr": PEOPLE[0], "period": PERIOD},
        held=lambda request: b'FK inkludera="true"' in request.content, later=1,
    ),
    "stream": Operation(
        LISTA, {"pnr": PEOPLE, "period": PERIOD},
        held=lambda request: any(n.encode() in request.content for n in PEOPLE[1:]),
        later=len(PEOPLE) - 1,
    ),
}  # fmt: skip

# Each client, with the Accept parameter it sends: Apollo Client 4 with the handler for the
# RFC's current format and with the one for the 2022 format (which reads the entries' `path`
# and `label`), urql (which reads `path` where an entry has one, else the pending ids).
CLIENTS = {
    "apollo-rfc": ("apollo", ["GraphQL17Alpha9Handler"], "multipart/mixed;incrementalSpec=v0.2"),
    "apollo-2022": ("apollo", ["Defer20220824Handler"], "multipart/mixed;deferSpec=20220824"),
    "urql": ("urql", [], "multipart/mixed"),
}


@dataclass
class Seen:
    """What a client showed its application: each result with data, in order, as the script
    printed it with `more` beside (whether more was to come: Apollo's `loading`, urql's
    `hasNext`); the Accept header of each request it sent; and how many of the held questions
    were waiting when it showed the first."""

    results: list[dict[str, Any]]
    accept: list[str]
    waiting_at_first: int


@pytest.fixture(scope="module")
def scripts() -> dict[str, Path]:
    """Each client's script, installed with its pinned packages."""
    otherwise = "tests/test_incremental_delivery.py reads the parts as the RFC describes them"
    return {
        folder: node_project(folder, ("defer.mjs",), otherwise) / "defer.mjs"
        for folder in ("apollo", "urql")
    }


@contextmanager
def facade_holding(sim: Simulator, held: Callable[[httpx.Request], bool]) -> Iterator[
    tuple[str, HeldTransport]
]:  # fmt: skip
    """The facade on a loopback port, its questions that `held` picks held until released."""
    transport = HeldTransport(sim.transport(), only=held)
    app = create_app(load_settings(facade_env(sim.url)), transport=transport)
    with serving(app) as base:
        yield f"{base}/graphql", transport


def watch(command: list[str], held: HeldTransport) -> Seen:
    """Run a client script; once it has shown data, let the held questions go."""
    lines: queue.Queue[str | None] = queue.Queue()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        threading.Thread(target=_pour, args=(process.stdout, lines), daemon=True).start()
        printed: list[dict[str, Any]] = []
        waiting_at_first: int | None = None
        try:
            while (line := lines.get(timeout=GIVE_UP_S)) is not None:
                printed.append(json.loads(line))
                if printed[-1].get("data") and waiting_at_first is None:
                    waiting_at_first = held.arrived
                    held.release()
        except queue.Empty:
            process.kill()
            pytest.fail(f"the client showed nothing more within {GIVE_UP_S} s: {printed}")
        errors = process.stderr.read()
        assert process.wait(timeout=GIVE_UP_S) == 0, errors
    *results, sent = printed
    for result in results:
        assert result["errors"] == [], result
    shown = [
        {**result, "more": result["loading"] if "loading" in result else result["hasNext"]}
        for result in results
        if result["data"]
    ]
    assert waiting_at_first is not None, printed
    return Seen(shown, sent["accept"], waiting_at_first)


def _pour(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


def shown_by(
    client: str, name: str, scripts: dict[str, Path], sim: Simulator
) -> list[dict[str, Any]]:
    """The results with data `client` showed, in order, running the operation `name`, once it
    is checked that: the client sent one request, naming multipart/mixed as it does; the first
    data was shown while each held question was asked and still unanswered, with more to come;
    the last was whole, and the same as the facade's plain JSON answer to the operation without
    `@defer`/`@stream`; and no error was shown."""
    folder, arguments, accept = CLIENTS[client]
    operation = OPERATIONS[name]
    with facade_holding(sim, operation.held) as (url, held):
        seen = watch(
            ["node", str(scripts[folder]), url, json.dumps({"X-Handlaggare": CASEWORKER}),
             *arguments, operation.query, json.dumps(operation.variables)],
            held,
        )  # fmt: skip
        plain = httpx.post(
            url,
            json={"query": without_directives(operation.query), "variables": operation.variables},
            headers={"X-Handlaggare": CASEWORKER},
            timeout=GIVE_UP_S,
        ).json()
    assert "errors" not in plain, plain
    [sent] = seen.accept
    assert accept in sent.replace(" ", "")
    assert seen.waiting_at_first == operation.later
    assert len(seen.results) > 1, "nothing followed the first data"
    assert [shown["more"] for shown in seen.results] == [True] * (len(seen.results) - 1) + [False]
    assert without_key(seen.results[-1]["data"], "__typename") == plain["data"]
    return seen.results


@pytest.mark.parametrize("client", list(CLIENTS))
def test_a_client_shows_the_top_of_the_screen_before_the_benefits(
    client: str, scripts: dict[str, Path], sim: Simulator
) -> None:
    shown = shown_by(client, "defer", scripts, sim)
    first, last = shown[0]["data"], shown[-1]["data"]
    assert set(without_key(first, "__typename")["person"]) == {
        "arbetsformedlingen",
        "transportstyrelsen",
    }
    assert first["person"]["arbetsformedlingen"]["fornamn"] == "Tolvan"
    # The benefits merged into the same person, beside what was shown first.
    assert set(without_key(last, "__typename")["person"]) == {
        "arbetsformedlingen", "transportstyrelsen", "forsakringskassan", "manadssummor"
    }  # fmt: skip
    if client.startswith("apollo"):  # partial data while a fragment is pending
        states = [result["dataState"] for result in shown]
        assert states == ["streaming"] * (len(shown) - 1) + ["complete"]


@pytest.mark.parametrize("client", list(CLIENTS))
def test_a_client_shows_the_first_person_then_the_others_in_order(
    client: str, scripts: dict[str, Path], sim: Simulator
) -> None:
    shown = shown_by(client, "stream", scripts, sim)
    people = [[person["personnummer"] for person in result["data"]["personer"]] for result in shown]
    assert people[0] == PEOPLE[:1]
    # Each result keeps the people shown before it and adds after them, in the order given.
    assert all(numbers == PEOPLE[: len(numbers)] for numbers in people)
    assert [len(numbers) for numbers in people] == sorted(len(numbers) for numbers in people)
    assert people[-1] == PEOPLE
    if client.startswith("apollo"):  # a list with its first items is whole; `loading` says more
        assert {result["dataState"] for result in shown} == {"complete"}
