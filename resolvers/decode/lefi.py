"""The FK slot's payload: base64 of a LEFI v9 JSON answer, read against the project's LEFI model.

Reading is lenient where LEFI's own examples are (`avvikelser` as an array, `beslut` as one object,
codes as plain strings or `{id, beskrivning}`, `YYYY-MM` and open-ended periods) and lossless:
a property the model does not know, or a value of the wrong kind, is kept in `ovriga_falt` as the
JSON LEFI sent. Numbers are Decimal, never float, kept ones too. What LEFI did not send is None,
never a default. The result is plain dicts keyed by python field names.

Read at the speed of the wire (issue 23, docs/performance.md): the base64 is decoded without a
copy first, the JSON is read once by msgspec (over `JSON_PIECE_BYTES` a piece at a time; a
number with a fraction or an exponent as the Decimal of its text; the json module reads what
msgspec refuses), and each model object type is
read by a function compiled once from the model (`normalise`), which takes the shapes LEFI sends
on a fast path and leaves any other value to the general reading (`reference_normalise` and its
helpers), which defines what is answered.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import json
import keyword
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

import msgspec
from lxml import etree

from resolvers.contract import CONTRACT_DIR
from resolvers.courtesy import giving_way
from resolvers.xmlread import PayloadError, UnknownValue, text

UNKNOWN = "ovriga_falt"
V = TypeVar("V")
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
    model: dict[str, Any] = json.loads(
        (CONTRACT_DIR / "lefi-v9-model.json").read_text(encoding="utf-8")
    )
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
    return decode_payload(text(data, "lefiJsonSvar"))


def decode_payload(encoded: str | None) -> dict[str, Any]:
    """The text of `lefiJsonSvar` (base64 of a LEFI JSON answer, None when it was not sent),
    decoded and normalised."""
    if encoded is None:
        raise PayloadError("lefiJsonSvar is missing")
    return normalise(json_document(_base64(encoded)), lefi_model()["root"])


def json_document(raw: bytes) -> dict[str, Any]:
    """LEFI's JSON answer read once, every number with a fraction or an exponent as the Decimal
    of its text: by msgspec, which hands that text to `Decimal` (`float_hook`) and reads the rest
    in 0.5-0.7 of the json module's time; what msgspec does not read (NaN, a byte order mark,
    UTF-16, a lone surrogate, anything broken) is read by the json module as before, or refused
    as before. (orjson has no such hook, and a float would lose digits.)"""
    try:
        document = _in_pieces(raw)
    except Exception:  # whatever it is, the json module reads or refuses it as before
        document = read_json(raw)
    if not isinstance(document, dict):
        raise PayloadError("lefiJsonSvar is not a JSON object")
    return document


_JSON = msgspec.json.Decoder(float_hook=Decimal)
# A JSON text larger than this is read a piece at a time: each object or array of more is read
# as its members' raw texts first, then each member on its own. One msgspec call holds the
# interpreter until it returns, so the event loop (decoding runs in a worker thread) waits at
# most for one piece, not for the whole answer (the huge answer's 1.2 MB: 5-11 ms in one call;
# 256 KiB about 1 ms). Reading in pieces costs a half more than one call (a whole person's
# 167 KB: 1.0 against 0.7 ms), so an answer of this size or less is read in one.
JSON_PIECE_BYTES = 256 * 1024
_JSON_MEMBERS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_JSON_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])


def _in_pieces(raw: bytes | msgspec.Raw) -> Any:
    """A JSON text read as `_JSON` reads it (the same values, keys in the same order, a key
    given twice the last value), a piece at a time."""
    if len(raw) > JSON_PIECE_BYTES:
        first = bytes(memoryview(raw)[:1])
        if first == b"{":
            members = _JSON_MEMBERS.decode(raw)
            return dict(zip(members, giving_way(list(members.values()), _in_pieces), strict=True))
        if first == b"[":
            return giving_way(_JSON_ITEMS.decode(raw), _in_pieces, batch=1)
    return _JSON.decode(raw)


def read_json(raw: bytes) -> Any:
    """JSON read by the json module, every number with a fraction or an exponent as the Decimal
    of its text: the decoder's way before issue 23, and its way still for what msgspec refuses."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PayloadError("lefiJsonSvar is not valid JSON") from None


