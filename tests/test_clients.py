"""docs/clients.md's Python example (gql over httpx) runs as written against the demo server, and
its scalar mappings name every scalar of the schema."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from schema.build import build_schema
from tests.support import command, free_port

GUIDE = Path(__file__).parent.parent / "docs" / "clients.md"


def test_the_gql_example_runs_against_the_demo_server() -> None:
    code = re.search(r"```python\n(.*?)\n```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert code is not None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with command(["serve", "--port", str(port)], f"{base}/readyz"):
        printed = subprocess.run(
            [sys.executable, "-c", code.group(1)],
            env={**os.environ, "FACADE_URL": f"{base}/graphql"},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    rows = [line.split() for line in printed.stdout.splitlines()]
    assert {(month, source) for month, source, _ in rows} == {
        (month, source)
        for month in ("2026-04", "2026-05", "2026-06")
        for source in ("FK", "AKASSA")
    }


def test_every_custom_scalar_has_its_mapping_documented() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    schema = build_schema().graphql_schema
    custom = {
        name for name, kind in schema.type_map.items()
        if kind.__class__.__name__ == "GraphQLScalarType"
        and name not in ("String", "Int", "Float", "Boolean", "ID")
    }  # fmt: skip
    assert custom == {"Date", "DateTime", "Decimal", "Personnummer"}
    for name in custom:
        assert f"| `{name}` |" in text
        assert f"{name}: " in text  # in the codegen config
        assert f"ariadne-codegen.scalars.{name}]" in text  # in the ariadne-codegen config
