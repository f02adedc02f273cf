"""Arbetsförmedlingen's simulated part: jobseeker status and economic decisions."""

from __future__ import annotations

from datetime import timedelta

from lxml import etree

from resolvers.contract import AF_NS
from simulator.parts import with_offset
from simulator.people import SimPerson
from simulator.question import SimQuestion
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

# (base, jitter) in seconds: a rough shape of what production clients report.
LATENCY = (0.15, 0.10)


def build(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    """Fill AF's `data` for the question and person."""
    period = q.period_of("AF")
    # Answers seen in the wild lack the Fraga the XSD requires; some scenario people do too.
    container = data
    if scenario not in (Scenario.INGENTING, Scenario.SKYDDAD):
        fraga = sub(data, AF_NS, "Fraga")
        for name, value in (
            ("OrganisationsnummerForIngivare", q.organisationsnummer),
            ("NamnPaIngivare", q.ingivare_namn),
            ("KontonamnForHandlaggare", q.handlaggare),
            ("Referensnummer", q.arendeidentitet),
            ("From", period.from_.isoformat()),
            ("Tom", period.tom.isoformat()),
            ("SyfteMedFraga", q.syfte),
            ("LagParagraf", q.lagtext),
            ("IdentitetsbeteckningFysiskPerson", p.personnummer),
        ):
            sub(fraga, AF_NS, name, value)
    svar = sub(container, AF_NS, "Svar")
    sub(svar, AF_NS, "Schemaversion", "4.0")
    sub(svar, AF_NS, "Referensnummer", q.arendeidentitet)
    sub(svar, AF_NS, "LagParagraf", q.lagtext)
    sub(svar, AF_NS, "IdentitetsbeteckningFysiskPerson", p.personnummer)
    if scenario is Scenario.INGENTING:
        sub(svar, AF_NS, "StatusSokandeinformationKod", 1)
        sub(
            svar,
            AF_NS,
            "StatusSokandeinformationKodText",
            "Personen är inte känd hos Arbetsförmedlingen.",
        )
        return
    if not p.protected:
        sub(svar, AF_NS, "Fornamn", p.fornamn)
        sub(svar, AF_NS, "Efternamn", p.efternamn)
    sub(svar, AF_NS, "Sekretessmarkering", p.protected)
    rng = p.rng("AF")
    if p.arbetssokande or scenario is Scenario.ALLA:
        registrerad = period.from_ - timedelta(days=rng.randint(30, 900))
        info = sub(svar, AF_NS, "ArbetssokandeInfo")
        sub(info, AF_NS, "Arbetssokande", True)
        sub(
            info,
            AF_NS,
            "ArbetssokandeSKAT",
            rng.choice(("Arbetslös", "Deltidsarbetslös", "I program")),
        )
        sub(info, AF_NS, "ArbetssokandeRegistrerad", with_offset(registrerad))
        sub(info, AF_NS, "ArbetssokandeOmfattning", rng.choice((100, 100, 75, 50)))
        rapport = sub(info, AF_NS, "AktivetetsRapportDatum")
        sub(rapport, AF_NS, "AktivitetsRapportMeddelande", "Aktivitetsrapport inlämnad")
        sub(
            rapport,
            AF_NS,
            "SenasteAktivitetsRapportDatum",
            with_offset(period.tom - timedelta(days=rng.randint(1, 25))),
        )
        beslut_info = sub(svar, AF_NS, "BeslutInfo")
        beslut_list = sub(beslut_info, AF_NS, "EkonomiskaBeslut")
        for index in range(rng.randint(1, 2) if scenario is not Scenario.ALLA else 2):
            beslut = sub(beslut_list, AF_NS, "Beslut")
            sub(
                beslut,
                AF_NS,
                "ErsattningTyp",
                ("Aktivitetsstöd", "Utvecklingsersättning")[index % 2],
            )
            sub(beslut, AF_NS, "Omfattning", 100)
            sub(beslut, AF_NS, "BeslutFrom", period.from_.isoformat())
            sub(beslut, AF_NS, "BeslutTom", (period.tom + timedelta(days=90)).isoformat())
        if p.akassa:
            sub(svar, AF_NS, "Akassetillhorighet", p.akassa)
    sub(svar, AF_NS, "StatusSokandeinformationKod", 0)
    sub(
        svar,
        AF_NS,
        "StatusSokandeinformationKodText",
        "Frågan har behandlats normalt och ett giltigt svar har returnerats.",
    )
    if scenario is Scenario.ALLA:
        # Open content (xs:any) that the facade does not model must still reach the client.
        sub(svar, AF_NS, "Handlaggningsenhet", "Af Sundsvall")
