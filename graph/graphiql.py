"""GraphiQL served by the facade itself: offline, private, and opening on the project's examples.

Its seven files (React, ReactDOM, js-cookie, GraphiQL's script and style, the explorer plugin's
script and style) come from the npm registry at install time (`make` runs `python -m
graph.graphiql fetch`, which uses `npm pack`), pinned to versions and checked against their
SHA-384 digests, into `<venv>/share/ssbtek-graphql/graphiql` (or `SSBTEK_GRAPHIQL_ASSETS`).
Nothing of them is in the repository and no browser ever fetches them from a CDN. The page
never writes the query into the address bar (a personnummer there would end up in history,
bookmarks and screenshots), keeps nothing in the browser's storage (tabs, history and variables
live in memory for the page's life), opens with one tab per use of `docs/schema-guide.md` (the
examples marked `<!-- GraphiQL tab -->`), each with its variables, and has its headers editor
prepared for the caller's credentials: empty in demo mode, else with a placeholder that the page
never sends."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from graph.auth import AuthMode
from graph.http_errors import not_found


@dataclass(frozen=True)
class Asset:
    """One GraphiQL file: where it comes from and what it must be."""

    name: str  # served as /graphiql/<name>
    package: str
    version: str
    path: str  # inside the package
    sha384: str  # base64, as in a browser's `integrity`


ASSETS = (
    Asset("react.production.min.js", "react", "18.2.0", "umd/react.production.min.js",
          "tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8"),
    Asset("react-dom.production.min.js", "react-dom", "18.2.0", "umd/react-dom.production.min.js",
          "bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh"),
    Asset("js.cookie.min.js", "js-cookie", "3.0.5", "dist/js.cookie.min.js",
          "/vxhYfM1LENRhdpZ8dwEsQn/X4VhpbEZSiU4m/FwR+PVpzar4fkEOw8FP9Y+OfQN"),
    Asset("graphiql.min.css", "graphiql", "3.8.3", "graphiql.min.css",
          "Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM"),
    Asset("graphiql.min.js", "graphiql", "3.8.3", "graphiql.min.js",
          "HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie"),
    Asset("explorer.css", "@graphiql/plugin-explorer", "1.0.2", "dist/style.css",
          "5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi"),
    Asset("explorer.umd.js", "@graphiql/plugin-explorer", "1.0.2", "dist/index.umd.js",
          "2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9"),
)  # fmt: skip
BY_NAME = {asset.name: asset for asset in ASSETS}
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
GUIDE = Path(__file__).parent.parent / "docs" / "schema-guide.md"


def assets_dir() -> Path:
    """Where the assets are: `SSBTEK_GRAPHIQL_ASSETS`, or this environment's share directory."""
    configured = os.environ.get("SSBTEK_GRAPHIQL_ASSETS")
    return Path(configured) if configured else Path(sys.prefix) / "share/ssbtek-graphql/graphiql"


def digest(data: bytes) -> str:
    """The SHA-384 digest of `data`, base64, as a browser's `integrity` attribute has it."""
    return base64.b64encode(hashlib.sha384(data).digest()).decode()


def missing_or_altered(directory: Path) -> list[str]:
    """The assets that are not in `directory` as pinned (absent, or another digest)."""
    wrong = []
    for asset in ASSETS:
        path = directory / asset.name
        if not path.is_file() or digest(path.read_bytes()) != asset.sha384:
            wrong.append(asset.name)
    return wrong


def fetch(directory: Path) -> None:
    """Get the pinned assets from the npm registry (`npm pack`, which checks the registry's
    own integrity), check each against its pinned digest, and put them in `directory`."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch GraphiQL's assets (Debian: apt-get install npm)")
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for spec in sorted({f"{a.package}@{a.version}" for a in ASSETS}):
            subprocess.run(
                [npm, "pack", spec, "--pack-destination", work, "--silent"],
                check=True, cwd=work, stdout=subprocess.DEVNULL, timeout=300,
            )  # fmt: skip
        for asset in ASSETS:
            tarball = Path(work) / _tarball_name(asset)
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(f"package/{asset.path}")
                if member is None:
                    raise SystemExit(f"{asset.package}@{asset.version} has no {asset.path}")
                data = member.read()
            if digest(data) != asset.sha384:
                raise SystemExit(
                    f"{asset.package}@{asset.version} {asset.path} is not the pinned file"
                )
            (directory / asset.name).write_bytes(data)


def _tarball_name(asset: Asset) -> str:
    return f"{asset.package.lstrip('@').replace('/', '-')}-{asset.version}.tgz"


TAB_MARK = "<!-- GraphiQL tab -->"


def examples(guide: Path = GUIDE) -> list[dict[str, str]]:
    """The examples of the schema guide marked as GraphiQL tabs (`TAB_MARK` on the line before
    the operation), each with the variables given after it ("Variables …:" and a JSON block)."""
    if not guide.is_file():
        return []
    text = guide.read_text(encoding="utf-8")
    found = []
    mark = re.escape(TAB_MARK)
    marked = mark + r"\n```graphql\n(.*?)\n```(.*?)(?=" + mark + r"|```graphql|\Z)"
    for match in re.finditer(marked, text, re.S):
        given = re.search(r"\nVariables\b.*?:\n+```json\n(.*?)\n```", match.group(2), re.S)
        found.append({"query": match.group(1), "variables": given.group(1) if given else ""})
    return found


def editor_headers(mode: AuthMode) -> dict[str, str]:
    """What GraphiQL's headers editor starts with in every tab: where the caller's identity goes,
    with a placeholder in angle brackets that the page never sends; nothing in demo mode, which
    takes any caller."""
    if mode is AuthMode.GATEWAY:
        return {"X-Handlaggare": "<kontonamn>"}
    if mode is AuthMode.JWT:
        return {"Authorization": "Bearer <token>"}
    return {}


# The page's icon (browsers ask for /favicon.ico by themselves).
FAVICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    b'<rect width="32" height="32" rx="6" fill="#1d4f91"/>'
    b'<path d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z" fill="none" stroke="#fff" stroke-width="2.5"/>'
    b'<circle cx="16" cy="16" r="3.5" fill="#fff"/></svg>'
)


async def favicon(_request: Request) -> Response:
    """`/favicon.ico`: the page's icon, an SVG."""
    return Response(
        FAVICON, media_type="image/svg+xml", headers={"cache-control": "public, max-age=86400"}
    )


