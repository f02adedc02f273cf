"""The XML agencies' answers, declared once.

Each field of an XML agency's answer (AF, the a-kassor, TNS, MIV, CSN, SKV) is one declaration:
its name, where it sits in the agency's XML, its kind and its description. From the declarations
come the decoder (`AgencyDeclaration.read`, compiled once per type), the classes of the decoded
values (frozen dataclasses with slots, one per `Type`), the tree of what the decoder knows
(everything else is kept in `ovriga_element`), the GraphQL types (`schema/declared.py`) and the
`Person` field with its planner (`schema/person_field.py agency_field`). Nothing here knows
GraphQL: a kind names the scalar it shows as, and the schema maps the name.

The vocabulary:
- `Field(name, path, kind, description)`: one value, the first one sent at `path`;
- `Items(name, path, kind, description)`: a list, every element at `path`;
- `Pairs(name, kind, description)`: a list paired by position from sibling repeated elements;
- `Derived(name, shows_as, description, compute, inputs)`: a value computed from other fields;
- `Unknown(description)`: `ovriga_element`, what the declaration does not name, at any depth;
- `Type(name, description, *fields)`: an object (a GraphQL type of that name);
- `Kind(shows_as, read)`: how text becomes a value (`TEXT`, `TRIMMED`, `DATE`, ... below);
- `AgencyDeclaration(agency, type, ...)`: an agency's answer, with its `Person` field.

Paths are local names joined by `/` from the type's element, in any namespace; `@name` is an
attribute. A tuple of paths gives alternatives: for a value the first one sent, for a list the
items of each, in order. A value that was not sent (no element, a nil element, no attribute) is
null whatever the kind; a kind's `read` sees only text that came. A field's name is the python
attribute of the decoded value; its GraphQL name is the same in camelCase (`lag_paragraf` →
`lagParagraf`; `from_` → `from`).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from lxml import etree

from resolvers.agencies import Agency
from resolvers.xmlread import (
    LEAF,
    NIL,
    NIL_VALUES,
    Known,
    child,
    children,
    stripped,
    to_bool,
    to_date,
    to_decimal,
    to_int,
    unknown_content,
)

UNKNOWN = "ovriga_element"


@dataclass(frozen=True)
class Kind:
    """How the text of an element or attribute becomes a value, and what the value shows as: a
    scalar's name (`String`, `Int`, `Boolean`, `Decimal`, `Date`, `Personnummer`) or a `Type`
    (a value read from text that has fields of its own, e.g. CSN's week)."""

    shows_as: str | Type
    read: Callable[[str], Any]


def _as_sent(value: str) -> str:
    return value


def _blank_is_null(value: str) -> str | None:
    return value.strip() or None


def _code(value: str) -> str | None:
    return value.strip() if value else None


TEXT = Kind("String", _as_sent)  # the text as sent; an empty element is ""
TRIMMED = Kind("String", stripped)  # trimmed of surrounding blanks
BLANK_IS_NULL = Kind("String", _blank_is_null)  # trimmed; blanks only is null
CODE = Kind("String", _code)  # a code: trimmed; an empty element is null
DATE = Kind("Date", to_date)  # xs:date, with or without an offset
DECIMAL = Kind("Decimal", to_decimal)  # xs:decimal as Decimal, never float
INT = Kind("Int", to_int)
BOOL = Kind("Boolean", to_bool)  # true/false/1/0


@dataclass(frozen=True)
class Field:
    """One value: the first one sent at `path` (None: given by the decoder's own code, for a
    type built from text such as CSN's week). `kind` is a `Kind` for text, or a `Type` for an
    object read from the element. `required`: never null (GraphQL non-null)."""

    name: str
    path: str | tuple[str, ...] | None
    kind: Kind | Type
    description: str
    required: bool = False
    deprecated: str | None = None


@dataclass(frozen=True)
class Items:
    """A list: every element at `path` (each path of a tuple, in order), each read as `kind`.
    Empty when none was sent, or null when `null_without`, the element that wraps the list, was
    not sent; `skip_nil`: nil elements are no items."""

    name: str
    path: str | tuple[str, ...]
    kind: Kind | Type
    description: str
    null_without: str | None = None
    skip_nil: bool = False
    deprecated: str | None = None


@dataclass(frozen=True)
class Pairs:
    """A list of `kind`, whose fields' paths name sibling elements that repeat: item `i` holds
    the `i`-th element of each name (null where one name has fewer)."""

    name: str
    kind: Type
    description: str
    deprecated: str | None = None


@dataclass(frozen=True)
class Derived:
    """A value the facade computes from other fields of the same object (`inputs`, by name)."""

    name: str
    shows_as: str
    description: str
    compute: Callable[..., Any]
    inputs: tuple[str, ...]
    deprecated: str | None = None


@dataclass(frozen=True)
class Unknown:
    """`ovriga_element`: every element and attribute below the agency's root that the
    declaration does not name, at any depth, as path and value (`xmlread.unknown_content`)."""

    description: str
    name: str = UNKNOWN
    deprecated: str | None = None


Member = Field | Items | Pairs | Derived | Unknown


class Type:
    """An object of an agency's answer: the GraphQL type `name`, and the frozen dataclass of
    the same name that the decoder makes (`cls`), read from an element by `read`."""

    def __init__(self, name: str, description: str, *fields: Member) -> None:
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{name} declares a field twice")
        self.name = name
        self.description = description
        self.fields = fields

    def __repr__(self) -> str:
        return f"Type({self.name!r})"

    @cached_property
    def cls(self) -> type:
        """The class of the decoded values: a frozen dataclass with slots, fields in order."""
        cls = dataclasses.make_dataclass(
            self.name, [(f.name, Any) for f in self.fields], frozen=True, slots=True
        )
        cls.__doc__ = self.description
        return cls

    @cached_property
    def known(self) -> dict[str, Any]:
        """The elements and attributes this type reads, as `xmlread.Known`."""
        tree: dict[str, Any] = {}
        for member in self.fields:
            if isinstance(member, Pairs):
                for item in member.kind.fields:
                    for path in _paths(getattr(item, "path", None)):
                        _add(tree, path, LEAF)
            elif isinstance(member, Field | Items):
                inner = member.kind.known if isinstance(member.kind, Type) else LEAF
                for path in _paths(member.path):
                    _add(tree, path, inner)
        return tree

    @cached_property
    def read(self) -> TypeReader:
        """The reader of this type's element, compiled once: one pass over each element's
        children, then each field from them."""
        return _compile(self)

    def types(self) -> Iterator[Type]:
        """This type and every type below it, each once."""
        seen: dict[int, Type] = {}
        _collect(self, seen)
        return iter(seen.values())


@dataclass(frozen=True, eq=False)
class AgencyDeclaration:
    """An XML agency's answer: `type` read at the first of `at` that was sent (none: the
    element given to `read` itself; nothing sent: no answer), with what it does not know kept
    from that element down. The `Person` field of the agency is named by the registry
    (`Agency.module_name`) and described by `about`; `fel` describes the agency's error. The
    classes of its types are put in `module` under their names, so that cached answers can be
    pickled."""

    agency: Agency
    type: Type
    about: str
    fel: str
    module: str
    at: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        keeping = [
            (declared, i)
            for declared in self.type.types()
            for i, member in enumerate(declared.fields)
            if isinstance(member, Unknown)
        ]
        if keeping != [(self.type, len(self.type.fields) - 1)]:
            raise ValueError(f"{self.type.name} and only it keeps unknown content, last")
        module = sys.modules.get(self.module)
        for declared in self.type.types():
            if module is not None and not hasattr(module, declared.name):
                declared.cls.__module__ = self.module
                setattr(module, declared.name, declared.cls)

    @cached_property
    def known(self) -> Known:
        """What the decoder reads below the element given to `read`."""
        if not self.at:
            return self.type.known
        tree: dict[str, Any] = {}
        for path in self.at:
            _add(tree, path, self.type.known)
        return tree

    @cached_property
    def _root(self) -> Reader:
        return _sent(self.at) if self.at else lambda element, _children: element

    def read(self, element: etree._Element) -> Any:
        """The decoded answer below `element`, or None when none of `at` was sent."""
        found = self._root(element, _children(element) if self.at else {})
        if found is None:
            return None
        return self.type.read(found, unknown_content(element, self.known))


def _paths(path: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if path is None:
        return ()
    return (path,) if isinstance(path, str) else path


def _add(tree: dict[str, Any], path: str, inner: Any) -> None:
    """Name `path` in `tree`, with `inner` (LEAF, or a type's tree) below it. The trees below are
    copied where they change: a type's own tree is shared by every place it is read."""
    *wrappers, last = path.split("/")
    for step in wrappers:
        if step in tree and tree[step] is LEAF:
            raise ValueError(f"{step} is read as a value and as a wrapper")
        tree[step] = tree = dict(tree.get(step) or {})
    if last in tree and (tree[last] is LEAF) != (inner is LEAF):
        raise ValueError(f"{last} is read as a value and as an object")
    tree[last] = _merged(tree[last], inner) if last in tree and inner is not LEAF else inner


def _merged(one: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    merged = dict(one)
    for name, inner in other.items():
        held = merged.get(name)
        merged[name] = _merged(held, inner) if held and inner else inner
    return merged


def _collect(declared: Type, seen: dict[int, Type]) -> None:
    if id(declared) in seen:
        return
    seen[id(declared)] = declared
    for member in declared.fields:
        kind = getattr(member, "kind", None)
        if isinstance(kind, Kind):
            kind = kind.shows_as
        if isinstance(kind, Type):
            _collect(kind, seen)


# -- reading ------------------------------------------------------------------------------------

# An element's child elements by local name (`_children`).
Children = dict[str, list[etree._Element]]
Reader = Callable[[etree._Element, Children], Any]


class TypeReader(Protocol):
    """A type's compiled reader (`Type.read`): its value from its element, with the unknown
    content to keep where the type keeps it."""

    def __call__(self, element: etree._Element, unknown: Any = None, /) -> Any: ...


def _children(element: etree._Element) -> Children:
    """The child elements by local name, in document order (comments and processing
    instructions, whose tag is not a string, left out)."""
    found: dict[str, list[etree._Element]] = {}
    for item in element:
        tag = item.tag
        if tag.__class__ is str:
            name = tag[tag.find("}") + 1 :]
            held = found.get(name)
            if held is None:
                found[name] = [item]
            else:
                held.append(item)
    return found


def _wrapper(steps: tuple[str, ...]) -> Callable[[etree._Element, Children], etree._Element | None]:
    """The element that holds a path's last step: the type's own element, or the first of each
    wrapper in turn."""
    if not steps:
        return lambda element, _children: element

    head, rest = steps[0], steps[1:]

    def wrapper(element: etree._Element, children: Children) -> etree._Element | None:
        found = children.get(head)
        if found is None:
            return None
        inside = found[0]
        for step in rest:
            following = child(inside, step)
            if following is None:
                return None
            inside = following
        return inside

    return wrapper


def _raw(path: str) -> Reader:
    """What is at one path: its first element, or an attribute's text; None when not sent."""
    *wrappers, last = path.split("/")
    if last.startswith("@"):
        attribute = last[1:]
        if not wrappers:
            return lambda element, _children: element.get(attribute)
        holder = _wrapper(tuple(wrappers))

        def nested_attribute(element: etree._Element, children: Children) -> str | None:
            inside = holder(element, children)
            return None if inside is None else inside.get(attribute)

        return nested_attribute
    if not wrappers:

        def direct(_element: etree._Element, children: Children) -> etree._Element | None:
            found = children.get(last)
            return None if found is None else found[0]

        return direct
    holder = _wrapper(tuple(wrappers))

    def nested(element: etree._Element, children: Children) -> etree._Element | None:
        inside = holder(element, children)
        return None if inside is None else child(inside, last)

    return nested


def _value(kind: Kind | Type) -> Callable[[Any], Any]:
    """A value from what a path gave: text through the kind, an element through its type."""
    if isinstance(kind, Type):
        read_type = kind.read
        return lambda found: None if found is None else read_type(found)
    read = kind.read

    def value(found: Any) -> Any:
        if found is None:
            return None
        if found.__class__ is str:  # an attribute
            return read(found)
        if found.get(NIL) in NIL_VALUES:
            return None
        return read(found.text or "")

    return value


def _sent(paths: tuple[str, ...]) -> Reader:
    """What the first of `paths` that was sent gives: an element, or an attribute's text."""
    raws = [_raw(path) for path in paths]
    if len(raws) == 1:
        return raws[0]

    def first_sent(element: etree._Element, children: Children) -> Any:
        for raw in raws:
            found = raw(element, children)
            if found is not None and (found.__class__ is not str or found):  # "": no attribute
                return found
        return None

    return first_sent


def _field(member: Field) -> Reader:
    if member.path is None:
        return lambda _element, _children: None
    value, sent = _value(member.kind), _sent(_paths(member.path))
    return lambda element, children: value(sent(element, children))


def _elements(path: str) -> Callable[[etree._Element, Children], list[etree._Element]]:
    *wrappers, last = path.split("/")
    if last.startswith("@"):
        raise ValueError(f"a list cannot be read from an attribute ({path})")
    if not wrappers:
        return lambda _element, children: children.get(last) or []
    holder = _wrapper(tuple(wrappers))

    def nested(element: etree._Element, by_name: Children) -> list[etree._Element]:
        return children(holder(element, by_name), last)

    return nested


def _items(member: Items) -> Reader:
    value = _value(member.kind)
    sources = [_elements(path) for path in _paths(member.path)]
    without, skip_nil = member.null_without, member.skip_nil

    def items(element: etree._Element, children: Children) -> list[Any] | None:
        if without is not None and without not in children:
            return None
        found = sources[0](element, children)
        for source in sources[1:]:
            found = found + source(element, children)
        if skip_nil:
            found = [item for item in found if item.get(NIL) not in NIL_VALUES]
        return [value(item) for item in found]

    return items


def _pairs(member: Pairs) -> Reader:
    cls = member.kind.cls
    columns = []
    for item in member.kind.fields:
        if not isinstance(item, Field) or not isinstance(item.path, str) or "/" in item.path:
            raise ValueError(f"{member.name}: each paired field is one element name")
        columns.append((item.path, _value(item.kind)))

    def pairs(_element: etree._Element, children: Children) -> list[Any]:
        found = [(children.get(name) or [], value) for name, value in columns]
        count = max((len(elements) for elements, _ in found), default=0)
        return [
            cls(*(value(elements[i]) if i < len(elements) else None for elements, value in found))
            for i in range(count)
        ]

    return pairs


def _compile(declared: Type) -> TypeReader:
    cls = declared.cls
    readers: list[Reader] = []
    derived: list[tuple[int, Callable[..., Any], tuple[str, ...]]] = []
    unknown_at = None
    for index, member in enumerate(declared.fields):
        if isinstance(member, Field):
            readers.append(_field(member))
        elif isinstance(member, Items):
            readers.append(_items(member))
        elif isinstance(member, Pairs):
            readers.append(_pairs(member))
        else:
            readers.append(lambda _element, _children: None)
            if isinstance(member, Derived):
                derived.append((index, member.compute, member.inputs))
            else:
                unknown_at = index
    names = [f.name for f in declared.fields]

    def read(element: etree._Element, unknown: Any = None) -> Any:
        children = _children(element)
        values = [reader(element, children) for reader in readers]
        if unknown_at is not None:
            values[unknown_at] = unknown
        if derived:
            named = dict(zip(names, values, strict=True))
            for index, compute, inputs in derived:
                values[index] = compute(*(named[name] for name in inputs))
        return cls(*values)

    return read
