"""Keeping personal identity numbers out of texts that leave the facade (errors, logs), and
out of the identifiers the facade accepts (case ids, caseworker ids)."""

from __future__ import annotations

import re

# 10 or 12 digits, optionally with -, + or a blank before the last four: anything that could be
# a personnummer or samordningsnummer, as people type them.
_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+\s]?\d{4}(?!\d)")
# Digits joined by single punctuation marks, e.g. `19850315.1238` or `1985-03-15-1238`.
_JOINED = re.compile(r"(?<![\d])\d(?:[-+./:_]?\d)*(?![\d])")
_SEPARATORS = re.compile(r"[-+./:_\s]")
# A personnummer as people write it, standing on its own inside an id (not one group of a GUID
# or part of a longer word: `198503151238@kommun.se`, not `ae380430-6839-…`).
_WRITTEN = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9A-Za-z]-)(?:\d{2})?\d{6}[-+.\s]?\d{4}(?![0-9A-Za-z])(?!-[0-9A-Za-z])"
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


def holds_personnummer(text: str, joined: bool = True) -> bool:
    """Whether `text` holds a valid personnummer or samordningsnummer (a real date and check
    digit) anywhere. With `joined`, digits joined by `-+./:_` or blanks count together (a run of
    10 or 12 digits once those are removed): right for free text such as a case id. Without,
    only the forms people write (10 or 12 digits, `-`, `+`, `.` or a blank before the last
    four), standing on their own, count: right for machine ids such as GUIDs, whose
    hyphen-separated digit groups would otherwise join into a number by chance."""
    from resolvers.personnummer import InvalidPersonnummer, normalise

    if joined:
        candidates = [
            run for run in re.findall(r"\d+", _SEPARATORS.sub("", text)) if len(run) in (10, 12)
        ]
    else:
        candidates = [_SEPARATORS.sub("", found) for found in _WRITTEN.findall(text)]
    for candidate in candidates:
        try:
            full = normalise(candidate)
        except InvalidPersonnummer:
            continue
        if int(full[:4]) >= EARLIEST_BIRTH_YEAR:
            return True
    return False


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def plain_name(name: object) -> str | None:
    """A client's operation name when it is a plain GraphQL name without a personnummer in it
    (fit for a metric label or a span attribute), else None."""
    if isinstance(name, str) and _PLAIN_NAME.fullmatch(name) and not holds_personnummer(name):
        return name
    return None
