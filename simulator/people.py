"""Deterministic synthetic people: the same personnummer always gives the same person."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from simulator.scenarios import Scenario

FORNAMN = ("Tolvan", "Elva", "Kalle", "Lisa", "Ahmed", "Sara", "Nils", "Amina", "Johan", "Maja")
EFTERNAMN = ("Tolvansson", "Andersson", "Berg", "Lind", "Hassan", "Nilsson", "Ek", "Karlsson")
AKASSA_ALLA = "Unionens a-kassa"
AKASSOR = ("Handelsanställdas a-kassa", "Byggnadsarbetarnas a-kassa", "Akademikernas a-kassa")
FABRIKAT = (("Volvo", "V70"), ("Saab", "9-5"), ("Toyota", "Corolla"), ("Honda", "CB500"))
FORDONSSLAG = ("PERSONBIL", "PERSONBIL", "PERSONBIL", "MOTORCYKEL")


@dataclass(frozen=True)
class SimPerson:
    """The stable traits of one synthetic person, from which every agency's answer is built."""

    personnummer: str
    fornamn: str
    efternamn: str
    birth: date
    samordningsnummer: bool
    arbetssokande: bool
    akassa: str | None
    fordon: tuple[tuple[str, str, str, str, str], ...]
    migration: bool
    protected: bool = False

    def rng(self, *salt: object) -> random.Random:
        """A random generator seeded by the person and `salt`, so each part is reproducible."""
        return random.Random(f"{self.personnummer}:{':'.join(map(str, salt))}")


def person_for(personnummer: str, scenario: Scenario | None = None) -> SimPerson:
    """The synthetic person behind a 12-digit number; scenario people get their fixed traits."""
    rng = random.Random(int(personnummer))
    day = int(personnummer[6:8])
    samordning = day > 60
    birth = date(int(personnummer[:4]), int(personnummer[4:6]), day - 60 if samordning else day)
    arbetssokande = rng.random() < 0.7
    fordon = tuple(
        (
            f"{''.join(rng.choice('ABCDEFGHJKLMNOPRSTUWXYZ') for _ in range(3))}"
            f"{rng.randint(0, 99):02d}{rng.choice('0123456789ABCDEFGHJKLMNPRSTUWXYZ')}",
            fabrikat,
            str(rng.randint(1995, 2025)),
            slag,
            modell,
        )
        for (fabrikat, modell), slag in (
            (FABRIKAT[i], FORDONSSLAG[i]) for i in rng.sample(range(4), rng.choice((0, 1, 1, 2)))
        )
    )
    person = SimPerson(
        personnummer=personnummer,
        fornamn=rng.choice(FORNAMN),
        efternamn=rng.choice(EFTERNAMN),
        birth=birth,
        samordningsnummer=samordning,
        arbetssokande=arbetssokande,
        akassa=rng.choice(AKASSOR) if arbetssokande and rng.random() < 0.6 else None,
        fordon=fordon,
        migration=samordning or rng.random() < 0.25,
    )
    if scenario is Scenario.ALLA:
        return replace(person, fornamn="Tolvan", efternamn="Tolvansson", akassa=AKASSA_ALLA)
    if scenario is Scenario.SKYDDAD:
        return replace(person, protected=True)
    return person


def person_number(birth: date, serial: int) -> str:
    """A valid 12-digit personnummer for a synthetic relative: birth date, serial, Luhn digit."""
    nine = f"{birth:%y%m%d}{serial:03d}"
    total = sum(
        digit - 9 if digit > 9 else digit
        for digit in (int(char) * (2 - index % 2) for index, char in enumerate(nine))
    )
    return f"{birth:%Y%m%d}{serial:03d}{(10 - total % 10) % 10}"
