"""The facade's own GraphiQL page, in process: local files with their digests, one tab per use of
the schema guide, each answering with its variables, the headers editor prepared for credentials
only where they are needed, an icon, no address that carries a query, `/` leading to it; and a
clear page, never a CDN, when its files are missing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from graph.graphiql import ASSETS, digest, examples, missing_or_altered, page
from tests.support import Facade, Simulator, facade, facade_env
from tests.support.multipart import merged, payloads_of


def test_the_page_loads_only_the_facades_own_files_with_their_digests() -> None:
    html = page({"Authorization": "Bearer <token>"})
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [f"/graphiql/{asset.name}" for asset in ASSETS]
    assert sorted(sources) == sorted([*assets, "/favicon.ico"])
    for asset in ASSETS:
        assert f'integrity="sha384-{asset.sha384}"' in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    assert "history.replaceState" not in html and "location.search" not in html
    assert "Bearer <token>" in html


def test_the_tabs_are_one_per_use_of_the_schema_guide_each_named_apart() -> None:
    names = [re.match(r"\s*query (\w+)", tab["query"]).group(1) for tab in examples()]  # type: ignore[union-attr]
    assert names == [
        "Arbetssokande",
        "Svarshalsa",
        "Formaner",
        "Utbetalningsflik",
        "Manadsjamforelse",
        "Hushallet",
        "BiExport",
        "Arendevy",
    ]
    guide = Path(__file__).parent.parent / "docs" / "schema-guide.md"
    every = re.findall(r"```graphql\n\s*query (\w+)", guide.read_text(encoding="utf-8"))
    assert len(every) == len(set(every)), "an operation's name tells a tab apart"


@pytest.mark.parametrize("tab", examples(), ids=lambda tab: tab["query"].split("(")[0][6:])
def test_every_tab_answers_with_the_variables_it_opens_with(
    api: Facade, tab: dict[str, str]
) -> None:
    """Run, as the tab opens (as GraphiQL sends it, taking parts): the answer has data, and no
    error of the request itself (a variable not given, or not of its type)."""
    response = api.post(
        {"query": tab["query"], "variables": json.loads(tab["variables"])},
        accept="application/graphql-response+json, multipart/mixed",
    )
    content_type = response.headers["content-type"]
    if content_type.startswith("multipart/mixed"):
        answer = merged(payloads_of(response.content, content_type))
    else:
        answer = response.json()
    assert answer.get("data"), answer
    assert all(error.get("path") for error in answer.get("errors", [])), answer["errors"]


def test_altered_or_missing_files_are_found(tmp_path: Path) -> None:
    assert missing_or_altered(tmp_path) == [asset.name for asset in ASSETS]
    first = ASSETS[0]
    (tmp_path / first.name).write_bytes(b"not react")
    assert digest(b"not react") != first.sha384
    assert first.name in missing_or_altered(tmp_path)


def test_the_headers_editor_asks_for_credentials_only_where_they_are_needed(
    sim: Simulator,
) -> None:
    """Demo mode takes any caller: its headers editor is empty, and the variables show; behind
    a gateway it names the header to fill in."""
    with facade({"SSBTEK_AUDIT_FILE": "/dev/null"}) as demo:
        shown = _page_settings(demo)
    assert (shown["headers"], shown["tools"]) == ("", "variables")
    with facade(facade_env(sim.url, SSBTEK_GRAPHIQL="true")) as gateway:
        shown = _page_settings(gateway)
    assert json.loads(shown["headers"]) == {"X-Handlaggare": "<kontonamn>"}
    assert shown["tools"] == "headers"


def _page_settings(api: Facade) -> dict[str, Any]:
    """What the served GraphiQL page starts with (its `settings`)."""
    html = api.request("GET", "/graphql", headers={"accept": "text/html"}).text
    return json.loads(re.search(r"const settings = (\{.*?\});\n", html).group(1))  # type: ignore[union-attr]


def test_the_page_has_an_icon() -> None:
    with facade({"SSBTEK_AUDIT_FILE": "/dev/null"}) as demo:
        icon = demo.request("GET", "/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")


def test_root_leads_to_graphiql_and_files_are_served_by_name_only() -> None:
    with facade({"SSBTEK_AUDIT_FILE": "/dev/null"}) as demo:
        home = demo.request("GET", "/", follow_redirects=False)
        assert home.status_code == 307 and home.headers["location"] == "/graphql"
        ide = demo.request("GET", "/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 200 and "/graphiql/graphiql.min.js" in ide.text
        script = demo.request("GET", "/graphiql/react.production.min.js")
        assert script.status_code == 200
        assert digest(script.content) == ASSETS[0].sha384
        assert "immutable" in script.headers["cache-control"]
        for name in ("nope.js", "..%2Fpyvenv.cfg", "graphiql.min.js.map"):
            assert demo.request("GET", f"/graphiql/{name}").status_code == 404


def test_without_its_files_graphiql_says_so_and_loads_nothing(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSBTEK_GRAPHIQL_ASSETS", str(tmp_path))
    with facade(facade_env(sim.url, SSBTEK_GRAPHIQL="true")) as api:
        ide = api.request("GET", "/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 503
        assert "python -m graph.graphiql fetch" in ide.text
        assert "<script" not in ide.text
        assert api.request("GET", "/graphiql/graphiql.min.js").status_code == 404


def test_without_graphiql_root_is_not_found(sim: Simulator) -> None:
    with facade(facade_env(sim.url, SSBTEK_GRAPHIQL="false")) as api:
        assert api.request("GET", "/", follow_redirects=False).status_code == 404
