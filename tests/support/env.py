"""Environments and values the tests share."""

from __future__ import annotations

from datetime import date

from resolvers.personnummer import luhn_digit
from resolvers.question import Bitrade, Requester

PERIOD = {"from": "2026-01-01", "tom": "2026-06-30"}
AUDIT_SECRET = "test-audit-secret-0123456789abcdef"
CASEWORKER = "anna.handlaggare"

REQUESTER = Requester(
    organisationsnummer="162120000010",
    namn="Testkommunen",
    aktorsid="aktor-1",
    syfte="Bistånd",
    lagtext="SoL",
    bitraden=(Bitrade("165560000001", "Biträdet AB", 1), Bitrade("165560000002", "Två AB", 2)),
)


def facade_env(ssbtek_url: str, **overrides: str) -> dict[str, str]:
    """An environment for a facade that talks to `ssbtek_url`, behind a gateway (the caseworker
    comes from `X-Handlaggare`)."""
    return {
        "SSBTEK_URL": ssbtek_url,
        "SSBTEK_INGIVARE_ORGNR": "162120000010",
        "SSBTEK_INGIVARE_NAMN": "Testkommunen",
        "SSBTEK_AKTORSID": "test-aktor",
        "SSBTEK_SYFTE": "Handläggning av ekonomiskt bistånd",
        "SSBTEK_LAGTEXT": "11 kap. 11 § socialtjänstlagen",
        "SSBTEK_TIMEOUT_S": "5",
        "SSBTEK_AUTH": "none",
        "SSBTEK_AUDIT_SECRET": AUDIT_SECRET,
        # Each test counts the SSBTEK calls it causes: no cache unless a test turns it on.
        "SSBTEK_CACHE_TTL_S": "0",
        # Tests ask as one caseworker many times a minute: no budget unless a test sets one.
        "SSBTEK_CALLER_QUESTIONS_PER_MINUTE": "0",
        **overrides,
    }


def valid_personnummer(birth: date, serial: int, coordination: bool = False) -> str:
    """A valid 12-digit personnummer (or samordningsnummer) for a birth date and serial."""
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y}"[:2] + nine + luhn_digit(nine)
