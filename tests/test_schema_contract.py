"""The schema as a contract: `schema.graphql` is what the code serves, the command and the route
give the same, and no change breaks clients unless CHANGELOG.md says so."""

from __future__ import annotations

import subprocess
import sys

import pytest

from schema.build import schema_sdl
from tests.support import CASEWORKER, Simulator, asgi_client, facade_app, facade_env
from tests.support.schema_contract import (
    ROOT,
    breaking_changes,
    coordinate,
    last_release_sdl,
    unlisted,
)

OLD = "type Query { person(id: ID!): Person }\ntype Person { name: String, age: Int }"
NEW = "type Query { person(id: ID!): Person }\ntype Person { name: String, age: String }"


def test_schema_graphql_is_the_schema_served() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema_sdl(), (
        "schema.graphql is out of date: run `ssbtek-graphql schema > schema.graphql` and review "
        "the change (CHANGELOG.md lists what breaks clients)"
    )


def test_the_schema_command_prints_it() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "graph", "schema"], capture_output=True, text=True, timeout=60
    )
    assert printed.returncode == 0
    assert printed.stdout == schema_sdl()


@pytest.mark.parametrize(("introspection", "status"), [("true", 200), ("false", 404)])
async def test_the_route_serves_it_where_introspection_is_on(
    sim: Simulator, introspection: str, status: int
) -> None:
    app = facade_app(facade_env(sim.url, SSBTEK_INTROSPECTION=introspection))
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        response = await client.get("/graphql/schema.graphql")
        assert response.status_code == status
        if status == 200:
            assert response.headers["content-type"].startswith("application/graphql")
            assert response.text == schema_sdl()
    async with asgi_client(app) as anonymous:
        refused = await anonymous.get("/graphql/schema.graphql")
        assert refused.status_code == 401


def test_no_breaking_change_since_the_last_release_unless_listed() -> None:
    release = last_release_sdl()
    if release is None:
        pytest.skip("no release tag with schema.graphql in this checkout (git or tags missing)")
    tag, old = release
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    missing = unlisted(breaking_changes(old, schema_sdl()), changelog)
    assert missing == [], f"breaking changes since {tag} not in CHANGELOG.md: {missing}"


def test_a_breaking_change_is_found_and_must_be_listed() -> None:
    """The check itself can fail."""
    changes = breaking_changes(OLD, NEW)
    [change] = [c for c in changes if "Person.age" in c]
    assert coordinate(change) == "Person.age"
    assert coordinate("Standard scalar Int was removed because it is not referenced.") == "Int"
    assert unlisted([change], "## Unreleased\n\n### Breaking\n\n") == [change]
    listed = "## Unreleased\n\n### Breaking\n\n- `Person.age` is a String now.\n\n## 0.1.0\n"
    assert unlisted([change], listed) == []
    # Listed only under a released version is not enough.
    old_entry = "## Unreleased\n\n### Added\n\n## 0.1.0\n\n### Breaking\n\n- `Person.age`\n"
    assert unlisted([change], old_entry) == [change]
    assert breaking_changes(OLD, OLD) == []
