"""What the docs say is served is what the applications serve, both ways: every endpoint a table
in the docs lists is a route the facade (or, in `simulator.md`, the simulator) answers; every
route the facade answers in some configuration is in `operations.md`'s Endpoints table, whose row
says when it answers 404; and no sentence says there is no `/x` for a path that is served."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from graph.app import create_app
from graph.graphiql import BY_NAME as GRAPHIQL_ASSETS
from graph.settings import load_settings
from simulator.app import create_app as create_simulator
from tests.support import asgi_client

ROOT = Path(__file__).parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
OPERATIONS = ROOT / "docs" / "operations.md"
# A table row whose first cell names an endpoint: `GET /path`, or a path alone.
ENDPOINT_ROW = re.compile(r"^\| `(?:([A-Z]+) )?(/[^`?\s]*)[^`]*` \|(.*)$", re.M)
# Sentences that say a path is not served.
NOT_SERVED = (
    re.compile(r"\b[Nn]o `(/[^`\s]*)` endpoint"),
    re.compile(r"\([Nn]o `(/[^`\s]*)`\)"),
    re.compile(r"\b[Tt]here is no `(/[^`\s]*)`"),
    re.compile(r"\b[Nn]othing serves `(/[^`\s]*)`"),
    re.compile(r"`(/[^`\s]*)` does not exist"),
)
# The facade in demo mode with everything that can be switched on, and with it all off
# (`serve --metrics-port` serves `/metrics` on a port of its own: `metrics_route=False`).
ALL_ON: dict[str, str] = {}
ALL_OFF = {"SSBTEK_METRICS": "false", "SSBTEK_GRAPHIQL": "false", "SSBTEK_INTROSPECTION": "false"}


def template(path: str) -> str:
    """A route's path as the docs write it: `{name}` and `{path:path}` as `<name>`, `<path>`."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", r"<\1>", path)


def routes(app: Starlette) -> set[tuple[str, str]]:
    """(method, path) of every route, HEAD included where Starlette adds it to GET."""
    return {
        (method, template(route.path))
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
    }


def documented(text: str) -> dict[tuple[str, str], str]:
    """The endpoint rows of a document's tables: (method, path) to the rest of the row. A row
    without a method (`| /metrics | …`) stands for GET."""
    return {(method or "GET", path): rest for method, path, rest in ENDPOINT_ROW.findall(text)}


def example(path: str) -> str:
    """A path that the route template matches: one of GraphiQL's own files for `<name>`."""
    return path.replace("<name>", next(iter(GRAPHIQL_ASSETS)))


async def answers_404(app: Starlette, method: str, path: str) -> bool:
    """Whether the app answers this request, bodiless and without credentials, with 404."""
    async with asgi_client(app) as client:
        return (await client.request(method, example(path))).status_code == 404


def facade(environ: dict[str, str], metrics_route: bool = True) -> Starlette:
    """The facade in demo mode with these settings."""
    return create_app(load_settings(environ), metrics_route=metrics_route)


@pytest.fixture(scope="module")
def configurations() -> list[Starlette]:
    """The facade with everything on, with everything off, and without `/metrics` on its port."""
    return [facade(ALL_ON), facade(ALL_OFF), facade(ALL_ON, metrics_route=False)]


async def served(apps: list[Starlette]) -> dict[tuple[str, str], list[bool]]:
    """Each route of the facade (HEAD aside) and, per configuration, whether it answers 404."""
    found: dict[tuple[str, str], list[bool]] = {}
    for app in apps:
        for method, path in routes(app) - {(m, p) for m, p in routes(app) if m == "HEAD"}:
            found.setdefault((method, path), []).append(await answers_404(app, method, path))
    return found


async def test_every_route_the_facade_answers_is_in_the_endpoint_table(
    configurations: list[Starlette],
) -> None:
    """A route answered in some configuration has a row; one that answers 404 in another says
    so in its row. A route that answers 404 everywhere is served nowhere."""
    table = documented(OPERATIONS.read_text(encoding="utf-8"))
    for endpoint, not_found in (await served(configurations)).items():
        assert not all(not_found), f"{endpoint} is routed but answers 404 in every configuration"
        assert endpoint in table, f"{endpoint} is served but not in operations.md, Endpoints"
        if any(not_found):
            assert "404" in table[endpoint], f"{endpoint} can answer 404: its row must say when"


@pytest.mark.parametrize("metrics", ["true", "false"])
async def test_metrics_is_served_as_its_row_says(metrics: str) -> None:
    """`/metrics` answers Prometheus' text when on, 404 when `SSBTEK_METRICS=false`; its row
    names the setting."""
    app = facade({"SSBTEK_METRICS": metrics})
    async with asgi_client(app) as client:
        response = await client.get("/metrics")
    if metrics == "true":
        assert response.status_code == 200
        assert "ssbtek_graphql_operations_total" in response.text
    else:
        assert response.status_code == 404
    assert (
        "SSBTEK_METRICS" in documented(OPERATIONS.read_text(encoding="utf-8"))[("GET", "/metrics")]
    )


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
async def test_every_documented_endpoint_is_served(
    doc: Path, configurations: list[Starlette]
) -> None:
    """Each endpoint row of every doc names a route: the simulator's in `simulator.md`, the
    facade's elsewhere, answered (not 404) in at least one configuration."""
    if doc.name == "simulator.md":
        simulator = create_simulator()
        for endpoint in documented(doc.read_text(encoding="utf-8")):
            assert endpoint in routes(simulator), f"{doc.name} lists {endpoint}, not served"
        return
    answered = {e for e, not_found in (await served(configurations)).items() if not all(not_found)}
    for endpoint in documented(doc.read_text(encoding="utf-8")):
        assert endpoint in answered | {("HEAD", p) for _, p in answered}, (
            f"{doc.name} lists {endpoint}, which the facade does not serve"
        )


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_no_doc_says_a_served_path_is_missing(doc: Path) -> None:
    """'There is no `/metrics` endpoint', '(no `/metrics`)' and the like name no path that a
    route serves."""
    app = create_simulator() if doc.name == "simulator.md" else facade(ALL_ON)
    paths = {path for _, path in routes(app)}
    text = " ".join(doc.read_text(encoding="utf-8").split())  # sentences across line breaks
    claims = [found.group(0) for rule in NOT_SERVED for found in rule.finditer(text)]
    wrong = [claim for claim in claims if re.search(r"`(/[^`\s]*)`", claim).group(1) in paths]
    assert wrong == [], f"{doc.name} says these are not served, but they are: {wrong}"


def test_the_rules_read_what_the_docs_write() -> None:
    """The checks above are not empty: the endpoint tables of operations.md and simulator.md
    are read, and each rule for "not served" finds the sentence it is written for."""
    assert len(documented(OPERATIONS.read_text(encoding="utf-8"))) >= 5
    assert len(documented((OPERATIONS.parent / "simulator.md").read_text(encoding="utf-8"))) >= 3
    samples = (
        "no `/x` endpoint",
        "(no `/x`)",
        "There is no `/x` here",
        "Nothing serves `/x`",
        "`/x` does not exist",
    )
    for rule, sample in zip(NOT_SERVED, samples, strict=True):
        assert rule.search(sample), (rule.pattern, sample)
