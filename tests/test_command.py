"""The `ssbtek-graphql` command as `make run` uses it: demo mode answers with GraphiQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx

from tests.support import command, free_port


def test_serve_in_demo_mode_answers_and_offers_graphiql() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port)], f"{base}/readyz", capture=True) as process:
        page = httpx.get(f"{base}/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        assert "server" not in page.headers  # no banner
        assert page.headers["x-content-type-options"] == "nosniff"
        answer = httpx.post(
            f"{base}/graphql",
            json={
                "query": '{ person(personnummer: "198503151238", period: {from: "2026-01-01", '
                'tom: "2026-03-31"}, arende: "demo") { transportstyrelsen { fordon { regnr } } } }'
            },
            timeout=30,
        ).json()
        assert answer["data"]["person"]["transportstyrelsen"]["fordon"][0]["regnr"] == "ABC12D"
    assert "198503151238" not in process.output  # the number is never logged


def test_bad_configuration_stops_with_every_missing_variable_named() -> None:
    """`SSBTEK_URL` alone: one start names each of the seven settings a real SSBTEK needs, one
    `configuration error:` line each, and exits 2."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSBTEK_")}
    env["SSBTEK_URL"] = "https://ssbtek.example/ssbtek"
    result = subprocess.run(
        [sys.executable, "-m", "graph", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if "configuration error" in line]
    named = [re.search(r"configuration error: (SSBTEK_[A-Z_]+)", line) for line in lines]
    assert sorted(found.group(1) for found in named if found) == sorted(
        ["SSBTEK_INGIVARE_ORGNR", "SSBTEK_INGIVARE_NAMN", "SSBTEK_AKTORSID", "SSBTEK_SYFTE",
         "SSBTEK_LAGTEXT", "SSBTEK_AUTH", "SSBTEK_AUDIT_SECRET"]
    ), result.stderr  # fmt: skip
    assert all(line.startswith("ssbtek-graphql: configuration error: ") for line in lines)


def test_the_simulator_command_serves_the_wsdl() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/ssbtek"
    with command(["simulator", "--port", str(port)], f"{url}?wsdl"):
        response = httpx.get(url, params={"wsdl": ""})
    assert response.status_code == 200
    assert "BastjanstInformationInterfaceService" in response.text
    assert url in response.text


def test_serve_with_workers_answers_from_processes_of_their_own() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port), "--workers", "2"], f"{base}/readyz") as process:
        children = _children(process.pid)
        assert len(children) >= 2, "uvicorn's workers are processes of their own"
        answer = httpx.post(
            f"{base}/graphql",
            json={
                "query": '{ person(personnummer: "198503151238", period: {from: "2026-01-01", '
                'tom: "2026-03-31"}, arende: "demo") { transportstyrelsen { resultat } } }'
            },
            timeout=30,
        ).json()
        assert answer == {"data": {"person": {"transportstyrelsen": {"resultat": "OK"}}}}
        # The workers serve with the facade's connection rules (graph/connections.py) too.
        oversized = httpx.get(f"{base}/healthz", headers={"X-Large": "a" * 20_000})
        assert oversized.status_code == 431
        assert oversized.json()["errors"][0]["extensions"]["code"] == "HEADERS_TOO_LARGE"


def test_serve_refuses_a_metrics_port_beside_workers() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graph", "serve", "--workers", "2", "--metrics-port", "9100"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--metrics-port" in result.stderr


def test_serve_refuses_a_number_of_workers_out_of_bounds() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graph", "serve", "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--workers must be 1 to 64" in result.stderr


def _children(pid: int) -> list[int]:
    tasks = f"/proc/{pid}/task"
    found: list[int] = []
    for task in os.listdir(tasks):
        with open(f"{tasks}/{task}/children", encoding="ascii") as children:
            found += [int(child) for child in children.read().split()]
    return found