def _base64(encoded: str) -> bytes:
    """The bytes of base64 text, as `xmlread.base64_of` reads them (blanks allowed), without
    first copying a text that has none: strict decoding refuses a blank, and only then are they
    taken out."""
    try:
        return binascii.a2b_base64(encoded, strict_mode=True)
    except (binascii.Error, ValueError):
        try:
            return base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            raise PayloadError("lefiJsonSvar is not valid base64") from None


def normalise(value: Any, type_name: str) -> dict[str, Any]:
    """A JSON value read as the model object type `type_name` by the type's compiled reader:
    what `reference_normalise` answers (the same dicts, keys, values and `ovriga_falt` entries,
    in the same order), without its work per value where a value is of the kind LEFI sends.

    Every object keeps its own `ovriga_falt`: properties the model does not know and values of
    the wrong kind, with paths relative to that object.
    """
    read: Callable[[Any], dict[str, Any]] = _readers()[f"read_{type_name}"]  # compiled code
    return read(value)


def reference_normalise(value: Any, type_name: str) -> dict[str, Any]:
    """A JSON value read as the model object type `type_name`, value by value: the general
    lenient reading, which defines what `normalise` answers (tests/test_lefi_fast.py compares
    the two on every simulator answer and on crafted ones) and which its readers fall back on for
    a value that is not of the kind they expect.

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
    return reference_normalise(raw, kind)


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


# --- The compiled readers ---------------------------------------------------------------------
#
# One function per model object type, generated from the model once (`_readers`). Each reads its
# known properties in the model's order with a few statements that take the kind LEFI sends on a
# fast path (type identity, no call), and hand anything else (a list of one, a wrong kind, a code
# with other keys, an amount as text) to the general reading above (`_value`), with the
# property's name as the path: a path is written out only when a value is kept.

_FAST_TYPE = {"string": "str", "integer": "int", "boolean": "bool"}
# Date texts and period ends read once and remembered (short texts only, and a bounded number):
# the same days come back in every payment and every decision.
_MAX_REMEMBERED = 20_000
_DAYS: dict[str, date] = {}
_FIRST_DAYS: dict[str | None, date | None] = {None: None}
_LAST_DAYS: dict[str | None, date | None] = {None: None}
_ANDELAR: dict[tuple[int, int], Decimal | None] = {}


@cache
def _readers() -> dict[str, Any]:
    """The namespace of the readers: `read_<type>` for every model object type, compiled when
    it is first called (a reader calls the reader of a nested type by that name)."""
    namespace: dict[str, Any] = {
        "Decimal": Decimal,
        "DAYS": _DAYS,
        "FIRST": _FIRST_DAYS,
        "LAST": _LAST_DAYS,
        "ANDEL": _ANDELAR,
        "FRAN_TILL": frozenset({"fran", "till"}),
        "single": _single,
        "single_day": _single_day,
        "single_object": _single_object,
        "item": _item,
        "at_most_one": _at_most_one,
        "odd_object": _odd_object,
        "unknown_properties": _unknown_properties,
        "first_day": _first_day,
        "last_day": _last_day,
        "andel": _andel,
        "giving_way": giving_way,
    }
    for name, spec in lefi_model()["types"].items():
        if not name.isidentifier():
            raise ValueError(f"a LEFI model type's name is not a name in Python: {name!r}")
        if spec["kind"] == "object":
            namespace[f"read_{name}"] = _compiled_when_called(namespace, name)
    return namespace


def _compiled_when_called(namespace: dict[str, Any], type_name: str) -> Any:
    """A stand-in for a type's reader that compiles the reader, puts it in its place and reads."""

    def read(value: Any) -> dict[str, Any]:
        source, constants = _object_reader(type_name)
        namespace.update(constants)
        exec(compile(source, f"<LEFI reader of {type_name}>", "exec"), namespace)
        compiled: Callable[[Any], dict[str, Any]] = namespace[f"read_{type_name}"]
        return compiled(value)

    return read


