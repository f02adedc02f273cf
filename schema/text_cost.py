"""What each operation of a document costs at least, read from its tokens without parsing it.

Parsing a 64 KB document builds some hundred thousand objects that the garbage collector then
walks (a full collection, 50 ms and more, holds the event loop from whichever thread triggers
it). A document far over the operation limits (1000 aliases, 5000 times `__typename`) is refused
here instead: for each operation, its own text's fields, aliases and levels of fields are
counted, as `schema/limits.py selection_cost` counts them but without the fragments it spreads.
That is never more than the operation costs, so an operation over a limit here is over it in
`selection_cost` too, and is refused with the same error (the same message, at the same place);
with spread fragments it may have further errors the parse would have found.

A document this reading does not follow (it would not parse, or is not an executable document)
gives None, and is parsed as any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from schema.token_count import tokens

_OPERATION_KEYWORDS = frozenset({"query", "mutation", "subscription"})
_OPENING = {"(": ")", "[": "]", "{": "}"}


@dataclass
class OperationText:
    """One operation's own text: where it starts, and its fields, aliases and levels."""

    start: int
    fields: int = 0
    aliases: int = 0
    depth: int = 0


class _NotFollowed(Exception):
    """The document is not one this reading follows."""


def operation_costs(document: str) -> list[OperationText] | None:
    """Each operation's own text's cost, in document order; None when the document is not one
    this reading follows."""
    try:
        return _read(document)
    except _NotFollowed:
        return None


# What the reader expects next inside a selection set.
_SELECTION, _NAMED, _FIELD_NAME, _AFTER_FIELD, _SPREAD, _CONDITION, _AFTER_FRAGMENT = range(7)
_DIRECTIVE_NAME = 7


def _read(document: str) -> list[OperationText]:
    operations: list[OperationText] = []
    current: OperationText | None = None  # the operation being read; None in a fragment
    counting = False  # whether the definition being read is an operation
    defining = False  # a definition's head was read (`query Q`, `fragment F on T`)
    values: list[str] = []  # closers of ( [ { in arguments, variables and values
    sets: list[bool] = []  # selection sets open, each whether it is a level of fields
    levels = 0  # the levels of fields open (sets that are a field's or an operation's)
    state = _SELECTION
    after_directive = _AFTER_FIELD
    for text, start in tokens(document):
        if text[0] == "#":
            continue
        if values:
            if text in _OPENING:
                values.append(_OPENING[text])
            elif text in ")]}" and values.pop() != text:
                raise _NotFollowed  # a bracket closed by another: the parser says what
            continue
        if not sets:  # between definitions, or in a definition's head
            if text == "{":
                if not defining:  # an anonymous query
                    current, counting = OperationText(start), True
                defining = False
                sets.append(True)
                levels, state = 1, _SELECTION
            elif text == "(":
                values.append(")")
            elif text in _OPERATION_KEYWORDS and not defining:
                current, counting, defining = OperationText(start), True, True
            elif text == "fragment" and not defining:
                current, counting, defining = None, False, True
            elif not defining or text in ")]}":
                raise _NotFollowed  # a type system definition, or something unreadable
            continue
        while True:  # until the token is taken
            if state == _SELECTION:
                if text == "}":
                    levels -= sets.pop()
                    if not sets and current is not None:
                        operations.append(current)
                        current = None
                elif text == "...":
                    state = _SPREAD
                elif _is_name(text):
                    if counting and current is not None:
                        current.fields += 1
                        current.depth = max(current.depth, levels)
                    state = _NAMED
                else:
                    raise _NotFollowed
                break
            if state == _NAMED:  # a field's first name: its alias, or its name
                if text == ":":
                    if counting and current is not None:
                        current.aliases += 1
                    state = _FIELD_NAME
                    break
                state = _AFTER_FIELD
                continue
            if state == _FIELD_NAME:
                if not _is_name(text):
                    raise _NotFollowed
                state = _AFTER_FIELD
                break
            if state in (_AFTER_FIELD, _AFTER_FRAGMENT):
                if text == "(":
                    values.append(")")
                elif text == "@":
                    after_directive, state = state, _DIRECTIVE_NAME
                elif text == "{":
                    sets.append(state == _AFTER_FIELD)  # a fragment's set is no level
                    levels += sets[-1]
                    state = _SELECTION
                else:
                    state = _SELECTION
                    continue
                break
            if state == _DIRECTIVE_NAME:
                if not _is_name(text):
                    raise _NotFollowed
                state = after_directive
                break
            if state == _SPREAD:
                if text == "on":
                    state = _CONDITION
                    break
                state = _AFTER_FRAGMENT
                if _is_name(text):  # a named fragment's spread
                    break
                continue
            if state == _CONDITION:
                if not _is_name(text):
                    raise _NotFollowed
                state = _AFTER_FRAGMENT
                break
    if sets or values:
        raise _NotFollowed  # not closed: the parser says what is wrong
    return operations


def _is_name(text: str) -> bool:
    return text[0] == "_" or (text[0].isascii() and text[0].isalpha())
