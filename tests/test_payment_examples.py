"""The payment examples of docs/schema-guide.md run against the demo server (the embedded
simulator, its latency model on), and each answer shown there is an excerpt of the real one."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import Facade, facade

GUIDE = Path(__file__).parent.parent / "docs" / "schema-guide.md"
SECTION = "### Payments from every source"


def examples() -> list[tuple[str, str, dict[str, Any], Any]]:
    """(title, query, variables, answer shown) of each example in the payments section."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n### ", 1)]
    found = []
    for part in section.split("\n#### ")[1:]:
        title = part.splitlines()[0]
        blocks = re.findall(r"```(\w+)\n(.*?)\n```", part, re.DOTALL)
        [(_, query), (_, variables), (_, answer)] = blocks
        found.append((title, query, json.loads(variables), json.loads(answer)))
    return found


def is_excerpt(shown: Any, real: Any) -> bool:
    """Whether `shown` is `real` with lists shortened (never reordered or changed)."""
    if isinstance(shown, dict):
        return (
            isinstance(real, dict)
            and shown.keys() == real.keys()
            and all(is_excerpt(shown[key], real[key]) for key in shown)
        )
    if isinstance(shown, list):
        return (
            isinstance(real, list)
            and len(shown) <= len(real)
            and all(is_excerpt(s, r) for s, r in zip(shown, real, strict=False))
        )
    return shown == real


@pytest.fixture(scope="module")
def demo() -> Iterator[Facade]:
    """The facade in demo mode, as `make run` serves it."""
    with facade({"SSBTEK_AUDIT_FILE": "/dev/null"}) as running:
        yield running


def test_the_guide_has_the_four_payment_examples() -> None:
    assert [title for title, *_ in examples()] == [
        "A caseworker's payment tab",
        "Month comparison: the control month and the two before it",
        "A household's income per month",
        "A BI export over many people",
    ]


@pytest.mark.parametrize(("title", "query", "variables", "shown"), examples())
def test_a_payment_example_answers_as_the_guide_shows(
    demo: Facade, title: str, query: str, variables: dict[str, Any], shown: Any
) -> None:
    real = demo.query(query, variables)
    assert is_excerpt(shown, real), title  # errors, where there are any, shown too


def test_an_excerpt_must_match() -> None:
    """The check itself can fail."""
    assert is_excerpt({"a": [1, 2]}, {"a": [1, 2, 3]})
    assert not is_excerpt({"a": [2]}, {"a": [1, 2, 3]})
    assert not is_excerpt({"a": [1]}, {"a": [1], "b": 2})
