"""How long SSBTEK takes: the slowest included agency plus SSBTEK's own overhead."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Per-agency (base, jitter) in seconds: rough shapes of what production clients report.
DEFAULT_AGENCY_LATENCY: dict[str, tuple[float, float]] = {
    "AF": (0.15, 0.10),
    "CSN": (0.30, 0.20),
    "FK": (0.60, 0.40),
    "SKV": (0.35, 0.20),
    "SO": (0.25, 0.15),
    "TNS": (0.10, 0.05),
    "MIV": (0.20, 0.15),
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

    def delay(self, included: list[str]) -> float:
        """Seconds to wait before answering a question that includes these agencies."""
        if not self.enabled:
            return 0.0
        slowest = max(
            (
                base + self.rng.uniform(0, jitter)
                for base, jitter in map(self.agencies.get, included)
            ),
            default=0.0,
        )
        return slowest + self.overhead_s