def _object_reader(type_name: str) -> tuple[str, dict[str, Any]]:
    """The source of one object type's reader, and the constants it names."""
    fields = lefi_model()["types"][type_name]["fields"]
    known = f"KNOWN_{type_name}"
    constants: dict[str, Any] = {known: frozenset(f["name"] for f in fields)}
    body: list[str] = []
    for index, field in enumerate(fields):
        spec = f"F{index}_{type_name}"
        constants[spec] = field
        body += _field_reader(f"v{index}", field, spec, type_name)
    values = "".join(f"{python_name(f['name'])!r}: v{i}, " for i, f in enumerate(fields))
    lines = [
        f"def read_{type_name}(value):",
        "    if type(value) is not dict:",
        f"        return odd_object(value, read_{type_name})",
        "    own = []",
        "    get = value.get",
        *(f"    {line}" for line in body),
        f"    if not value.keys() <= {known}:",
        f"        unknown_properties(value, {known}, own)",
        f"    return {{{values}{UNKNOWN!r}: own}}",
    ]
    return "\n".join(lines), constants


def _field_reader(value: str, field: dict[str, Any], spec: str, type_name: str) -> list[str]:
    """Statements that read one field of a JSON object (`get`) into the variable `value`."""
    name, kind = repr(field["name"]), field["type"]
    kind_of_type = lefi_model()["types"].get(kind, {}).get("kind")
    if field.get("list"):
        if (type_name, field["name"]) in AT_MOST_ONE:
            if kind_of_type != "object":
                raise ValueError("only a list of objects may be read as one object")
            return [
                f"x = get({name})",
                f"{value} = [] if x is None else at_most_one(x, {name}, own, read_{kind})",
            ]
        if kind_of_type == "object":
            return [
                f"x = get({name})",
                f"if x is None: {value} = []",
                f"elif isinstance(x, list): {value} = giving_way(x, read_{kind})",
                f"else: {value} = [read_{kind}(x)]",
            ]
        # A null in a list of scalars stays null; in a list of a value type it is read as any
        # value that is not of the type's shape.
        null = "None" if kind in _SCALARS else f"item(x, {spec}, {name}, i, own)"
        return [
            f"xs = get({name})",
            f"{value} = []",
            "if xs is not None:",
            "    for i, x in enumerate(xs if isinstance(xs, list) else [xs]):",
            f"        if x is None: {value}.append({null})",
            *(
                f"        elif {test}: {value}.append({read})"
                for test, read in _fast(kind, kind_of_type)
            ),
            f"        else: {value}.append(item(x, {spec}, {name}, i, own))",
        ]
    if kind_of_type == "object":
        return [
            f"x = get({name})",
            f"if x is None: {value} = None",
            f"elif type(x) is dict: {value} = read_{kind}(x)",
            f"else: {value} = single_object(x, read_{kind})",
        ]
    general = "single_day" if kind == "date" else "single"
    return [
        f"x = get({name})",
        f"if x is None: {value} = None",
        *(f"elif {test}: {value} = {read}" for test, read in _fast(kind, kind_of_type)),
        f"else: {value} = {general}(x, {spec}, {name}, own)",
    ]


def _fast(kind: str, kind_of_type: str | None) -> list[tuple[str, str]]:
    """The fast paths of a kind of value `x` that is not null: (the test of its shape, its
    reading). Each is the shape LEFI sends, with nothing more; the general reading is left for
    anything else."""
    if kind in _FAST_TYPE:
        return [(f"type(x) is {_FAST_TYPE[kind]}", "x")]
    if kind == "number":
        return [("type(x) is Decimal", "x"), ("type(x) is int", "Decimal(x)")]
    if kind == "date":
        return [("type(x) is str and x in DAYS", "DAYS[x]")]
    if kind == "datetime":
        return []
    if kind_of_type == "code":
        spec = lefi_model()["types"][kind]
        key, key_type = spec["key"], spec["keyType"]
        code = "k" if key_type == "string" else "str(k)"
        return [
            (
                f"type(x) is dict and type(k := x.get({key!r})) is {_FAST_TYPE[key_type]}"
                " and ((n := len(x)) == 1 or n == 2 and type(b := x.get('beskrivning')) is str)",
                f"{{'kod': {code}, 'beskrivning': b if n == 2 else None}}",
            ),
            ("type(x) is str", "{'kod': x, 'beskrivning': None}"),
        ]
    if kind_of_type == "belopp":
        return [
            (
                "type(x) is dict and len(x) == 2 and type(s := x.get('summa')) is Decimal"
                " and type(c := x.get('valuta')) is str",
                "{'summa': s, 'valuta': c}",
            )
        ]
    if kind_of_type == "omfattning":
        return [
            (
                "type(x) is dict and len(x) == 2 and type(t := x.get('taljare')) is int"
                " and type(n := x.get('namnare')) is int",
                "{'taljare': t, 'namnare': n,"
                " 'andel': ANDEL[t, n] if (t, n) in ANDEL else andel(t, n)}",
            )
        ]
    if kind_of_type == "frantill":
        return [
            (
                "type(x) is dict and x.keys() <= FRAN_TILL"
                " and (type(a := x.get('fran')) is str or a is None)"
                " and (type(b := x.get('till')) is str or b is None)",
                "{'fran': a, 'till': b,"
                " 'fran_datum': FIRST[a] if a in FIRST else first_day(a),"
                " 'till_datum': LAST[b] if b in LAST else last_day(b)}",
            )
        ]
    raise ValueError(f"the LEFI model has a kind the readers do not know: {kind}")


