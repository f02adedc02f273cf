"""Node.js projects that tests run against the facade (graphql-http's audit, graphql-codegen,
Apollo Client, urql): each a folder under tests/ with its package.json and a package-lock.json that
pins every package with its integrity digest, installed from the npm registry with `npm ci`
into build/<folder>. A test that needs one is skipped where Node.js or npm is not installed."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent


def node_project(folder: str, files: tuple[str, ...], otherwise: str) -> Path:
    """tests/<folder> installed in build/<folder> (again when its lock file changed, or when an
    install was cut off), with its `files` (files or folders) copied where they changed; the
    test is skipped, saying what covers it `otherwise`, where Node.js or npm is missing.

    Another run of the suite in this checkout may install or run the same project at the same
    time: one installs at a time (a file lock), and a file is written only when it changed, so
    that a run never reads one half written."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip(f"Node.js and npm are not installed: {otherwise}")
    source, work = ROOT / "tests" / folder, ROOT / "build" / folder
    work.mkdir(parents=True, exist_ok=True)
    with (work.parent / f"{folder}.lock").open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        for name in ("package.json", "package-lock.json", *files):
            sources = [source / name] if (source / name).is_file() else [
                path for path in sorted((source / name).rglob("*")) if path.is_file()
            ]  # fmt: skip
            for path in sources:
                target = work / path.relative_to(source)
                wanted = path.read_bytes()
                if not target.is_file() or target.read_bytes() != wanted:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(wanted)
        # Installed when the lock file is written beside the packages, after `npm ci` finished:
        # an install that was cut off is made again.
        lock = (source / "package-lock.json").read_bytes()
        installed = work / "node_modules" / ".installed-lock.json"
        if not installed.is_file() or installed.read_bytes() != lock:
            subprocess.run(
                [npm, "ci", "--silent", "--no-audit", "--no-fund"],
                cwd=work, check=True, timeout=600,
            )  # fmt: skip
            installed.write_bytes(lock)
    return work
