"""The graphql-http audit (npm), the GraphQL over HTTP working group's own checks, against the
demo server: every MUST and SHOULD passes; only checks of GET queries may fail, as GET stays
refused on purpose (a query in a URL would carry personnummer into logs and history). Runs where
Node.js and npm are (they fetch the pinned audit from the npm registry into build/); the same
rules are covered in Python by tests/test_over_http.py."""

from __future__ import annotations

import fcntl
import hashlib
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
        # Installed when the lock file's digest is written beside the packages, after `npm ci`
        # finished: an install that was cut off (or made by another run at the same time,
        # before this lock) is made again.
        lock_digest = hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()
        installed = WORK / "node_modules" / ".installed"
        if not installed.is_file() or installed.read_text(encoding="ascii") != lock_digest:
            subprocess.run(
                [npm, "ci", "--silent", "--no-audit", "--no-fund"],
                cwd=WORK, check=True, timeout=300,
            )  # fmt: skip
            installed.write_text(lock_digest, encoding="ascii")
    return WORK / "audit.mjs"


def test_the_graphql_http_audit_passes_every_must_and_should(audit: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port)], f"{base}/readyz"):
        audited = subprocess.run(
            ["node", str(audit), f"{base}/graphql"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert audited.returncode == 0, audited.stderr[-2000:]
    printed = audited.stdout
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
