"""The a-kassor's simulated part (SO): unemployment benefit payments, bars and applications."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from lxml import etree

from resolvers.contract import SO_NS
from simulator.people import SimPerson
from simulator.question import SimQuestion
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

# (base, jitter) in seconds: a rough shape of what production clients report.
LATENCY = (0.25, 0.15)


def build(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    """Fill SO's `data` for the question and person."""
    period = q.period_of("SO")
    for name, value in (
        ("OrganisationsnummerIngivare", q.organisationsnummer),
        ("NamnIngivare", q.ingivare_namn),
        ("KontonamnHandlaggare", q.handlaggare),
        ("Referensnummer", q.arendeidentitet),
        ("From", period.from_.isoformat()),
        ("Tom", period.tom.isoformat()),
        ("Syfte", q.syfte),
        ("Paragraf", q.lagtext),
    ):
        sub(data, SO_NS, name, value)
    for orgnr, _ in q.bitraden:
        sub(data, SO_NS, "OrganisationsnummerPersonuppgiftsbitrade", orgnr)
    for _, namn in q.bitraden:
        sub(data, SO_NS, "NamnPersonuppgiftsbitrade", namn)
    sub(data, SO_NS, "IdentificationNumber", p.personnummer)
    lista = sub(data, SO_NS, "ArbetsloshetsersattningLista")
    akassa = p.akassa
    if akassa is None or scenario is Scenario.INGENTING:
        return
    item = sub(lista, SO_NS, "Arbetsloshetsersattning")
    sub(item, SO_NS, "SvarandeOrganisation", akassa)
    sub(item, SO_NS, "StatusSvarandeOrganisation", "Svar lämnat")
    for month in period.months():
        pay_day = month.replace(day=12)
        if not period.from_ <= pay_day <= period.tom:
            continue
        rng = p.rng("SO", month.isoformat())
        days = Decimal(rng.randint(10, 22))
        gross = days * Decimal(rng.choice(("910.00", "1034.50", "1200.00")))
        after_tax = (gross * Decimal("0.70")).quantize(Decimal("0.01"))
        row = sub(item, SO_NS, "Utbetalningar")
        sub(row, SO_NS, "Utbetalningsdatum", pay_day.isoformat())
        sub(row, SO_NS, "NettoEfterSkatt", after_tax)
        sub(row, SO_NS, "NettoEfterAvdrag", after_tax - Decimal(rng.choice(("0.00", "150.00"))))
        sub(row, SO_NS, "Ersattningsdagar", days)
        previous = (month - timedelta(days=1)).replace(day=1)
        sub(row, SO_NS, "AvserFrom", previous.isoformat())
        sub(row, SO_NS, "AvserTom", (month - timedelta(days=1)).isoformat())
    if scenario is Scenario.ALLA or p.rng("SO-bar").random() < 0.2:
        bar = sub(item, SO_NS, "Avstangningar")
        sub(bar, SO_NS, "AvstangdFrom", period.from_.isoformat())
        sub(
            bar, SO_NS, "AvstangdTom", min(period.tom, period.from_ + timedelta(days=9)).isoformat()
        )
    ansokt = sub(item, SO_NS, "AnsoktOmErsattning")
    beslut = sub(ansokt, SO_NS, "BeslutOmRattTillErsattning")
    if scenario is Scenario.ALLA:
        beslut.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
    else:
        beslut.text = (period.from_ - timedelta(days=40)).isoformat()
    sub(ansokt, SO_NS, "AnsokanOmUtbetalningInlamnad", True)
