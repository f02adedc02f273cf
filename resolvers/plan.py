"""The fetch plan: what one SSBTEK question must ask for one person, derived from a selection."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from resolvers.agencies import Agency
from resolvers.contract import SsbtVersion
from resolvers.errors import BadUserInput

# LEFI refuses a question that names no group or type. When the FK part is asked for its state
# only (`fel`, `utlamnare`), the facade asks for the least it can: programjobbdagar, a count.
LEFI_MAX_YEARS = 2
SMALLEST_LEFI_QUESTION: dict[str, set[str]] = {"formansinformation": {"FK:PJOB"}}


# The dates a question may name: no agency keeps data from before 1900, and planned payments
# reach a little into the future; a period longer than this is no one's case.
EARLIEST_DATE = date(1900, 1, 1)
FUTURE_YEARS = 2
MAX_PERIOD_YEARS = 5
MAX_SKV_YEARS = 5


def latest_date() -> date:
    """The last day a period may reach: today, `FUTURE_YEARS` years ahead."""
    today = date.today()
    return today.replace(year=today.year + FUTURE_YEARS, day=min(today.day, 28))


def default_skv_years(period: Period) -> list[int]:
    """The two last completed tax years before the period's end (and before today: a period
    may reach into the future), newest first."""
    last = min(period.tom.year, date.today().year) - 1
    return [last, last - 1]


@dataclass(frozen=True, order=True)
class Period:
    """A closed date interval, `fromDatum`..`tomDatum` in the contract."""

    from_: date
    tom: date

    def __post_init__(self) -> None:
        if self.tom < self.from_:
            raise BadUserInput("the period's 'tom' is before its 'from'")
        earliest, latest = EARLIEST_DATE, latest_date()
        if self.from_ < earliest or self.tom > latest:
            raise BadUserInput(
                f"a period lies within {earliest.isoformat()} and {latest.isoformat()} (today "
                f"and {FUTURE_YEARS} years ahead)"
            )
        if self.longer_than_years(MAX_PERIOD_YEARS):
            raise BadUserInput(f"a period is at most {MAX_PERIOD_YEARS} years long")

    def longer_than_years(self, years: int) -> bool:
        """Whether `tom` lies beyond the same day `years` years after `from` (29 Feb → 28 Feb)."""
        try:
            limit = self.from_.replace(year=self.from_.year + years)
        except ValueError:
            limit = self.from_.replace(year=self.from_.year + years, day=28)
        return self.tom > limit


@dataclass(frozen=True)
class QuestionKey:
    """What identifies one SSBTEK question: who asks, about whom, when, and in which case."""

    tenant: str
    personnummer: str
    period: Period
    arende: str


@dataclass
class FetchPlan:
    """The parts of the answer a selection needs: agencies, their own periods, LEFI, SKV."""

    agencies: set[Agency] = field(default_factory=set)
    # Per agency, the periods its fields ask for; None is the person's own period.
    period_requests: dict[Agency, set[Period | None]] = field(default_factory=dict)
    lefi: dict[str, set[str]] = field(default_factory=dict)
    lefi_fallback: dict[str, set[str]] = field(default_factory=dict)
    lefi_exact: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    skv_year_sets: set[frozenset[int] | None] = field(default_factory=set)
    # Periods that fields count rows in (payments): each must lie within the person's period.
    counted_periods: set[Period] = field(default_factory=set)

    def include(self, agency: Agency, period: Period | None = None) -> None:
        """Ask `agency`; `period` is its own period (only for agencies that take one)."""
        if period is not None and not agency.accepts_own_period:
            raise BadUserInput(f"{agency.value} does not take a period of its own")
        self.agencies.add(agency)
        self.period_requests.setdefault(agency, set()).add(period)

    def own_periods(self, period: Period) -> dict[Agency, Period]:
        """The agencies asked for another period than the person's, and that period.

        One question gives an agency one period, so two fields of one agency that ask for
        different periods (an own period, or none and an own one) are refused.
        """
        own: dict[Agency, Period] = {}
        for agency, requests in self.period_requests.items():
            resolved = {request or period for request in requests}
            if len(resolved) > 1:
                raise BadUserInput(
                    f"one question can give {agency.value} only one period; the selection asks "
                    "for two"
                )
            chosen = resolved.pop()
            if chosen != period:
                own[agency] = chosen
        return own

    def ask_lefi(self, information_class: str, codes: set[str]) -> None:
        """Ask LEFI (the FK part) for these benefit group codes in one information class."""
        self.agencies.add(Agency.FK)
        self.lefi.setdefault(information_class, set()).update(codes)

    def ask_lefi_exact(self, provider: str, information_class: str, codes: set[str]) -> None:
        """Ask for exactly these codes of one provider's class; a field that reads the whole
        class (e.g. payments) shows all of it, so two fields may not narrow it differently."""
        held = self.lefi_exact.get((provider, information_class))
        if held is not None and held != frozenset(codes):
            raise BadUserInput(
                f"one question can ask {provider} for one set of förmånsgrupper in "
                f"{information_class}; the selection asks for two"
            )
        self.lefi_exact[(provider, information_class)] = frozenset(codes)
        self.ask_lefi(information_class, codes)

    def fall_back_to_lefi(self, information_class: str, codes: set[str]) -> None:
        """What to ask LEFI if nothing else asks it anything (LEFI refuses an empty question)."""
        self.agencies.add(Agency.FK)
        self.lefi_fallback.setdefault(information_class, set()).update(codes)

    def lefi_question_classes(self) -> dict[str, list[str]]:
        """The information classes and codes the LEFI question names, sorted."""
        for chosen in (self.lefi, self.lefi_fallback, SMALLEST_LEFI_QUESTION):
            classes = {name: sorted(codes) for name, codes in sorted(chosen.items()) if codes}
            if classes:
                return classes
        raise AssertionError("unreachable: the smallest question is never empty")

    def count_within(self, period: Period) -> None:
        """A field counts rows in `period`, which must lie within the person's period (what
        SSBTEK is asked for)."""
        self.counted_periods.add(period)

    def ask_skv_years(self, years: frozenset[int] | None) -> None:
        """Ask Skatteverket for these tax years (None: the default years for the period)."""
        self.agencies.add(Agency.SKV)
        self.skv_year_sets.add(years)

    def skv_years(self, period: Period) -> list[int]:
        """The tax years to ask Skatteverket for, newest first; one set per question."""
        sets = {
            frozenset(default_skv_years(period)) if years is None else years
            for years in self.skv_year_sets
        } or {frozenset(default_skv_years(period))}
        if len(sets) > 1:
            raise BadUserInput(
                "one question can ask Skatteverket for one set of tax years; the selection "
                "asks for two"
            )
        years = next(iter(sets))
        if not years:
            raise BadUserInput("ar must name at least one tax year")
        if len(years) > MAX_SKV_YEARS:
            raise BadUserInput(f"ar names at most {MAX_SKV_YEARS} tax years")
        return sorted(years, reverse=True)

    def check(self, period: Period, version: SsbtVersion) -> None:
        """Refuse, before any call, a plan that cannot be one question for this period."""
        self.own_periods(period)
        if Agency.SKV in self.agencies:
            self.skv_years(period)
            if version is SsbtVersion.V10 and any(y is not None for y in self.skv_year_sets):
                raise BadUserInput(
                    "Skatteverket's tax years (ar) can only be asked with ssbt/11; with ssbt/10 "
                    "Skatteverket answers its own default years"
                )
        for counted in self.counted_periods:
            if counted.from_ < period.from_ or counted.tom > period.tom:
                raise BadUserInput(
                    "a payments period must lie within the person's period, which is what "
                    "SSBTEK is asked for"
                )
        if Agency.FK in self.agencies and period.longer_than_years(LEFI_MAX_YEARS):
            raise BadUserInput(
                f"Försäkringskassan and Pensionsmyndigheten (LEFI) answer for at most "
                f"{LEFI_MAX_YEARS} years; shorten the period"
            )

    def key(self) -> tuple[object, ...]:
        """The plan as a hashable value, equal exactly when the plans are equal, whatever order
        they were built in (a dict's order, a set's where hashes collide, and so `repr`, are the
        order things were added in): what identical questions in flight are shared by."""

        def frozen(value: object) -> object:
            if isinstance(value, dict):
                return frozenset((name, frozen(item)) for name, item in value.items())
            if isinstance(value, set | frozenset):
                return frozenset(frozen(item) for item in value)
            if isinstance(value, list | tuple):
                return tuple(frozen(item) for item in value)
            return value

        return tuple(frozen(getattr(self, each.name)) for each in fields(self))

    def merge(self, other: FetchPlan) -> None:
        """Add everything another plan asks for to this one."""
        for agency, requests in other.period_requests.items():
            for request in requests:
                self.include(agency, request)
        self.agencies |= other.agencies
        for (provider, information_class), exact in other.lefi_exact.items():
            self.ask_lefi_exact(provider, information_class, set(exact))
        for information_class, codes in other.lefi.items():
            self.ask_lefi(information_class, codes)
        for information_class, codes in other.lefi_fallback.items():
            self.fall_back_to_lefi(information_class, codes)
        for years in other.skv_year_sets:
            self.ask_skv_years(years)
        self.counted_periods |= other.counted_periods

    def only(self, agencies: frozenset[Agency]) -> FetchPlan:
        """The part of this plan that asks `agencies` (a question of its own, as a deferred
        fragment's further agencies are)."""
        part = FetchPlan(
            agencies=set(self.agencies & agencies),
            period_requests={a: set(p) for a, p in self.period_requests.items() if a in agencies},
            counted_periods=set(self.counted_periods),
        )
        if Agency.FK in agencies:
            part.lefi = {name: set(codes) for name, codes in self.lefi.items()}
            part.lefi_fallback = {name: set(codes) for name, codes in self.lefi_fallback.items()}
            part.lefi_exact = dict(self.lefi_exact)
        if Agency.SKV in agencies:
            part.skv_year_sets = set(self.skv_year_sets)
        return part


@dataclass
class RootPlan:
    """What a root field of the operation asks: its people (with their role in a household), or
    the error its arguments give, which its resolver raises."""

    members: list[tuple[Any, QuestionKey]] = field(default_factory=list)
    error: Exception | None = None

    @property
    def keys(self) -> list[QuestionKey]:
        """The root field's questions, in the order its people were given."""
        return [key for _, key in self.members]


# When a person's fields are delivered: None in the operation's first payload, else the id of
# the node of the `@defer` they wait for.
Delivery = int | None


@dataclass
class OperationPlan:
    """The fetch plan of every question of one GraphQL operation, made once before execution
    from graphql-core's own collected fields (`schema/planner.py`): each root field's people by
    its response key, each question's plan, each person's deliveries (the plans of the fields in
    the first payload and of each deferred fragment, which decide the person's questions), and
    the questions whose selection cannot be asked (with the error to raise for them)."""

    plans: dict[QuestionKey, FetchPlan] = field(default_factory=dict)
    errors: dict[QuestionKey, Exception] = field(default_factory=dict)
    roots: dict[str, RootPlan] = field(default_factory=dict)
    deliveries: dict[QuestionKey, list[tuple[Delivery, FetchPlan]]] = field(default_factory=dict)
    questions: dict[QuestionKey, list[frozenset[Agency]]] = field(default_factory=dict)
    refused: Exception | None = None  # the whole operation cannot be planned
    planned: bool = False  # planning has run (it runs once, as execution starts)

    def question_count(self) -> int:
        """The SSBTEK questions the plan asks: each person's questions, for every person whose
        selection asks SSBTEK anything."""
        return sum(len(questions) for questions in self.questions.values())
