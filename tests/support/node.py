"""Node.js projects that tests run against the facade (graphql-http's audit, graphql-codegen,
Apollo Client): each a folder under tests/ with its package.json and a package-lock.json that
pins every package with its integrity digest, installed from the npm registry with `npm ci`
into build/<folder>. A test that needs one is skipped where Node.js or npm is not installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent


def node_project(folder: str, files: tuple[str, ...], otherwise: str) -> Path:
    """tests/<folder> installed in build/<folder> (again when its lock file changed), with its
    `files` (files or folders) copied afresh; the test is skipped, saying what covers it
    `otherwise`, where Node.js or npm is missing."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip(f"Node.js and npm are not installed: {otherwise}")
    source, work = ROOT / "tests" / folder, ROOT / "build" / folder
    work.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", *files):
        if (source / name).is_dir():
            shutil.rmtree(work / name, ignore_errors=True)  # nothing made there before stays
            shutil.copytree(source / name, work / name)
        else:
            shutil.copyfile(source / name, work / name)
    lock = (source / "package-lock.json").read_bytes()
    installed = work / "node_modules" / ".installed-lock.json"
    if not installed.is_file() or installed.read_bytes() != lock:
        subprocess.run(
            [npm, "ci", "--silent", "--no-audit", "--no-fund"],
            cwd=work, check=True, timeout=600,
        )  # fmt: skip
        installed.write_bytes(lock)
    return work
