"""What every agency's simulated part shares: an agency's refusal and how dates are written."""

from __future__ import annotations

from datetime import date


class AgencyFailure(Exception):
    """An agency answers with `error {kalla, felkod, felmeddelande}` instead of data."""

    def __init__(self, kalla: str, felkod: str, felmeddelande: str) -> None:
        super().__init__(felmeddelande)
        self.kalla, self.felkod, self.felmeddelande = kalla, felkod, felmeddelande


def with_offset(day: date, offset: str = "+01:00") -> str:
    """A date as real answers write it, with a timezone offset."""
    return day.isoformat() + offset
