"""docs/clients.md's examples run as written against the demo server (gql over httpx, the
notebook, Power Query's query; Apollo Client and urql reading @defer and @stream where Node.js
is), and its scalar mappings name every scalar of the schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from schema.build import build_schema
from tests.support import command, free_port
from tests.support.node import node_project

GUIDE = Path(__file__).parent.parent / "docs" / "clients.md"


@pytest.fixture(scope="module")
def demo_server() -> Iterator[str]:
    """The demo server (`ssbtek-graphql serve`) on a loopback port; yields its GraphQL URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port)], f"{base}/readyz"):
        yield f"{base}/graphql"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", GUIDE.read_text(encoding="utf-8"), re.S)


def _run(code: str, url: str) -> list[list[str]]:
    printed = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "FACADE_URL": url},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    return [line.split() for line in printed.stdout.splitlines()]


def _totals(url: str, people: list[str], period: dict[str, str]) -> dict[tuple[str, str], Decimal]:
    """Each person's net per month, from `manadssummor.totaler`, asked here directly."""
    query = """query($pnr: [Personnummer!]!, $period: PeriodInput!) {
      personer(personnummer: $pnr, period: $period, arende: "BI-2026-06") {
        personnummer manadssummor { totaler { manad netto } } } }"""
    answer = httpx.post(
        url, json={"query": query, "variables": {"pnr": people, "period": period}}, timeout=60
    ).json()
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for person in answer["data"]["personer"]:
        for total in person["manadssummor"]["totaler"]:
            totals[(person["personnummer"], total["manad"])] += Decimal(total["netto"])
    return totals


def test_the_gql_example_runs_against_the_demo_server(demo_server: str) -> None:
    rows = _run(_blocks("python")[0], demo_server)
    assert {(month, source) for month, source, _ in rows} == {
        (month, source)
        for month in ("2026-04", "2026-05", "2026-06")
        for source in ("FK", "AKASSA")
    }


def test_the_pandas_example_sums_to_the_month_totals(demo_server: str) -> None:
    """The notebook sums every row of `manadssummor.rader` per person and month: that is the
    month's total over every source, as `totaler` gives it."""
    rows = _run(_blocks("python")[1], demo_server)
    people = ["198503151238", "198202201235"]
    want = _totals(demo_server, people, {"from": "2026-04-01", "tom": "2026-06-30"})
    got = {(number, month): Decimal(net) for number, month, net in rows}
    assert got == {key: net for key, net in want.items() if net}
    assert len(got) == 6


def test_the_power_query_script_asks_what_it_expands(demo_server: str) -> None:
    """Power Query does not run here: its GraphQL query runs, and every column the script
    expands is in every row."""
    [script] = _blocks("m")
    found = re.search(r'Query = "(.*?)",\n', script)
    assert found is not None
    query = found.group(1).replace('""', '"')
    columns = re.search(r'Table.ExpandRecordColumn\(Rows, "rader", \{(.*?)\}\)', script)
    assert columns is not None
    names = [name.strip().strip('"') for name in columns.group(1).split(",")]
    variables = {"pnr": ["198503151238", "198202201235"],
                 "period": {"from": "2026-04-01", "tom": "2026-06-30"}}  # fmt: skip
    answer = httpx.post(
        demo_server, json={"query": query, "variables": variables}, timeout=60
    ).json()
    assert "errors" not in answer, answer["errors"]
    rows = [row for p in answer["data"]["personer"] for row in p["manadssummor"]["rader"]]
    assert rows and all(set(names) == set(row) for row in rows)
    assert f"pnr = {{{', '.join(json.dumps(n) for n in variables['pnr'])}}}" in script


@pytest.mark.parametrize(
    ("folder", "printed"),
    [
        (
            "apollo",
            [
                [
                    "streaming arbetsformedlingen transportstyrelsen",
                    "complete arbetsformedlingen transportstyrelsen forsakringskassan",
                ]
            ],
        ),
        # The second and third person may come in one part or in two.
        ("urql", [["true 1", "false 3"], ["true 1", "true 2", "false 3"]]),
    ],
)
def test_the_incremental_examples_show_the_first_part_then_the_rest(
    demo_server: str, folder: str, printed: list[list[str]]
) -> None:
    """Apollo Client's example (`@defer`, the first block) and urql's (`@stream`, the second)
    as written, each in its Node project."""
    work = node_project(
        folder, (), "tests/test_clients_incremental.py is skipped too: the examples need Node.js"
    )
    example = work / "clients-md.mjs"
    code = _blocks("js")[["apollo", "urql"].index(folder)]
    if not example.is_file() or example.read_text(encoding="utf-8") != code:
        example.write_text(code, encoding="utf-8")
    ran = subprocess.run(
        ["node", str(example)], env={**os.environ, "FACADE_URL": demo_server},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() in printed


def test_every_custom_scalar_has_its_mapping_documented() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    schema = build_schema().graphql_schema
    custom = {
        name for name, kind in schema.type_map.items()
        if kind.__class__.__name__ == "GraphQLScalarType"
        and name not in ("String", "Int", "Float", "Boolean", "ID")
    }  # fmt: skip
    assert custom == {"Date", "DateTime", "Decimal", "Personnummer"}
    for name in custom:
        assert f"| `{name}` |" in text
        assert f"{name}: " in text  # in the codegen config
        assert f"ariadne-codegen.scalars.{name}]" in text  # in the ariadne-codegen config
