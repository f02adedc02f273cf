"""Keeping personal identity numbers out of texts that leave the facade (errors, logs), and
out of the identifiers the facade accepts (case ids, caseworker ids)."""

from __future__ import annotations

import re

# 10 or 12 digits, optionally with -, + or a blank before the last four: anything that could be
# a personnummer or samordningsnummer, as people type them.
_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+\s]?\d{4}(?!\d)")
# Digits joined by single punctuation marks, e.g. `19850315.1238` or `1985-03-15-1238`.
_JOINED = re.compile(r"(?<![\d])\d(?:[-+./:_]?\d)*(?![\d])")
# What joins digits into one number: people write a personnummer with these between its parts.
_SEPARATORS = re.compile(r"[-+./:_@\s]")
_DIGIT_RUN = re.compile(r"[0-9]+")
# A GUID (8-4-4-4-12 hex digits) standing on its own, as identity providers make object ids
# (Keycloak's `sub`, Entra's `oid`): its groups are random, so it is read group by group. Not
# next to a letter or digit, nor to digits through a separator (`19850315-1238abcd-…`).
_GUID = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][-+./:_@\s])"
    r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}"
    r"(?![0-9A-Za-z])(?![-+./:_@\s][0-9])"
)
# Births before this year are no one's personnummer today.
EARLIEST_BIRTH_YEAR = 1870
# What a code from upstream (a fault's felkod or faultcode) looks like; anything else in its place
# is free text, which may name a person, and is not passed on.
_CODE = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
REDACTED = "[redacted]"


def redact(message: str) -> str:
    """The message with anything shaped like a personnummer (10 or 12 digits, however joined)
    replaced by `[personnummer]`."""
    message = _NUMBER.sub("[personnummer]", message)
    return _JOINED.sub(_redact_joined, message)


def as_code(value: str | None) -> str | None:
    """An upstream code fit to pass on (in a response or a log): None when absent or blank; the
    code, trimmed, when it looks like one and holds no personnummer; else `[redacted]`."""
    if value is None or not value.strip():
        return None
    cleaned = redact(value.strip())
    return cleaned if _CODE.fullmatch(cleaned) else REDACTED


def _redact_joined(match: re.Match[str]) -> str:
    digits = _SEPARATORS.sub("", match.group())
    return "[personnummer]" if len(digits) in (10, 12) else match.group()


def holds_personnummer(text: str) -> bool:
    """Whether `text` holds a valid personnummer or samordningsnummer (a real date of birth, from
    1870 on and not in the future, and a matching check digit): a run of exactly 10 or 12 ASCII
    digits once the separators `- + . / : _ @` and blanks are removed, wherever it stands (after
    a letter too: `u198503151238`). A GUID in `text` counts by its groups instead: only whole
    groups that are all digits, alone or next to each other (`…-198503151238`,
    `19850315-1238-…`), so that digits of neighbouring groups do not join into a number by
    chance."""
    candidates = [number for guid in _GUID.findall(text) for number in _whole_groups(guid)]
    rest = _GUID.sub("|", text)  # `|` is no separator: a GUID's digits join nothing around it
    candidates += _DIGIT_RUN.findall(_SEPARATORS.sub("", rest))
    return any(_is_personnummer(candidate) for candidate in candidates)


def _whole_groups(guid: str) -> list[str]:
    """The digits of each run of neighbouring GUID groups that are all digits."""
    groups = guid.split("-")
    return [
        "".join(groups[first:last])
        for first in range(len(groups))
        for last in range(first + 1, len(groups) + 1)
        if all(group.isdigit() for group in groups[first:last])
    ]


def _is_personnummer(digits: str) -> bool:
    """Whether 10 or 12 ASCII digits are a valid personnummer or samordningsnummer of someone
    born in 1870 or later."""
    from resolvers.personnummer import InvalidPersonnummer, normalise

    if len(digits) not in (10, 12):
        return False
    try:
        full = normalise(digits)
    except InvalidPersonnummer:
        return False
    return int(full[:4]) >= EARLIEST_BIRTH_YEAR


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def plain_name(name: object) -> str | None:
    """A client's operation name when it is a plain GraphQL name without a personnummer in it
    (fit for a metric label or a span attribute), else None."""
    if isinstance(name, str) and _PLAIN_NAME.fullmatch(name) and not holds_personnummer(name):
        return name
    return None
