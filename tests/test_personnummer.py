"""Personnummer and samordningsnummer: forms, checks and normalisation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.personnummer import (
    InvalidPersonnummer,
    is_samordningsnummer,
    luhn_digit,
    normalise,
    pseudonym,
)
from resolvers.privacy import redact

TODAY = date(2026, 11, 27)


def _number(birth: date, serial: int, coordination: bool) -> str:
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y}"[:2] + nine + luhn_digit(nine)


births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@given(births, st.integers(0, 999), st.booleans())
def test_every_valid_number_normalises_to_itself(birth: date, serial: int, coord: bool) -> None:
    twelve = _number(birth, serial, coord)
    assert normalise(twelve, TODAY) == twelve
    assert normalise(f"{twelve[:8]}-{twelve[8:]}", TODAY) == twelve
    assert is_samordningsnummer(twelve) is coord


@given(births, st.integers(0, 999), st.booleans())
def test_ten_digits_find_their_century(birth: date, serial: int, coord: bool) -> None:
    twelve = _number(birth, serial, coord)
    ten = twelve[2:]
    if TODAY.year - birth.year < 99:
        assert normalise(ten, TODAY) == twelve
        assert normalise(f"{ten[:6]}-{ten[6:]}", TODAY) == twelve
    if 101 <= TODAY.year - birth.year < 199:
        assert normalise(f"{ten[:6]}+{ten[6:]}", TODAY) == twelve


@given(births, st.integers(0, 999), st.integers(1, 9))
def test_a_wrong_check_digit_is_refused(birth: date, serial: int, shift: int) -> None:
    twelve = _number(birth, serial, False)
    wrong = twelve[:-1] + str((int(twelve[-1]) + shift) % 10)
    with pytest.raises(InvalidPersonnummer, match="check digit"):
        normalise(wrong, TODAY)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "10 or 12 digits"),
        ("1234567", "10 or 12 digits"),
        ("19850315 1238", "10 or 12 digits"),
        ("19850315+1238", "'+'"),
        ("198502301238", "not a real date"),
        ("198502911238", "not a real date"),
    ],
)
def test_malformed_numbers_say_why_without_the_number(text: str, why: str) -> None:
    with pytest.raises(InvalidPersonnummer) as raised:
        normalise(text, TODAY)
    assert why in str(raised.value)
    assert not text.strip() or text not in str(raised.value)


def test_pseudonym_is_stable_and_hides_the_number() -> None:
    assert pseudonym("198503151238") == pseudonym("198503151238")
    assert pseudonym("198503151238") != pseudonym("199001011239")
    assert "1985" not in pseudonym("198503151238")


@given(births, st.integers(0, 999), st.booleans())
def test_redact_removes_every_form_of_a_number(birth: date, serial: int, coord: bool) -> None:
    twelve = _number(birth, serial, coord)
    forms = (
        twelve,
        twelve[2:],
        f"{twelve[2:8]}-{twelve[8:]}",
        f"{twelve[:8]}-{twelve[8:]}",
        f"{twelve[:8]} {twelve[8:]}",
    )
    for form in forms:
        assert form not in redact(f"fel för {form}, försök igen")


def test_redact_keeps_dates_and_short_numbers() -> None:
    text = "felkod -1005 den 2026-01-01 kl 12:00"
    assert redact(text) == text
    assert (TODAY - timedelta(days=1)).isoformat() in redact(
        (TODAY - timedelta(days=1)).isoformat()
    )


@pytest.mark.parametrize(
    ("ten", "twelve"),
    [
        ("261231-1239", "192612311239"),  # not yet born in 2026: a 99-year-old
        ("261127-1238", "202611271238"),  # born today
        ("261128-1237", "192611281237"),  # tomorrow's date: 100 years ago
        ("261231+1239", "182612311239"),
    ],
)
def test_the_century_comes_from_the_whole_birth_date(ten: str, twelve: str) -> None:
    nine = twelve[2:11]
    twelve = twelve[:11] + luhn_digit(nine)
    ten = ten[:-1] + twelve[-1]
    assert normalise(ten, TODAY) == twelve


def test_a_birth_date_in_the_future_is_refused() -> None:
    nine = "271231123"
    with pytest.raises(InvalidPersonnummer, match="future"):
        normalise(f"20{nine}{luhn_digit(nine)}", TODAY)
