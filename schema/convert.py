"""Turning the decoders' dataclasses into strawberry objects, field by field, by python name."""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any, TypeVar

from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition

T = TypeVar("T")


@cache
def _plain_fields(cls: type) -> tuple[tuple[str, Any], ...]:
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return tuple((f.python_name, f.type) for f in definition.fields if f.base_resolver is None)


def convert(cls: type[T], value: Any) -> T | None:
    """A `cls` object from any object with attributes of the same python names (None stays None).

    Nested strawberry types, lists, optionals and enums are converted the same way.
    """
    if value is None:
        return None
    return cls(**{name: _value(kind, getattr(value, name)) for name, kind in _plain_fields(cls)})


def convert_agency(cls: type[T], fel: Any, data: Any) -> T:
    """An agency object: `fel` converted when the agency erred, else the fields of `data`.

    Every field but `fel` is null when the agency erred or sent no data.
    """
    values: dict[str, Any] = dict.fromkeys(name for name, _ in _plain_fields(cls))
    for name, kind in _plain_fields(cls):
        if name == "fel":
            values[name] = _value(kind, fel)
        elif fel is None and data is not None:
            values[name] = _value(kind, getattr(data, name))
    return cls(**values)


def _value(kind: Any, raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(kind, StrawberryOptional):
        return _value(kind.of_type, raw)
    if isinstance(kind, StrawberryList):
        return [_value(kind.of_type, item) for item in raw]
    if has_object_definition(kind):
        return convert(kind, raw)
    if isinstance(kind, type) and issubclass(kind, Enum) and not isinstance(raw, kind):
        return kind(raw.value if isinstance(raw, Enum) else raw)
    return raw
