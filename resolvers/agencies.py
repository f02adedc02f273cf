"""The seven sources of an SSBTEK answer, in the order the contract lists them."""

from __future__ import annotations

from enum import StrEnum


class Agency(StrEnum):
    """One element of `specifikaFrageparametrar` and of `svarsdata`, by its contract name."""

    AF = "AF"
    CSN = "CSN"
    FK = "FK"
    SKV = "SKV"
    SO = "SO"
    TNS = "TNS"
    MIV = "MIV"

    @property
    def accepts_own_period(self) -> bool:
        """Whether the contract lets this agency have a `tidsperiod` of its own."""
        return self in OWN_PERIOD_AGENCIES


OWN_PERIOD_AGENCIES = frozenset({Agency.AF, Agency.CSN, Agency.SO, Agency.TNS})

# The contract order of `specifikaFrageparametrar` and `svarsdata`.
CONTRACT_ORDER: tuple[Agency, ...] = tuple(Agency)
