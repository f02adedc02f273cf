"""The graphql-http audit (npm), the GraphQL over HTTP working group's own checks, against the
demo server: every MUST and SHOULD passes; only checks of GET queries may fail, as GET stays
refused on purpose (a query in a URL would carry personnummer into logs and history). Runs where
Node.js and npm are (they fetch the pinned audit from the npm registry into build/); the same
rules are covered in Python by tests/test_over_http.py."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import command, free_port

HERE = Path(__file__).parent / "graphql_http"
WORK = Path(__file__).parent.parent / "build" / "graphql-http"


@pytest.fixture(scope="module")
def audit() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed: tests/test_over_http.py covers the rules")
    WORK.mkdir(parents=True, exist_ok=True)
    # Another run of the suite in this checkout may be installing or running it at the same
    # time: one installs at a time, and a file is written only when it changed, so that a run
    # never reads one half written.
    with (WORK.parent / "graphql-http.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name in ("package.json", "package-lock.json", "audit.mjs"):
            wanted = (HERE / name).read_bytes()
            if not (WORK / name).is_file() or (WORK / name).read_bytes() != wanted:
                (WORK / name).write_bytes(wanted)
        if not (WORK / "node_modules" / "graphql-http").is_dir():
            subprocess.run(
                [npm, "ci", "--silent", "--no-audit", "--no-fund"],
                cwd=WORK, check=True, timeout=300,
            )  # fmt: skip
    return WORK / "audit.mjs"


def test_the_graphql_http_audit_passes_every_must_and_should(audit: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port)], f"{base}/readyz"):
        printed = subprocess.run(
            ["node", str(audit), f"{base}/graphql"],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip
    results = [json.loads(line) for line in printed.splitlines() if line.strip()]
    assert len(results) > 40
    failed = [
        r for r in results
        if r["status"] in ("warn", "error") and "GET" not in r["name"]
    ]  # fmt: skip
    assert failed == []
    assert {r["status"] for r in results} <= {"ok", "notice"}, [
        r for r in results if r["status"] not in ("ok", "notice")
    ]
