"""The facade's own GraphiQL page, in process: local files with their digests, the examples as
tabs, the headers editor prepared for credentials, no address that carries a query, `/` leading
to it; and a clear page, never a CDN, when its files are missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.graphiql import ASSETS, digest, examples, missing_or_altered, page
from tests.support import Simulator, facade, facade_env


def test_the_page_loads_only_the_facades_own_files_with_their_digests() -> None:
    html = page({"Authorization": "Bearer <token>"})
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(sources) == sorted(f"/graphiql/{asset.name}" for asset in ASSETS)
    for asset in ASSETS:
        assert f'integrity="sha384-{asset.sha384}"' in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    assert "history.replaceState" not in html and "location.search" not in html
    assert "Bearer <token>" in html


def test_the_examples_of_the_schema_guide_become_tabs() -> None:
    tabs = examples()
    assert len(tabs) >= 15
    assert all(tab["query"].lstrip().startswith("query ") for tab in tabs)
    payment_tab = next(tab for tab in tabs if "Utbetalningsflik" in tab["query"])
    assert '"pnr": "198503151238"' in payment_tab["variables"]


def test_altered_or_missing_files_are_found(tmp_path: Path) -> None:
    assert missing_or_altered(tmp_path) == [asset.name for asset in ASSETS]
    first = ASSETS[0]
    (tmp_path / first.name).write_bytes(b"not react")
    assert digest(b"not react") != first.sha384
    assert first.name in missing_or_altered(tmp_path)


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
