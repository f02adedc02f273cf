"""Transportstyrelsen's simulated part (TNS): vehicles held."""

from __future__ import annotations

from lxml import etree

from resolvers.contract import TNS_FORDON_NS, TNS_NS
from simulator.people import SimPerson
from simulator.question import SimQuestion
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

# (base, jitter) in seconds: a rough shape of what production clients report.
LATENCY = (0.10, 0.05)


def build(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    """Fill TNS's `data` for the question and person."""
    sub(data, TNS_NS, "resultat", "OK")
    innehav = sub(data, TNS_NS, "fordonsinnehav")
    fordon = p.fordon
    if scenario is Scenario.ALLA:
        fordon = (
            ("ABC12D", "Volvo", "2012", "PERSONBIL", "V70"),
            ("MCX77", "Honda", "2008", "MOTORCYKEL", "CB500"),
        )
    if scenario is Scenario.INGENTING:
        fordon = ()
    for regnr, fabrikat, ar, slag, modell in fordon:
        item = sub(innehav, TNS_FORDON_NS, "fordon")
        for name, value in (
            ("regnr", regnr),
            ("fabrikat", fabrikat),
            ("fordonsar", ar),
            ("fordonsslag", slag),
            ("handelsbeteckning", modell),
        ):
            sub(item, TNS_FORDON_NS, name, value)
