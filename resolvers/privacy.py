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


def redact(message: str) -> str:
    """The message with anything shaped like a personnummer (10 or 12 digits, however joined)
    replaced by `[personnummer]`."""
    message = _NUMBER.sub("[personnummer]", message)
    return _JOINED.sub(_redact_joined, message)


def _redact_joined(match: re.Match[str]) -> str:
    digits = _SEPARATORS.sub("", match.group())
    return "[personnummer]" if len(digits) in (10, 12) else match.group()


def holds_personnummer(text: str) -> bool:
    """Whether `text` holds a valid personnummer or samordningsnummer (a real date and check
    digit) anywhere, however it is joined by `-+./:_` or blanks: a run of 10 or 12 digits once
    those are removed. An id that merely has digits (a GUID, a dated case number) rarely does."""
    from resolvers.personnummer import InvalidPersonnummer, normalise

    for run in re.findall(r"\d+", _SEPARATORS.sub("", text)):
        if len(run) in (10, 12):
            try:
                normalise(run)
            except InvalidPersonnummer:
                continue
            return True
    return False
