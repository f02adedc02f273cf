"""The schema as a contract: breaking changes between two SDLs, and whether `CHANGELOG.md`
lists each under its "Unreleased" heading."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from graphql import build_schema, find_breaking_changes

ROOT = Path(__file__).parent.parent.parent


def breaking_changes(old_sdl: str, new_sdl: str) -> list[str]:
    """graphql-core's breaking changes from `old_sdl` to `new_sdl`, as sentences."""
    return [
        change.description
        for change in find_breaking_changes(build_schema(old_sdl), build_schema(new_sdl))
    ]


def unreleased_breaking(changelog: str) -> str:
    """The "### Breaking" list under "## Unreleased" in a changelog ("" when there is none)."""
    unreleased = re.search(r"^## Unreleased\s*$(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    if unreleased is None:
        return ""
    breaking = re.search(r"^### Breaking\s*$(.*?)(?=^### |\Z)", unreleased.group(1), re.M | re.S)
    return breaking.group(1) if breaking else ""


def unlisted(changes: list[str], changelog: str) -> list[str]:
    """The breaking changes whose schema coordinate (`coordinate`) the changelog's unreleased
    breaking list does not name in backticks."""
    listed = unreleased_breaking(changelog)
    return [change for change in changes if f"`{coordinate(change)}`" not in listed]


def coordinate(change: str) -> str:
    """The schema coordinate a breaking change is about: `Type.field` (or `Type.field.arg`) when
    the sentence names one, else the type (`Standard scalar Int was removed …` → `Int`)."""
    dotted = re.search(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", change)
    if dotted:
        return dotted.group()
    named = re.search(r"([A-Za-z_]\w*) (?:was|changed|is|has)\b", change)
    return named.group(1) if named else change


def last_release_sdl() -> tuple[str, str] | None:
    """(tag, schema.graphql) of the newest release tag `v*` that has the file, or None (no git,
    or no such tag)."""
    try:
        tags = subprocess.run(
            ["git", "tag", "--list", "v*", "--sort=-v:refname"],
            cwd=ROOT, capture_output=True, text=True, check=True, timeout=30,
        ).stdout.split()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    for tag in tags:
        shown = subprocess.run(
            ["git", "show", f"{tag}:schema.graphql"],
            cwd=ROOT, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if shown.returncode == 0:
            return tag, shown.stdout
    return None
