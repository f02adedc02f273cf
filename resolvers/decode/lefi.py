"""The FK slot's payload: base64 of a LEFI v9 JSON answer, read against the project's LEFI model.

Reading is lenient where LEFI's own examples are (`avvikelser` as an array, `beslut` as one object,
codes as plain strings or `{id, beskrivning}`, `YYYY-MM` and open-ended periods) and lossless:
a property the model does not know, or a value of the wrong kind, is kept in `ovriga_falt` as the
JSON LEFI sent. Numbers are Decimal, never float, kept ones too. What LEFI did not send is None,
never a default. The result is plain dicts keyed by python field names.
"""

from __future__ import annotations

import calendar
import json
import keyword
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from lxml import etree

from resolvers.contract import CONTRACT_DIR
from resolvers.xmlread import PayloadError, UnknownValue, base64_of

UNKNOWN = "ovriga_falt"
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# Properties the OpenAPI file types as strings that its descriptions say are calendar days
# ("Kalenderdagen som avses", "Utbetalningsdatum"): read and typed as dates. A value that is no
# date is kept in the object's `ovriga_falt`, as any value of the wrong kind.
DATE_STRINGS = frozenset({
    ("LefiForaldrapenningAnspraksdag", "dag"),
    ("LefiForaldrapenningErsattningsdag", "dag"),
    ("LefiProgramersattningDag", "dag"),
    ("LefiTillfalligForaldrapenningDag", "dag"),
    ("LefiForebyggandeSjukpenningDag", "ersattningsdatum"),
    ("LefiRehabersattningDag", "ersattningsdatum"),
    ("LefiSjukpenningDag", "ersattningsdatum"),
    ("LefiUtbetalningUppgift", "datum"),
})  # fmt: skip


# Lists the contract allows one item in (`maxItems: 1`) that the facade shows as one object: an
# item after the first is kept in the object's `ovriga_falt`, as LEFI sent it.
AT_MOST_ONE = frozenset({("LefiFormansinformation", "generellPersoninformation")})
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$")


@cache
def lefi_model() -> dict[str, Any]:
    """The project's LEFI v9 answer model (types, fields, enumerations), with the date strings
    of `DATE_STRINGS` typed as dates."""
    model = json.loads((CONTRACT_DIR / "lefi-v9-model.json").read_text(encoding="utf-8"))
    for type_name, field_name in DATE_STRINGS:
        [field] = [f for f in model["types"][type_name]["fields"] if f["name"] == field_name]
        field["type"] = "date"
    return model


@cache
def lefi_meanings() -> dict[str, dict[str, str]]:
    """What each LEFI type and property means, in the project's words
    (`lefi-v9-descriptions.json`): per type, its own meaning under `""` and each property's,
    a property taking the words of the type's shared groups unless it has its own."""
    words = json.loads((CONTRACT_DIR / "lefi-v9-descriptions.json").read_text(encoding="utf-8"))
    meanings: dict[str, dict[str, str]] = {}
    for type_name, spec in words["types"].items():
        own: dict[str, str] = {"": spec["meaning"]}
        for group in reversed(spec.get("shared", [])):
            own.update(words["shared"][group])
        own.update(spec.get("fields", {}))
        meanings[type_name] = own
    return meanings


def python_name(json_name: str) -> str:
    """The key a decoded JSON property gets (and the python name of its GraphQL field)."""
    return f"{json_name}_" if keyword.iskeyword(json_name) else json_name


