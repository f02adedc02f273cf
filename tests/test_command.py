"""The `ssbtek-graphql` command as `make run` uses it: demo mode answers with GraphiQL."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support import command, eventually, free_port
from tests.support.waiting import GIVE_UP_S


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


def test_each_worker_listens_on_its_own_socket_and_new_connections_are_spread() -> None:
    """`serve --workers 2`: two listening sockets on the port, one in each worker; 24
    connections opened at once are accepted by both workers (with one shared socket, the worker
    that woke first accepted the whole burst), and a worker that dies is replaced on its
    socket."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The burst's connections send nothing: they must outlast the head deadline (5 s by default)
    # while the second worker may still be starting on a busy machine, or the first worker's
    # are closed before the second accepts its own and the 24 are never held at once.
    held = {"SSBTEK_HEADER_TIMEOUT_S": str(GIVE_UP_S * 2)}
    with command(
        ["serve", "--port", str(port), "--workers", "2"], f"{base}/readyz", held
    ) as process:
        workers = _workers_listening(process.pid, port, 2)
        assert sorted(len(set(sockets)) for sockets in workers.values()) == [1, 1]
        assert len({tuple(sockets) for sockets in workers.values()}) == 2, "each its own"
        burst = [socket.create_connection(("127.0.0.1", port)) for _ in range(24)]
        try:
            served: dict[int, int] = {}

            def all_accepted() -> bool:
                served.clear()
                served.update(_connections_served(port, set(workers)))
                return sum(served.values()) == len(burst)

            assert eventually(all_accepted), served
            assert set(served) == set(workers), served
        finally:
            for connection in burst:
                connection.close()
        dead = next(iter(workers))
        os.kill(dead, signal.SIGKILL)
        replaced = _workers_listening(process.pid, port, 2, without=dead)
        assert sorted(replaced.values()) == sorted(workers.values())  # the very sockets


def _socket_inodes(pid: int) -> set[str]:
    """The inodes of a process's sockets (Linux)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _tcp(port: int, state: str) -> set[str]:
    """The inodes of the loopback TCP sockets on local `port` in `state` (0A listening, 01
    established)."""
    with open("/proc/net/tcp", encoding="ascii") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return {row[9] for row in rows if row[1] == f"0100007F:{port:04X}" and row[3] == state}


def _workers_listening(
    supervisor: int, port: int, count: int, without: int | None = None
) -> dict[int, list[str]]:
    """Each worker's listening sockets on `port`, once `count` workers (none of them `without`)
    listen."""
    found: dict[int, list[str]] = {}

    def listening() -> bool:
        found.clear()
        listeners = _tcp(port, "0A")
        for pid in _children(supervisor):
            try:
                # A worker once it runs multiprocessing's spawn_main: between the supervisor's
                # fork and the exec, a child still holds every socket of the supervisor.
                if b"spawn_main" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                own = sorted(_socket_inodes(pid) & listeners)
            except OSError:  # gone meanwhile
                continue
            if own and pid != without:
                found[pid] = own
        return len(found) == count

    assert eventually(listening, give_up_s=120), found
    return dict(found)


def _connections_served(port: int, workers: set[int]) -> dict[int, int]:
    """How many established connections on local `port` each worker has accepted."""
    established = _tcp(port, "01")
    served: dict[int, int] = {}
    for pid in workers:
        held = len(_socket_inodes(pid) & established)
        if held:
            served[pid] = held
    return served


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
