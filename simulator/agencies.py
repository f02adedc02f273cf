"""The simulator's side of the agency registry: each row of `CONTRACT_AGENCIES` is answered by
the module of the same name, `simulator/<name>.py`, which has `build` (fill the agency's `data`)
and `LATENCY` ((base, jitter) seconds). A missing module or attribute fails at import."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from resolvers.contract import CONTRACT_AGENCIES


@dataclass(frozen=True)
class SimAgency:
    """How the simulator answers for one agency."""

    element: str
    build: Callable[..., None]
    latency: tuple[float, float]
    test_service: bool


def _sim_agency(element: str, name: str, test_service: bool) -> SimAgency:
    module: Any = importlib.import_module(f"simulator.{name}")
    return SimAgency(element, module.build, module.LATENCY, test_service)


# By element name, in the contract order.
SIM_AGENCIES: dict[str, SimAgency] = {
    row.element: _sim_agency(row.element, row.name, row.test_service) for row in CONTRACT_AGENCIES
}
