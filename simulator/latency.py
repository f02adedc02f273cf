"""How long SSBTEK takes: the slowest included agency plus SSBTEK's own overhead."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from simulator.agencies import SIM_AGENCIES

# Per-agency (base, jitter) in seconds, from each agency's module.
DEFAULT_AGENCY_LATENCY: dict[str, tuple[float, float]] = {
    element: agency.latency for element, agency in SIM_AGENCIES.items()
}


@dataclass
class LatencyModel:
    """Per-agency base and jitter; the answer waits for the slowest agency asked."""

    enabled: bool = False
    overhead_s: float = 0.05
    agencies: dict[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_AGENCY_LATENCY)
    )
    rng: random.Random = field(default_factory=random.Random)
    # The same wait for every question that includes the same agencies (a bench compares two
    # clients of one question without the waits' spread).
    fixed: bool = False

    def delay(self, included: list[str]) -> float:
        """Seconds to wait before answering a question that includes these agencies."""
        if not self.enabled:
            return 0.0
        ordered = sorted(included)
        rng = random.Random(",".join(ordered)) if self.fixed else self.rng
        slowest = max(
            (
                base + rng.uniform(0, jitter)
                for base, jitter in map(self.agencies.__getitem__, ordered)
            ),
            default=0.0,
        )
        return slowest + self.overhead_s
