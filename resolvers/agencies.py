"""The seven sources of an SSBTEK answer, in the order the contract lists them.

The facts about each (its project name, own period, test service) are one row of
`resolvers.contract.CONTRACT_AGENCIES`; this enum must name exactly those rows, in that order,
or importing it fails.
"""

from __future__ import annotations

from enum import StrEnum

from resolvers.contract import CONTRACT_AGENCIES, ContractAgency


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
    def contract(self) -> ContractAgency:
        """The agency's row in the registry."""
        return _ROWS[self.value]

    @property
    def module_name(self) -> str:
        """The agency's module name in every layer, e.g. `arbetsformedlingen`."""
        return self.contract.name

    @property
    def accepts_own_period(self) -> bool:
        """Whether the contract lets this agency have a `tidsperiod` of its own."""
        return self.contract.own_period


_ROWS = {row.element: row for row in CONTRACT_AGENCIES}
if [a.value for a in Agency] != [row.element for row in CONTRACT_AGENCIES]:
    raise ImportError("Agency must list the rows of CONTRACT_AGENCIES, in the contract order")


# The contract order of `specifikaFrageparametrar` and `svarsdata`.
CONTRACT_ORDER: tuple[Agency, ...] = tuple(Agency)
