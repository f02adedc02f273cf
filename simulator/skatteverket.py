"""Skatteverket's simulated part (SKV): an XML document inside a string, with more than the
published facts describe."""

from __future__ import annotations

from lxml import etree

from simulator.people import SimPerson
from simulator.question import SimQuestion
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

SKV_SVAR_NS = "http://xmls.skatteverket.se/se/skatteverket/zg/instans/standardiseradInformation/1.0"
SKV_BESKO_NS = "http://xmls.skatteverket.se/se/skatteverket/zg/komponent/infoForBeskattning/1.0"
SKV_FOLKO_NS = "http://xmls.skatteverket.se/se/skatteverket/zg/komponent/infoForFolkbokforing/1.0"


# (base, jitter) in seconds: a rough shape of what production clients report.
LATENCY = (0.35, 0.20)


def build(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    """Fill SKV's `data` for the question and person."""
    years = (q.skv_fraga or {}).get("ar") or [q.period.tom.year - 1, q.period.tom.year - 2]
    root = etree.Element(
        f"{{{SKV_SVAR_NS}}}SvarBeskattningsuppgifterEnligtSFS2008-975",
        nsmap={None: SKV_SVAR_NS, "besko": SKV_BESKO_NS, "folko": SKV_FOLKO_NS},
    )
    uppgift = sub(sub(root, SKV_SVAR_NS, "PersonuppgiftLista"), SKV_SVAR_NS, "Personuppgift")
    sub(uppgift, SKV_FOLKO_NS, "IdentitetsbeteckningFysiskPerson", p.personnummer)
    if not p.protected:
        sub(uppgift, SKV_FOLKO_NS, "Fornamn", p.fornamn)
        sub(uppgift, SKV_FOLKO_NS, "Efternamn", p.efternamn)
    sub(uppgift, SKV_SVAR_NS, "StatusPersonuppgiftKod", 0)
    if scenario is not Scenario.INGENTING:
        for year in years:
            rng = p.rng("SKV", year)
            kapital = sub(uppgift, SKV_SVAR_NS, "Kapitaluppgift")
            sub(kapital, SKV_BESKO_NS, "Taxeringsar", year)
            sub(kapital, SKV_BESKO_NS, "SummaIntakterPaKapital", rng.randint(0, 40000))
            sub(kapital, SKV_BESKO_NS, "OverskottPaKapital", rng.randint(0, 20000))
            # Skatteverket sends more than the published facts describe; the facade must keep it.
            inkomst = sub(uppgift, SKV_SVAR_NS, "Inkomstuppgift")
            sub(inkomst, SKV_BESKO_NS, "Taxeringsar", year)
            sub(inkomst, SKV_BESKO_NS, "SummaInkomstAvTjanst", rng.randint(0, 480000))
            sub(inkomst, SKV_BESKO_NS, "SlutligSkatt", rng.randint(0, 140000))
    sub(root, SKV_SVAR_NS, "Svarstidpunkt", "2026-01-01T00:00:00")
    svar = etree.SubElement(data, "svar")
    svar.text = etree.CDATA(etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode())
