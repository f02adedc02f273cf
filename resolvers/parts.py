"""The parts of one question that the cache holds one by one: an agency's part for its period,
Skatteverket's for its tax years, and LEFI's per information class with the groups asked so far.

`needed_parts` says which parts a plan needs; `Held` sorts what the cache has into what can be
used and what must still be asked (`still_to_ask`, a smaller plan); `store` and `assemble` turn
an upstream answer and the held parts into cache entries and the answer the fields read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from resolvers.agencies import Agency
from resolvers.contract import SsbtVersion
from resolvers.decode.answer import AgencyPart, Answer
from resolvers.lefi_slices import (
    EXACT_CLASSES,
    LefiSlice,
    join_slices,
    merge_slices,
    restrict,
    slice_answer,
)
from resolvers.plan import FetchPlan, QuestionKey


@dataclass(frozen=True)
class Part:
    """One cacheable part of a question. `name` goes into the cache key."""

    agency: Agency
    name: str
    lefi_class: str | None = None
    codes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LefiEntry:
    """A held LEFI class: the groups it was asked for, what LEFI answered, and when its oldest
    groups were answered (a class that gains groups expires with its oldest)."""

    codes: frozenset[str]
    slice: LefiSlice
    since: float = field(default_factory=time.time)


# Decoded answers take about this many times their size on the wire in this process's memory
# (measured: the 2.9 MB LEFI answer of the simulator's `omfattande` person, 14 MB as objects).
EXPANSION = 5


def estimated_bytes(entry: Any) -> int:
    """About how much memory a cache entry holds: its part's size on the wire, expanded."""
    if isinstance(entry, LefiEntry):
        return EXPANSION * entry.slice.wire_bytes
    return EXPANSION * getattr(entry, "wire_bytes", 0)


def needed_parts(key: QuestionKey, plan: FetchPlan, version: SsbtVersion) -> list[Part]:
    """The parts a plan needs, each named by what decides its content."""
    own = plan.own_periods(key.period)
    parts: list[Part] = []
    for agency in sorted(plan.agencies):
        if agency is Agency.FK:
            for name, codes in plan.lefi_question_classes().items():
                # Classes shown whole (payments, PM claims and decisions) are held per exact
                # group set; the other classes per class, for the groups asked so far.
                label = f"FK {name} {','.join(codes)}" if name in EXACT_CLASSES else f"FK {name}"
                parts.append(Part(agency, label, name, frozenset(codes)))
        elif agency is Agency.SKV:
            years = plan.skv_years(key.period) if version is SsbtVersion.V11 else "default"
            parts.append(Part(agency, f"SKV {years}"))
        else:
            period = own.get(agency, key.period)
            parts.append(Part(agency, f"{agency.value} {period.from_} {period.tom}"))
    return parts


@dataclass
class Held:
    """What the cache holds for a plan's parts, and what it lacks."""

    parts: list[Part]
    entries: dict[Part, Any]
    # LEFI classes held for fewer groups than needed: the groups still to ask.
    lefi_missing: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for part in self.parts:
            if part.lefi_class is None:
                continue
            entry = self.entries.get(part)
            if entry is None:
                self.lefi_missing[part.lefi_class] = part.codes
            elif not part.codes <= entry.codes:
                self.lefi_missing[part.lefi_class] = part.codes - entry.codes

    @property
    def missing(self) -> list[Part]:
        """The parts the cache cannot give (whole, or for some LEFI groups)."""
        return [
            part
            for part in self.parts
            if part not in self.entries or part.lefi_class in self.lefi_missing
        ]

    def still_to_ask(self, key: QuestionKey, plan: FetchPlan) -> FetchPlan:
        """The plan of what must still be asked: missing agencies, LEFI groups, tax years."""
        smaller = FetchPlan()
        own = plan.own_periods(key.period)
        for part in self.missing:
            if part.agency is Agency.FK:
                continue
            smaller.include(part.agency, own.get(part.agency))
            if part.agency is Agency.SKV:
                for years in plan.skv_year_sets:
                    smaller.ask_skv_years(years)
        for information_class, codes in self.lefi_missing.items():
            smaller.ask_lefi(information_class, set(codes))
        return smaller

    def store(self, answer: Answer) -> dict[Part, Any]:
        """The cache entries an upstream answer to `still_to_ask` gives (errors are not kept;
        a LEFI class held for some groups is merged with the groups now answered)."""
        entries: dict[Part, Any] = {}
        lefi = answer.parts.get(Agency.FK)
        fresh_slices = (
            slice_answer(lefi.data, list(self.lefi_missing), lefi.wire_bytes)
            if lefi is not None and lefi.fel is None and isinstance(lefi.data, dict)
            else {}
        )
        for part in self.missing:
            got = answer.parts.get(part.agency)
            if got is None or got.fel is not None:
                continue
            if part.lefi_class is None:
                entries[part] = got
                continue
            if part.lefi_class not in fresh_slices:
                continue
            asked = self.lefi_missing[part.lefi_class]
            fresh = fresh_slices[part.lefi_class]
            held = self.entries.get(part)
            if held is not None:
                merged = merge_slices(held.slice, fresh)
                entries[part] = LefiEntry(held.codes | asked, merged, since=held.since)
            else:
                entries[part] = LefiEntry(asked, fresh)
        return entries

    def assemble(self, answer: Answer | None, stored: dict[Part, Any]) -> Answer:
        """The answer the fields read: upstream's parts where it was asked, held ones elsewhere,
        LEFI joined from its classes."""
        entries = {**self.entries, **stored}
        parts: dict[Agency, AgencyPart] = {}
        fetched = answer.parts if answer is not None else {}
        lefi: dict[str, LefiSlice] = {}
        for part in self.parts:
            if part.lefi_class is None:
                parts[part.agency] = fetched.get(part.agency) or entries[part]
                continue
            answered = fetched.get(Agency.FK)
            nothing_held = not any(p.lefi_class and p in self.entries for p in self.parts)
            if answered is not None and (
                answered.fel is not None or answered.data is None or nothing_held
            ):
                # An error, nothing at all, or all of LEFI just answered: shown as it came.
                parts[Agency.FK] = answered
                continue
            entry = entries[part]
            shown = entry.slice
            if part.lefi_class not in EXACT_CLASSES:
                shown = restrict(shown, part.codes)
            lefi[part.lefi_class] = shown
        if lefi and Agency.FK not in parts:
            parts[Agency.FK] = AgencyPart(data=join_slices(lefi))
        return Answer(parts=parts)
