"""The lock files are in step with pyproject.toml: every requirement pinned by a version it
allows, every pin with its hashes, nothing left over from a requirement that is gone, the
runtime lock the dev lock's runtime part, and this environment installed from the dev lock
(README, Updating the dependencies: `make lock`)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = [Requirement(text) for text in PROJECT["dependencies"]]
DEV = RUNTIME + [Requirement(text) for text in PROJECT["optional-dependencies"]["dev"]]
LOCKS = {"requirements.lock": RUNTIME, "requirements-dev.lock": DEV}
# One entry: `name==version`, then its hashes and `via` comments up to the next entry.
ENTRY = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)(?P<rest>.*?)(?=^\S|\Z)", re.M | re.S
)
FROM_PROJECT = "ssbtek-graphql (pyproject.toml)"


def pins(lock: str) -> dict[str, tuple[str, str]]:
    """Each package of `lock` by its canonical name: its pinned version and the text after it
    (hashes and the `via` comments)."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {canonicalize_name(m["name"]): (m["version"], m["rest"]) for m in ENTRY.finditer(text)}


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_requirement_is_pinned_by_a_version_it_allows(lock: str) -> None:
    pinned = pins(lock)
    for requirement in LOCKS[lock]:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} is not in {lock}: run `make lock`"
        version = pinned[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, which {requirement} does not allow: run `make lock`"
        )


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_has_its_hashes_and_none_is_left_over(lock: str) -> None:
    pinned = pins(lock)
    assert len(pinned) > len(LOCKS[lock])
    for name, (_version, rest) in pinned.items():
        assert "--hash=sha256:" in rest, f"{name} in {lock} has no hash"
    # What the lock says came from pyproject.toml is exactly what pyproject.toml requires.
    direct = {name for name, (_v, rest) in pinned.items() if FROM_PROJECT in rest}
    assert direct == {canonicalize_name(r.name) for r in LOCKS[lock]}, "run `make lock`"


def test_the_runtime_lock_is_the_dev_locks_runtime_part() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {n: v for n, (v, _) in runtime.items()} == {n: dev[n][0] for n in runtime}


def test_this_environment_was_installed_from_the_dev_lock() -> None:
    """What the tests run on is what the lock pins (make test installs from it)."""
    wrong = {}
    for name, (version, _rest) in pins("requirements-dev.lock").items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert wrong == {}, (
        "installed packages differ from requirements-dev.lock: run `make clean test`"
    )


def test_the_fast_path_s_libraries_are_pinned_exactly() -> None:
    """schema/execution.py builds on graphql-core's and strawberry's internals."""
    exact = {canonicalize_name(r.name): str(r.specifier) for r in RUNTIME}
    assert exact["graphql-core"].startswith("==") and exact["strawberry-graphql"].startswith("==")