async def asset(served: bool, request: Request) -> Response:
    """`/graphiql/{name}`: one of GraphiQL's pinned files, while the page is `served`."""
    pinned = BY_NAME.get(request.path_params["name"])
    if pinned is None or not served:
        return not_found()
    return FileResponse(
        assets_dir() / pinned.name,
        media_type=MEDIA_TYPES[Path(pinned.name).suffix],
        headers={"cache-control": "public, max-age=31536000, immutable"},
    )


def page(headers: dict[str, str], base: str = "/graphiql") -> str:
    """The GraphiQL page: local assets with their digests, the examples as tabs, `headers` in
    the headers editor of every tab, and no URL that ever holds the query."""
    tags = []
    for asset in ASSETS:
        url = html.escape(f"{base}/{asset.name}")
        integrity = f'integrity="sha384-{asset.sha384}" crossorigin="anonymous"'
        if asset.name.endswith(".css"):
            tags.append(f'<link rel="stylesheet" href="{url}" {integrity} />')
        else:
            tags.append(f'<script src="{url}" {integrity}></script>')
    settings = json.dumps(
        {
            "tabs": examples(),
            "headers": json.dumps(headers, indent=2) if headers else "",
            # The editor shown below the query: the headers where credentials are to be given.
            "tools": "headers" if headers else "variables",
        },
        ensure_ascii=False,
    ).replace("</", "<\\/")
    return _PAGE.replace("{{ assets }}", "\n    ".join(tags)).replace("{{ settings }}", settings)


_PAGE = """<!doctype html>
<html lang="sv">
  <head>
    <meta charset="utf-8" />
    <title>ssbtek-graphql · GraphiQL</title>
    <meta name="referrer" content="no-referrer" />
    <link rel="icon" href="/favicon.ico" type="image/svg+xml" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
    {{ assets }}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script>
      // The facade's own page: the query is never put in the address bar, nothing is stored
      // in the browser, and every request stays on this origin.
      const settings = {{ settings }};
      const send = GraphiQL.createFetcher({ url: "/graphql" });
      // A header whose value still holds a placeholder in angle brackets is not sent: the
      // request goes without it, and the answer says what is missing.
      const placeholder = /<[^<>]*>/;
      const fetcher = (params, options) => {
        const headers = Object.entries((options && options.headers) || {});
        const given = headers.filter(([, value]) => !placeholder.test(String(value)));
        return send(params, { ...options, headers: Object.fromEntries(given) });
      };
      const explorer = GraphiQLPluginExplorer.explorerPlugin();
      const tabs = settings.tabs.map((tab) => ({
        query: tab.query,
        variables: tab.variables,
        headers: settings.headers,
      }));
      // GraphiQL keeps tabs, queries, variables and history in the storage it is given: here a
      // memory that ends with the page, so no personnummer stays on a shared computer.
      const kept = new Map();
      const storage = {
        getItem: (key) => (kept.has(key) ? kept.get(key) : null),
        setItem: (key, value) => { kept.set(key, String(value)); },
        removeItem: (key) => { kept.delete(key); },
        clear: () => { kept.clear(); },
        get length() { return kept.size; },
      };
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, {
          fetcher,
          plugins: [explorer],
          defaultTabs: tabs.length ? tabs : undefined,
          // GraphiQL 3.8 opens the first tab with its query but an empty variables editor
          // (switching tabs and back fills it): it is given here.
          variables: tabs.length ? tabs[0].variables : undefined,
          defaultHeaders: settings.headers,
          shouldPersistHeaders: false,
          storage,
          isHeadersEditorEnabled: true,
          defaultEditorToolsVisibility: settings.tools,
        }),
      );
    </script>
  </body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    """`python -m graph.graphiql fetch [DIR]`: get the assets; `check [DIR]`: are they there."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("fetch", "check"):
        print("usage: python -m graph.graphiql fetch|check [DIR]", file=sys.stderr)
        return 2
    directory = Path(args[1]) if len(args) > 1 else assets_dir()
    if args[0] == "fetch" and missing_or_altered(directory):
        fetch(directory)
    wrong = missing_or_altered(directory)
    if wrong:
        print(f"GraphiQL's assets are missing or altered in {directory}: {wrong}", file=sys.stderr)
        return 1
    print(f"GraphiQL's assets are in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
