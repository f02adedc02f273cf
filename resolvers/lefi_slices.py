"""A decoded LEFI answer cut into one slice per information class, and slices joined back into
an answer: what lets the cache keep LEFI data per class and ask LEFI only for what it lacks.

Where each class lands in the answer (`docs/lefi-fields.md`): `formansinformation` in the FK
case properties of `formansinformation`, FK's `ovrigInformation` types in five other FK
properties and PM's in the top-level `ovrigInformation`, `utbetalningar` and
`preliminaraUtbetalningar` in one FK property each and in the top-level PM list of that name,
`ansprak` and `beslut` in the top-level PM lists. `avvikelser` are kept per class; `utlamnare`
and the answer-level `ovriga_falt` go with every slice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from resolvers.decode.lefi import UNKNOWN, lefi_model, normalise

# Classes a field shows whole, for exactly the groups it narrowed the question to (payments,
# whose items carry no single group: an FK payment names none, a PM payment may cover several;
# and PM's claims and decisions): a slice of them holds exactly the groups it was asked for.
EXACT_CLASSES = frozenset({"utbetalningar", "preliminaraUtbetalningar", "ansprak", "beslut"})
PM_CLASSES = ("ansprak", "beslut", "preliminaraUtbetalningar", "utbetalningar", "ovrigInformation")
FORMANSINFORMATION = "formansinformation"
# FK properties of another class than `formansinformation`.
FK_PROPERTY_CLASS = {
    "generellPersoninformation": "ovrigInformation",
    "programanvisning": "ovrigInformation",
    "sjukpenninggrundandeInkomstuppgift": "ovrigInformation",
    "skatteuppgift": "ovrigInformation",
    "studiemedelsavisering": "ovrigInformation",
    "utbetalningsuppgift": "utbetalningar",
    "preliminarautbetalningar": "preliminaraUtbetalningar",
}


@dataclass(frozen=True)
class LefiSlice:
    """What one information class contributed to an answer, and the answer's own state."""

    properties: dict[str, list[Any]]  # FK `formansinformation` properties of the class
    items: list[Any]  # the class's top-level PM list ([] for `formansinformation`)
    avvikelser: list[Any]  # `avvikelser.<class>`
    utlamnare: list[Any]
    unknown: tuple[
        tuple[str, Any], ...
    ]  # (where, UnknownValue): root, formansinformation, avvikelser
    wire_bytes: int = 0  # the class's share of the answer's size on the wire, by its records


def class_of_property(name: str) -> str:
    """The information class whose question fills an FK `formansinformation` property."""
    return FK_PROPERTY_CLASS.get(name, FORMANSINFORMATION)


def slice_answer(
    answer: dict[str, Any], classes: list[str], wire_bytes: int = 0
) -> dict[str, LefiSlice]:
    """The slices of a decoded LEFI answer for the classes its question asked; the answer's size
    on the wire (`wire_bytes`) shared between them by the records each holds."""
    info = answer.get("formansinformation") or {}
    avvikelser = answer.get("avvikelser") or {}
    unknown = tuple(
        [("root", value) for value in answer.get(UNKNOWN, [])]
        + [("formansinformation", value) for value in info.get(UNKNOWN, [])]
        + [("avvikelser", value) for value in avvikelser.get(UNKNOWN, [])]
    )
    slices = {
        information_class: LefiSlice(
            properties={
                name: list(items)
                for name, items in info.items()
                if name != UNKNOWN and class_of_property(name) == information_class
            },
            items=list(answer.get(information_class) or [])
            if information_class in PM_CLASSES
            else [],
            avvikelser=list(avvikelser.get(information_class) or []),
            utlamnare=list(answer.get("utlamnare") or []),
            unknown=unknown,
        )
        for information_class in classes
    }
    records = {name: _records(part) for name, part in slices.items()}
    total = sum(records.values())
    return {
        name: replace(part, wire_bytes=wire_bytes * records[name] // total if total else 0)
        for name, part in slices.items()
    }


def _records(part: LefiSlice) -> int:
    return sum(map(len, part.properties.values())) + len(part.items) + len(part.avvikelser) + 1


def merge_slices(held: LefiSlice, fresh: LefiSlice) -> LefiSlice:
    """One slice of a class from two answers that asked it for different groups."""
    properties = {
        name: held.properties.get(name, []) + fresh.properties.get(name, [])
        for name in {**held.properties, **fresh.properties}
    }
    return LefiSlice(
        properties=properties,
        items=held.items + fresh.items,
        avvikelser=held.avvikelser + fresh.avvikelser,
        utlamnare=_states([*fresh.utlamnare, *held.utlamnare]),
        unknown=_unique(held.unknown + fresh.unknown),
        wire_bytes=held.wire_bytes + fresh.wire_bytes,
    )


def restrict(part: LefiSlice, codes: frozenset[str]) -> LefiSlice:
    """A slice shown for fewer groups than it holds: its deviations only for those groups (its
    case properties are per group, and a field shows only its own)."""
    return replace(part, avvikelser=[a for a in part.avvikelser if _group_of(a) in codes])


def join_slices(slices: dict[str, LefiSlice]) -> dict[str, Any]:
    """A decoded LEFI answer made of slices, shaped as `resolvers.decode.lefi.decode` makes one."""
    model = lefi_model()
    answer = normalise({}, model["root"])
    info = answer["formansinformation"] = normalise({}, "LefiFormansinformation")
    avvikelser = answer["avvikelser"] = normalise({}, "LefiExternFormansinformationAvvikelser")
    states: list[Any] = []
    unknown: tuple[tuple[str, Any], ...] = ()
    for information_class, part in slices.items():
        for name, items in part.properties.items():
            info[name] = info.get(name) or []
            info[name] = info[name] + items
        if information_class in PM_CLASSES:
            answer[information_class] = answer[information_class] + part.items
        avvikelser[information_class] = avvikelser[information_class] + part.avvikelser
        states += part.utlamnare
        unknown += part.unknown
    answer["utlamnare"] = _states(states)
    for where, value in _unique(unknown):
        target = {"root": answer, "formansinformation": info, "avvikelser": avvikelser}[where]
        target[UNKNOWN] = [*target[UNKNOWN], value]
    return answer


def _group_of(avvikelse: Any) -> str | None:
    if not isinstance(avvikelse, dict):
        return None
    group = avvikelse.get("formansgrupp") or avvikelse.get("ovrigInformationstyp") or {}
    return group.get("kod") if isinstance(group, dict) else None


def _states(states: list[Any]) -> list[Any]:
    """One state per provider: the first not OK, else the first given."""
    chosen: dict[Any, Any] = {}
    for state in states:
        provider = ((state or {}).get("utlamnare") or {}).get("kod")
        held = chosen.get(provider)
        if held is None or (_ok(held) and not _ok(state)):
            chosen[provider] = state
    return list(chosen.values())


def _ok(state: Any) -> bool:
    return ((state or {}).get("tillstand") or {}).get("kod") == "OK"


def _unique(values: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    seen: list[tuple[str, Any]] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return tuple(seen)
