"""The documentation states what the code does."""

from __future__ import annotations

from pathlib import Path

from schema.lefi_fields import FK_FIELDS, PM_FIELDS

DOCS = Path(__file__).parent.parent / "docs"


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