def _single(raw: Any, field: dict[str, Any], path: Path, unknown: list[UnknownValue]) -> Any:
    """A property that is not a list, read generally: a list of one is its item."""
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    return None if raw is None else _value(raw, field, path, unknown)


def _single_day(raw: Any, field: dict[str, Any], path: Path, unknown: list[UnknownValue]) -> Any:
    """A date property read generally; a text that is a date is remembered."""
    day = _single(raw, field, path, unknown)
    if day is not None and type(raw) is str and len(raw) <= 32 and len(_DAYS) < _MAX_REMEMBERED:
        _DAYS[raw] = day
    return day


def _single_object(raw: Any, read: Any) -> Any:
    """An object property that is not a JSON object: a list of one is its item."""
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    return None if raw is None else read(raw)


def _item(
    raw: Any, field: dict[str, Any], name: str, index: int, unknown: list[UnknownValue]
) -> Any:
    """An item of a list of scalars or of a LEFI value type, read generally."""
    return _value(raw, field, (name, index), unknown)


def _at_most_one(
    raw: Any, name: str, unknown: list[UnknownValue], read: Callable[[Any], dict[str, Any]]
) -> list[dict[str, Any]]:
    """A list the contract allows one item in (`AT_MOST_ONE`): the first read, the rest kept."""
    items = raw if isinstance(raw, list) else [raw]
    for index, extra in enumerate(items[1:], start=1):
        _keep(unknown, (name, index), extra)
    return [read(item) for item in items[:1]]


def _odd_object(value: Any, read: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """An object type's reading of a value that is not a JSON object: a list's items and any
    other value kept, every field empty."""
    if isinstance(value, dict):  # a mapping of another class than JSON's
        return read(dict(value))
    own: list[UnknownValue] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            _keep(own, f"[{index}]", item)
    else:
        _keep(own, "", value)
    result = read({})
    result[UNKNOWN] = own
    return result


def _unknown_properties(
    value: dict[str, Any], known: frozenset[str], unknown: list[UnknownValue]
) -> None:
    """Keep, in the order LEFI sent them, the properties of an object the model does not know."""
    for key, extra in value.items():
        if key not in known:
            _keep(unknown, key, extra)


def _first_day(text: str) -> date | None:
    """A FranTill start as a date (`_period_day`), remembered."""
    return _remember(_FIRST_DAYS, text, _period_day(text, first=True))


def _last_day(text: str) -> date | None:
    """A FranTill end as a date (`_period_day`), remembered."""
    return _remember(_LAST_DAYS, text, _period_day(text, first=False))


def _andel(taljare: int, namnare: int) -> Decimal | None:
    """An extent's share (`_omfattning`), remembered for small numbers (computed in the decimal
    context of the thread that first needs it; the facade never changes that context)."""
    andel = Decimal(taljare) / Decimal(namnare) if namnare else None
    if -1000 < taljare < 1000 and -1000 < namnare < 1000 and len(_ANDELAR) < _MAX_REMEMBERED:
        _ANDELAR[taljare, namnare] = andel
    return andel


def _remember(known: dict[str | None, V], text: str, value: V) -> V:
    if len(text) <= 32 and len(known) < _MAX_REMEMBERED:
        known[text] = value
    return value
