"""Swedish personnummer and samordningsnummer: parsing, checking and normalising to 12 digits.

Error messages never repeat the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

# ASCII digits only: `\d` would also take Arabic-Indic or full-width digits.
_SHAPE = re.compile(r"^(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<sep>[-+]?)(?P<last>[0-9]{4})$")
_PROCESS_SALT = secrets.token_bytes(16)


class InvalidPersonnummer(ValueError):
    """The text is not a valid personnummer or samordningsnummer; the message says why."""


def luhn_ok(ten_digits: str) -> bool:
    """Whether the last digit is the Luhn check digit of the nine before it."""
    total = 0
    for index, char in enumerate(ten_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def luhn_digit(nine_digits: str) -> str:
    """The Luhn check digit that completes nine digits to a valid ten."""
    for digit in "0123456789":
        if luhn_ok(nine_digits + digit):
            return digit
    raise AssertionError("unreachable: one digit always completes the sum")


def normalise(text: str, today: date | None = None) -> str:
    """Return the 12-digit form of a personnummer or samordningsnummer, or raise.

    Accepts 10 or 12 digits, with or without `-` or `+` before the last four. A 10-digit number
    belongs to the century that makes the person younger than 100, or 100 or older with `+`.
    A samordningsnummer has 60 added to the day of birth.
    """
    match = _SHAPE.match(text.strip())
    if not match:
        raise InvalidPersonnummer(
            "a personnummer has 10 or 12 digits, optionally with '-' or '+' before the last four"
        )
    yymmdd, last, sep = match["yymmdd"], match["last"], match["sep"]
    if match["century"]:
        if sep == "+":
            raise InvalidPersonnummer("'+' is only used with the 10-digit form")
        century = match["century"]
    else:
        century = _infer_century(yymmdd, sep == "+", today or date.today())
    full = century + yymmdd + last
    if _birth_date(full) > (today or date.today()):
        raise InvalidPersonnummer("the date of birth in the number is in the future")
    if not luhn_ok(full[2:]):
        raise InvalidPersonnummer("the check digit (the last digit) does not match")
    return full


def is_samordningsnummer(twelve_digits: str) -> bool:
    """Whether a normalised number is a samordningsnummer (day of birth plus 60)."""
    return int(twelve_digits[6:8]) > 60


def pseudonym(twelve_digits: str) -> str:
    """A salted hash for correlating log lines about one person without printing the number."""
    digest = hmac.new(_PROCESS_SALT, twelve_digits.encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def _infer_century(yymmdd: str, hundred_or_older: bool, today: date) -> str:
    """The century that makes the person born on or before today (and 100 or older with `+`)."""
    century = today.year // 100
    if _birth_date(f"{century:02d}{yymmdd}0000") > today:
        century -= 1
    if hundred_or_older:
        century -= 1
    return f"{century:02d}"


def _birth_date(full: str) -> date:
    """The date of birth in a 12-digit number (samordningsnummer: day minus 60)."""
    year, month, day = int(full[:4]), int(full[4:6]), int(full[6:8])
    if day > 60:
        day -= 60
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidPersonnummer("the date of birth in the number is not a real date") from None
