"""The planner reads the very fields execution runs (graphql-core's own collection), so the two
cannot disagree: over operations hypothesis-graphql generates from the schema (fragments,
aliases, directives, people and households), no field ever reads an agency that its person's
plan did not ask for, and no field reads a person the plan does not know."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from resolvers.loader import OperationLoader
from tests.support import Facade, Simulator
from tests.support.fuzz import Operation, check_answer, fuzz_settings, operations


def test_no_field_reads_what_was_not_planned(
    api: Facade, fresh: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    unplanned: list[str] = []
    reads = 0
    load = OperationLoader.load

    async def checked(self: OperationLoader, key: Any, agency: Any) -> Any:
        nonlocal reads
        reads += 1
        plan = self.plan.plans.get(key)
        if plan is None or agency not in plan.agencies:
            unplanned.append(f"{agency.value} not in the plan of its person")
        return await load(self, key, agency)

    monkeypatch.setattr(OperationLoader, "load", checked)

    @fuzz_settings(40)
    @given(operation=operations())
    def run(operation: Operation) -> None:
        check_answer(api.post(operation.body()), operation, spec_valid=True)
        assert unplanned == [], unplanned

    run()
    assert reads > 0, "no generated operation read anything"
