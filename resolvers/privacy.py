"""Keeping personal identity numbers out of texts that leave the facade (errors, logs)."""

from __future__ import annotations

import re

# 10 or 12 digits, optionally with -, + or a blank before the last four: anything that could be
# a personnummer or samordningsnummer, as people type them.
_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+\s]?\d{4}(?!\d)")


def redact(message: str) -> str:
    """The message with anything shaped like a personnummer replaced by `[personnummer]`."""
    return _NUMBER.sub("[personnummer]", message)


def is_personnummer_shaped(text: str) -> bool:
    """Whether the whole of `text` is shaped like a personnummer (10 or 12 digits, optionally
    with `-`, `+` or a blank before the last four)."""
    return _NUMBER.fullmatch(text.strip()) is not None
