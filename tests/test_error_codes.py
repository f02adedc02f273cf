"""Every error code is a member of one enum, `resolvers/codes.py ErrorCode`: the facade's code
writes none of them anywhere else, and the schema guide tells clients about each one once."""

from __future__ import annotations

import re
from pathlib import Path

from resolvers.codes import ErrorCode

ROOT = Path(__file__).resolve().parent.parent
CODES = {code.value for code in ErrorCode}
_LITERAL = re.compile(r"""["']([A-Z][A-Z_]+)["']""")


def test_no_module_writes_a_code_but_the_enum() -> None:
    written = [
        f"{path.relative_to(ROOT)}:{number}: {literal}"
        for layer in ("graph", "schema", "resolvers")
        for path in sorted((ROOT / layer).rglob("*.py"))
        if path != ROOT / "resolvers" / "codes.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for literal in _LITERAL.findall(line)
        if literal in CODES
    ]
    assert written == []


def test_the_schema_guide_names_each_code_once() -> None:
    guide = (ROOT / "docs" / "schema-guide.md").read_text(encoding="utf-8")
    section = re.search(r"^## Error codes\n(.*?)(?=^## )", guide, re.M | re.S)
    assert section, "docs/schema-guide.md has no section '## Error codes'"
    rows = re.findall(r"^\| `([A-Z_]+)` \|", section.group(1), re.M)
    assert sorted(rows) == sorted(CODES)
