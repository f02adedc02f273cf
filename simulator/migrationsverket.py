"""Migrationsverket's simulated part (MIV): residence-permit decisions, unqualified elements."""

from __future__ import annotations

from datetime import timedelta

from lxml import etree

from simulator.parts import with_offset
from simulator.people import SimPerson
from simulator.question import SimQuestion
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

# (base, jitter) in seconds: a rough shape of what production clients report.
LATENCY = (0.20, 0.15)


def build(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    """Fill MIV's `data` for the question and person."""
    if scenario is Scenario.INGENTING:
        return
    response = sub(data, None, "response")
    rng = p.rng("MIV")
    correlation = f"{rng.getrandbits(32):08x}-0000-4000-8000-{rng.getrandbits(48):012x}"
    if q.korrelationsid:
        sub(response, None, "korrelationsid", q.korrelationsid)
    sub(response, None, "correlationid", correlation)
    if not (p.migration or scenario is Scenario.ALLA):
        return
    if not p.protected:
        sub(response, None, "efternamn", p.efternamn)
        sub(response, None, "fornamn", p.fornamn)
    sub(response, None, "hemland", rng.choice(("SYRIEN", "SOMALIA", "UKRAINA", "AFGHANISTAN")))
    entry = p.birth + timedelta(days=365 * rng.randint(18, 30))
    sub(response, None, "inresedatum", with_offset(entry, "+02:00"))
    sub(response, None, "personnummer", p.personnummer)
    collection = sub(response, None, "svarCollection")
    decisions = [
        (
            "UAT",
            "UPPEHÅLLS- OCH ARBETSTILLSTÅND",
            "TUT",
            "TIDSBEGRÄNSAT UPPEHÅLLSTILLSTÅND",
            "TIDBEGRANSAT",
        )
    ]
    if scenario is Scenario.ALLA or rng.random() < 0.5:
        decisions.append(
            (
                "UAT",
                "UPPEHÅLLS- OCH ARBETSTILLSTÅND",
                "PUT",
                "PERMANENT UPPEHÅLLSTILLSTÅND",
                "PERMANENT",
            )
        )
    for index, (typ, typnamn, beslutstyp, beslutstypnamn, giltighet) in enumerate(decisions):
        applied = entry + timedelta(days=30 + 700 * index)
        decided = applied + timedelta(days=rng.randint(60, 300))
        svar = sub(collection, None, "svar")
        sub(svar, None, "anledning", "SKYDD")
        sub(svar, None, "anledningNamn", "Skyddsbehövande")
        sub(svar, None, "ansokningsdatum", with_offset(applied, "+02:00"))
        sub(svar, None, "arendeTyp", typ)
        sub(svar, None, "arendeTypNamn", typnamn)
        sub(svar, None, "beslutsKod", "BEV")
        sub(svar, None, "beslutsKodNamn", "ANSÖKAN BEVILJAS")
        sub(svar, None, "beslutsTyp", beslutstyp)
        sub(svar, None, "beslutsTypNamn", beslutstypnamn)
        sub(svar, None, "beslutsdatum", with_offset(decided, "+02:00"))
        sub(svar, None, "fromDatum", decided.isoformat())
        sub(svar, None, "giltighetstid", giltighet)
        if giltighet == "TIDBEGRANSAT":
            sub(svar, None, "tomDatum", (decided + timedelta(days=3 * 365)).isoformat())