def decode(data: etree._Element) -> dict[str, Any]:
    """Decode FK's `data/lefiJsonSvar` into a normalised `LefiExternFormansinformationSvar`."""
    raw = base64_of(data, "lefiJsonSvar", "lefiJsonSvar")
    try:
        document = json.loads(raw, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PayloadError("lefiJsonSvar is not valid JSON") from None
    if not isinstance(document, dict):
        raise PayloadError("lefiJsonSvar is not a JSON object")
    return normalise(document, lefi_model()["root"])


def normalise(value: Any, type_name: str) -> dict[str, Any]:
    """A JSON value read as the model object type `type_name`.

    Every object keeps its own `ovriga_falt`: properties the model does not know and values of
    the wrong kind, with paths relative to that object.
    """
    fields, known = _compiled(type_name)
    own: list[UnknownValue] = []
    if isinstance(value, list):  # LEFI's examples send e.g. `"avvikelser": []` for an object
        for index, item in enumerate(value):
            _keep(own, f"[{index}]", item)
        value = {}
    elif not isinstance(value, dict):
        _keep(own, "", value)
        value = {}
    result: dict[str, Any] = {}
    for name, attribute, field, is_list in fields:
        raw = value.get(name)
        if is_list:
            items = [] if raw is None else raw if isinstance(raw, list) else [raw]
            if (type_name, name) in AT_MOST_ONE:
                for i, extra in enumerate(items[1:], start=1):
                    _keep(own, (name, i), extra)
                items = items[:1]
            # A null in a list of scalars stays null (not the text "None").
            scalar = field["type"] in _SCALARS
            result[attribute] = [
                None if item is None and scalar else _value(item, field, (name, i), own)
                for i, item in enumerate(items)
            ]
        else:
            if isinstance(raw, list) and len(raw) == 1:
                raw = raw[0]
            result[attribute] = None if raw is None else _value(raw, field, name, own)
    for key, extra in value.items():
        if key not in known:
            _keep(own, key, extra)
    result[UNKNOWN] = own
    return result


# A path within an object: a property's name, or (a path, an index in a list or a `/name`
# suffix), written out only when a value is kept (most values never are).
Path = str | tuple[Any, Any]


def _text(path: Path) -> str:
    if isinstance(path, str):
        return path
    head, tail = path
    return f"{_text(head)}[{tail}]" if isinstance(tail, int) else f"{_text(head)}{tail}"


@cache
def _compiled(
    type_name: str,
) -> tuple[tuple[tuple[str, str, dict[str, Any], bool], ...], frozenset[str]]:
    """A model type's fields as (JSON name, python name, field, is a list), and its known names."""
    spec = lefi_model()["types"][type_name]
    fields = tuple(
        (f["name"], python_name(f["name"]), f, bool(f.get("list"))) for f in spec["fields"]
    )
    return fields, frozenset(f["name"] for f in spec["fields"])


def _keep(unknown: list[UnknownValue], path: Path, value: Any) -> None:
    unknown.append(UnknownValue(_text(path), json_text(value)))


def json_text(value: Any) -> str:
    """JSON as LEFI wrote it: a number (read as Decimal) with the digits it came with, `1250.50`
    and `0.1000000000000000055511151231257827` included, never through float."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        items = (
            f"{json.dumps(key, ensure_ascii=False)}: {json_text(v)}" for key, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(json_text(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _value(raw: Any, field: dict[str, Any], path: Path, unknown: list[UnknownValue]) -> Any:
    kind = field["type"]
    if kind == "string" and isinstance(raw, dict) and ("id" in raw or "kod" in raw):
        # LEFI's own example sends a `{id, beskrivning}` code where the schema says string:
        # answer with the code, keep the whole object.
        _keep(unknown, path, raw)
        return str(raw.get("id", raw.get("kod")))
    reader = _SCALARS.get(kind)
    if reader is not None:
        try:
            return reader(raw)
        except (TypeError, ValueError, InvalidOperation):
            _keep(unknown, path, raw)
            return None
    special, key, key_type = _special(kind)
    if special == "code":
        return _code(raw, key, key_type, path, unknown)
    if special == "belopp":
        return _belopp(raw, path, unknown)
    if special == "omfattning":
        return _omfattning(raw, path, unknown)
    if special == "frantill":
        return _fran_till(raw, path, unknown)
    return normalise(raw, kind)


@cache
def _special(kind: str) -> tuple[str, Any, Any]:
    """A model type's kind (object, code, belopp, omfattning, frantill), a code's key and the
    JSON type of that key (`string` or `integer`)."""
    spec = lefi_model()["types"][kind]
    return spec["kind"], spec.get("key"), spec.get("keyType")


def _string(raw: Any) -> str:
    if isinstance(raw, dict | list):  # e.g. a `{id, beskrivning}` code where a string belongs
        raise ValueError("an object or list where a string belongs")
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return raw if isinstance(raw, str) else str(raw)


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("a boolean where an integer belongs")
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        return int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    raise ValueError("not an integer")


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError("a boolean where a number belongs")
    if isinstance(raw, Decimal | int):
        return Decimal(raw)
    if isinstance(raw, str):
        return Decimal(raw.strip().replace(",", "."))
    raise ValueError("not a number")


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise ValueError("not a boolean")


def _date(raw: Any) -> date:
    """A date, with or without a zone offset (dropped, as for every agency's dates); anything
    more (a time of day) is no date, and kept."""
    match = _DATE.match(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        raise ValueError("not a date")
    return date.fromisoformat(match[1])


def _datetime(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise ValueError("not a date-time")
    return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))


_SCALARS = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
}


def _code(
    raw: Any, key: str, key_type: str | None, path: Path, unknown: list[UnknownValue]
) -> dict[str, Any]:
    """A code given as `{kod|id, beskrivning}` or as the bare code. The code is answered as
    text; a key of another kind than the model's (a number where LEFI has text, as for
    `LefiBokstavskod.id`, or text where it has a number, as for `LefiSifferkod.id`) is also
    kept as it came."""
    if isinstance(raw, dict):
        used = next((name for name in (key, "kod", "id") if name in raw), key)
        code = _part(raw, used, _string, path, unknown)
        if code is not None and not _of_kind(raw[used], key_type):
            _keep(unknown, (path, f"/{used}"), raw[used])  # answered as text, kept as it came
        _keep_extra(raw, {used, "beskrivning"}, path, unknown)
        return {"kod": code, "beskrivning": _part(raw, "beskrivning", _string, path, unknown)}
    if isinstance(raw, list):
        _keep(unknown, path, raw)
        return {"kod": None, "beskrivning": None}
    return {"kod": _string(raw), "beskrivning": None}


def _of_kind(code: Any, key_type: str | None) -> bool:
    """Whether a code's key is of the kind the model gives it."""
    if key_type == "integer":
        return (isinstance(code, int) and not isinstance(code, bool)) or (
            isinstance(code, Decimal) and code == code.to_integral_value()
        )
    return key_type is None or isinstance(code, str)


def _belopp(raw: Any, path: Path, unknown: list[UnknownValue]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        try:
            return {"summa": _number(raw), "valuta": None}
        except (ValueError, InvalidOperation):
            _keep(unknown, path, raw)
            return {"summa": None, "valuta": None}
    summa = _part(raw, "summa", _number, path, unknown)
    valuta = _part(raw, "valuta", _string, path, unknown)
    _keep_extra(raw, {"summa", "valuta"}, path, unknown)
    return {"summa": summa, "valuta": valuta}


def _omfattning(raw: Any, path: Path, unknown: list[UnknownValue]) -> dict[str, Any]:
    """`{taljare, namnare}`: each None when LEFI left it out (or sent it of the wrong kind, which
    is kept); `andel` only when both are there and `namnare` is not 0."""
    if not isinstance(raw, dict):
        _keep(unknown, path, raw)
        raw = {}
    taljare = _part(raw, "taljare", _integer, path, unknown)
    namnare = _part(raw, "namnare", _integer, path, unknown)
    _keep_extra(raw, {"taljare", "namnare"}, path, unknown)
    return {
        "taljare": taljare,
        "namnare": namnare,
        "andel": Decimal(taljare) / Decimal(namnare) if taljare is not None and namnare else None,
    }


def _part(
    raw: dict[str, Any], name: str, reader: Any, path: Path, unknown: list[UnknownValue]
) -> Any:
    """A property of a LEFI value type read by `reader`; None when absent, kept when unreadable."""
    if raw.get(name) is None:
        return None
    try:
        return reader(raw[name])
    except (TypeError, ValueError, InvalidOperation):
        _keep(unknown, (path, f"/{name}"), raw[name])
        return None


def _keep_extra(
    raw: dict[str, Any], known: set[str], path: Path, unknown: list[UnknownValue]
) -> None:
    """Keep, in the order LEFI sent them, the properties a LEFI value type (a code, an amount,
    an extent, a period) does not have."""
    for extra in raw:
        if extra not in known:
            _keep(unknown, (path, f"/{extra}"), raw[extra])


def _fran_till(raw: Any, path: Path, unknown: list[UnknownValue]) -> dict[str, Any]:
    """A FK period: `fran` and `till` as LEFI wrote them (text) and as dates. An end that is not
    text, and a property LEFI does not name, are kept as they came; the end is then null."""
    if not isinstance(raw, dict):
        _keep(unknown, path, raw)
        raw = {}
    _keep_extra(raw, {"fran", "till"}, path, unknown)
    fran = _part(raw, "fran", _text_only, path, unknown)
    till = _part(raw, "till", _text_only, path, unknown)
    return {
        "fran": fran,
        "till": till,
        "fran_datum": _period_day(fran, first=True),
        "till_datum": _period_day(till, first=False),
    }


def _text_only(raw: Any) -> str:
    """Text as it came; anything else (a number, an object) is of the wrong kind."""
    if not isinstance(raw, str):
        raise ValueError("not text")
    return raw


def _period_day(value: Any, first: bool) -> date | None:
    """A FranTill end as a date: `YYYY-MM` is the month's first or last day; None when open."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        month = _YEAR_MONTH.match(value)
        if month:
            year, number = int(month[1]), int(month[2])
            day = 1 if first else calendar.monthrange(year, number)[1]
            return date(year, number, day)
        return date.fromisoformat(value[:10])
    except (ValueError, calendar.IllegalMonthError):
        return None  # the text itself stays in `fran`/`till`
