"""The documentation states what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from resolvers.agencies import Agency
from schema.lefi_fields import FK_FIELDS, PM_FIELDS

DOCS = Path(__file__).parent.parent / "docs"
ROOT = DOCS.parent
# A path of the project, and the name after it that it holds (`graph/app.py create_app`,
# `resolvers/loader.py Upstream.fetch`): a name with a capital, an underscore or a dot.
_PATH = re.compile(
    r"\b((?:graph|schema|resolvers|simulator|tests|bench|docs|scripts|deploy)/[\w./<>-]*\w/?)"
    r"(?:[ \t\n]+([A-Za-z_]*(?:[A-Z_.])[\w.]*))?"
)
_DOC = re.compile(r"`([\w-]+\.md)`")


def test_the_lefi_field_map_is_documented_as_coded() -> None:
    text = (DOCS / "lefi-fields.md").read_text(encoding="utf-8")
    for field in FK_FIELDS:
        codes = ", ".join(field.codes) if field.codes else "every FK group"
        row = f"| `{field.name}` | `{field.source}` | `{field.information_class}` | {codes}"
        assert row in text, row
    for field in PM_FIELDS:
        assert f"| `{field.name}` |" in text and f"`{field.information_class}`" in text


def test_no_file_holds_a_merge_conflict_marker() -> None:
    """A merge left half done shows as `<<<<<<<`/`>>>>>>>` lines: none in the docs or the code."""
    root = DOCS.parent
    files = [*root.glob("*.md"), *DOCS.glob("*.md")]
    for package in ("graph", "schema", "resolvers", "simulator", "tests", "bench", "scripts"):
        files += (root / package).rglob("*.py")
    marked = [
        f"{path.relative_to(root)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith(("<<<<<<< ", ">>>>>>> "))
    ]
    assert marked == []


def test_every_module_the_architecture_names_exists_and_holds_what_it_names() -> None:
    """`docs/architecture.md` points to modules rather than restating them: each path it names
    is there (for each agency where it says `<name>`), and so is each name it gives after one."""
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    named = _PATH.findall(text)
    assert len(named) > 50
    missing = []
    for path, symbol in named:
        for each in {path.replace("<name>", agency.module_name) for agency in Agency}:
            where = ROOT / each.rstrip(".")
            if not where.exists():
                missing.append(each)
            elif symbol and where.is_file():
                source = where.read_text(encoding="utf-8")
                parts = [part for part in symbol.rstrip(".").split(".") if part]
                missing += [
                    f"{each} {part}" for part in parts if not re.search(rf"\b{part}\b", source)
                ]
    missing += [d for d in _DOC.findall(text) if not ((DOCS / d).exists() or (ROOT / d).exists())]
    assert missing == []
