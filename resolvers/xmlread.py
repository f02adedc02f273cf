"""Lenient reading of agency XML: by local name, tolerant of the deviations real answers show.

Real answers differ from the XSDs: missing required wrappers, dates with offsets
(`2016-11-18+01:00`), repeated elements that appear once, empty optional wrappers. These helpers
read what is there, turn text into typed values, and keep what the decoders do not model.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import cast

from lxml import etree

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# Entities are never resolved and nothing is fetched; base64 payloads can make huge text nodes.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
)

_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?\s*$")

# How deep unknown content may nest below the element a decoder reads it from. Agency documents
# are a dozen levels deep; deeper is an attack or a fault, and reading it must not exhaust the
# stack.
MAX_DEPTH = 100
# What may stand before the root element besides a document type declaration: blanks, the XML
# declaration and processing instructions, comments.
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_UTF8_BOM = b"\xef\xbb\xbf"


class PayloadError(ValueError):
    """A part of the answer cannot be read; the message names the part, never its content."""


@dataclass(frozen=True)
class UnknownValue:
    """Content the facade does not model: its path below the decoded part, and its text."""

    path: str
    value: str | None


def parse_xml(data: bytes | str, what: str) -> etree._Element:
    """Parse an XML document safely, raising PayloadError that names `what` on failure."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        return etree.fromstring(raw, parser=SAFE_PARSER)
    except etree.XMLSyntaxError:
        raise PayloadError(f"{what} is not well-formed XML") from None


