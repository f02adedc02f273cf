"""The fetch plan: what one SSBTEK question must ask for one person, derived from a selection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from resolvers.agencies import Agency
from resolvers.errors import BadUserInput


@dataclass(frozen=True, order=True)
class Period:
    """A closed date interval, `fromDatum`..`tomDatum` in the contract."""

    from_: date
    tom: date

    def __post_init__(self) -> None:
        if self.tom < self.from_:
            raise BadUserInput("the period's 'tom' is before its 'from'")


@dataclass(frozen=True)
class PersonKey:
    """What identifies one SSBTEK question: who asks, about whom, when, and in which case."""

    tenant: str
    personnummer: str
    period: Period
    arende: str


@dataclass
class FetchPlan:
    """The parts of the answer a selection needs: agencies, their own periods, LEFI, SKV."""

    agencies: set[Agency] = field(default_factory=set)
    periods: dict[Agency, Period] = field(default_factory=dict)
    lefi: dict[str, set[str]] = field(default_factory=dict)
    skv_years: set[int] = field(default_factory=set)

    def include(self, agency: Agency, period: Period | None = None) -> None:
        """Ask `agency`, with its own period when given (only for agencies that take one)."""
        self.agencies.add(agency)
        if period is None:
            return
        if not agency.accepts_own_period:
            raise BadUserInput(f"{agency.value} does not take a period of its own")
        held = self.periods.get(agency)
        if held is not None and held != period:
            raise BadUserInput(
                f"one question can give {agency.value} only one period; the selection asks for two"
            )
        self.periods[agency] = period

    def ask_lefi(self, information_class: str, codes: set[str]) -> None:
        """Ask LEFI (the FK part) for these benefit group codes in one information class."""
        self.agencies.add(Agency.FK)
        self.lefi.setdefault(information_class, set()).update(codes)

    def ask_skv_years(self, years: set[int]) -> None:
        """Ask Skatteverket for these tax years."""
        self.agencies.add(Agency.SKV)
        self.skv_years.update(years)

    def merge(self, other: FetchPlan) -> None:
        """Add everything another plan asks for to this one."""
        for agency in other.agencies:
            self.include(agency, other.periods.get(agency))
        for information_class, codes in other.lefi.items():
            self.ask_lefi(information_class, codes)
        self.skv_years.update(other.skv_years)