def parse_document(data: bytes | str, what: str) -> etree._Element:
    """Parse a whole document that came from upstream (the SOAP envelope, CSN's and Skatteverket's
    payloads): as `parse_xml`, but a document type declaration is refused before parsing. SOAP
    forbids one, the agencies' schemas need none, and its entities would only be dropped (they are
    never resolved), or declare external files and exponential expansions."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _declares_doctype(raw):
        raise PayloadError(f"{what} has a document type declaration, which is not allowed")
    root = parse_xml(raw, what)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # in an encoding the scan cannot read
        raise PayloadError(f"{what} has a document type declaration, which is not allowed")
    return root


def _declares_doctype(raw: bytes) -> bool:
    """Whether a `<!DOCTYPE` stands before the root element (UTF-8 and ASCII documents)."""
    position = len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    while (item := _PROLOG_ITEM.match(raw, position)) is not None:
        position = item.end()
    return raw[position : position + 32].lstrip().startswith(b"<!DOCTYPE")


def base64_of(parent: etree._Element, name: str, what: str) -> bytes:
    """The bytes of a base64 child element (whitespace allowed); PayloadError naming `what`."""
    encoded = text(parent, name)
    if encoded is None:
        raise PayloadError(f"{what} is missing")
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadError(f"{what} is not valid base64") from None


def local(element: etree._Element) -> str:
    """The local name of an element, without its namespace (`{ns}name` or `name`)."""
    tag = cast(str, element.tag)  # a parsed element's tag is a str (lxml's types allow bytes)
    return tag[tag.find("}") + 1 :]


def elements(parent: etree._Element | None) -> Iterator[etree._Element]:
    """The child elements of `parent`, skipping comments and processing instructions."""
    if parent is None:
        return iter(())
    return (child for child in parent if isinstance(child.tag, str))


def named(item: etree._Element, name: str) -> bool:
    """Whether `item` is an element of this local name (not a comment or instruction)."""
    tag = item.tag
    return tag.__class__ is str and tag[tag.find("}") + 1 :] == name


def child(parent: etree._Element | None, name: str) -> etree._Element | None:
    """The first child element with this local name, in any namespace."""
    if parent is None:
        return None
    for item in parent:
        if named(item, name):
            return item
    return None


def children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    """Every child element with this local name, in any namespace."""
    return [] if parent is None else [item for item in parent if named(item, name)]


# `xsi:nil`, and the values that mark an element nil.
NIL = f"{{{XSI_NS}}}nil"
NIL_VALUES = ("true", "1")


def is_nil(element: etree._Element | None) -> bool:
    """Whether the element is absent or marked `xsi:nil="true"`."""
    if element is None:
        return True
    return element.get(NIL) in NIL_VALUES


def text(parent: etree._Element | None, name: str) -> str | None:
    """The text of a child element, None when absent or nil; surrounding blanks kept."""
    found = child(parent, name)
    if found is None or is_nil(found):
        return None
    return found.text or ""


def stripped(value: str | None) -> str | None:
    """A text trimmed of surrounding blanks (a number or code some agencies pad); None, for an
    element that was not sent, stays None: nothing stands in for what is missing."""
    return None if value is None else value.strip()


def to_date(value: str | None) -> date | None:
    """An xs:date, with or without a timezone offset; None for empty text."""
    if value is None or not value.strip():
        return None
    match = _DATE.match(value)
    if not match:
        raise PayloadError("a date is not in the form YYYY-MM-DD")
    return date(int(match[1]), int(match[2]), int(match[3]))


def to_decimal(value: str | None) -> Decimal | None:
    """An xs:decimal as Decimal (never float); None for empty text."""
    if value is None or not value.strip():
        return None
    try:
        return Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise PayloadError("a number is not a decimal") from None


def to_int(value: str | None) -> int | None:
    """An xs:int; None for empty text."""
    if value is None or not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise PayloadError("a number is not an integer") from None


def to_bool(value: str | None) -> bool | None:
    """An xs:boolean (`true`, `false`, `1`, `0`); None for empty text."""
    if value is None or not value.strip():
        return None
    normalised = value.strip().lower()
    if normalised in ("true", "1"):
        return True
    if normalised in ("false", "0"):
        return False
    raise PayloadError("a boolean is not true or false")


# The elements (and `@attributes`) a decoder reads, as a tree: a name maps to the tree below it,
# or to LEAF when the decoder reads the element's text.
Known = Mapping[str, "Known | None"]
LEAF = None


def unknown_content(
    element: etree._Element | None, known: Known, path: str = ""
) -> list[UnknownValue]:
    """Everything below `element` that the `known` tree does not name, flattened to leaves.

    Open content (`xs:any`), elements and attributes newer than our schemas all land here, so
    nothing an agency sends is lost; that includes attributes and child elements of an element the
    decoder reads as a value. Paths are local names joined by `/`, relative to `element`; an
    element that repeats gets its index, `Arende[1]`. Content nested more than `MAX_DEPTH` levels
    below `element` is a PayloadError.
    """
    return _unknown(element, known, path, 0)


def _unknown(
    element: etree._Element | None, known: Known, path: str, depth: int
) -> list[UnknownValue]:
    # As `_indexed`, but most children are values the decoder reads, with nothing of their own,
    # and are passed over without a path made for them.
    if element is None:
        return []
    found = (
        [
            UnknownValue(f"{path}@{name}", value)
            for name, value in _attributes(element)
            if f"@{name}" not in known
        ]
        if element.keys()
        else []
    )
    items = _named_children(element)
    if not items:
        return found
    depth += 1
    if depth > MAX_DEPTH:
        raise PayloadError(f"an element is nested more than {MAX_DEPTH} levels deep")
    indexes = _sibling_indexes(items)
    for position, (item, name) in enumerate(items):
        index = -1 if indexes is None else indexes[position]
        inner = known.get(name, _NOT_KNOWN)
        if inner is LEAF and not len(item) and not item.keys():
            continue  # a value read as such, with nothing of its own
        item_path = f"{path}{name}" if index < 0 else f"{path}{name}[{index}]"
        if inner is _NOT_KNOWN:
            found.extend(_flatten(item, item_path, depth))
        else:
            found.extend(_unknown(item, inner or {}, f"{item_path}/", depth))
    return found


_NOT_KNOWN: Known = {}  # a name's tree where `known` has none


def _flatten(element: etree._Element, path: str, depth: int) -> list[UnknownValue]:
    values = [UnknownValue(f"{path}/@{name}", value) for name, value in _attributes(element)]
    if next(elements(element), None) is None:
        values.append(UnknownValue(path, None if is_nil(element) else (element.text or "")))
    for item, _name, item_path in _indexed(element, f"{path}/", depth + 1):
        values.extend(_flatten(item, item_path, depth + 1))
    return values


def _attributes(element: etree._Element) -> Iterator[tuple[str, str]]:
    """Attributes by local name, leaving out `xsi:` ones (nil, type), which are markup."""
    for name, value in element.attrib.items():
        qname = etree.QName(name)
        if qname.namespace != XSI_NS:
            yield qname.localname, value


def _indexed(
    element: etree._Element, prefix: str, depth: int
) -> Iterator[tuple[etree._Element, str, str]]:
    """Each child element with its local name and its path; a name that repeats among siblings
    gets `[i]`. The children are `depth` levels below where reading began: past MAX_DEPTH, a
    PayloadError."""
    items = _named_children(element)
    if not items:
        return
    if depth > MAX_DEPTH:
        raise PayloadError(f"an element is nested more than {MAX_DEPTH} levels deep")
    indexes = _sibling_indexes(items)
    for position, (item, name) in enumerate(items):
        index = -1 if indexes is None else indexes[position]
        yield item, name, f"{prefix}{name}" if index < 0 else f"{prefix}{name}[{index}]"


def _named_children(element: etree._Element) -> list[tuple[etree._Element, str]]:
    """The child elements with their local names (comments and processing instructions left
    out)."""
    items = []
    for item in element:
        tag = item.tag
        if tag.__class__ is str:
            items.append((item, tag[tag.find("}") + 1 :]))
    return items


def _sibling_indexes(items: list[tuple[etree._Element, str]]) -> list[int] | None:
    """Each child's index among the siblings of its name, -1 where its name does not repeat;
    None where no name repeats."""
    if len({name for _item, name in items}) == len(items):
        return None
    counts: dict[str, int] = {}
    for _item, name in items:
        counts[name] = counts.get(name, 0) + 1
    seen: dict[str, int] = {}
    indexes = []
    for _item, name in items:
        if counts[name] == 1:
            indexes.append(-1)
            continue
        index = seen.get(name, 0)
        seen[name] = index + 1
        indexes.append(index)
    return indexes
