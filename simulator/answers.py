"""Building SSBTEK's answer for a question: one part per included agency, in the question's
namespace, shaped as the contract (and, where noted, as real answers) have it."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from lxml import etree

from resolvers.contract import AF_NS, SO_NS, TNS_FORDON_NS, TNS_NS
from simulator.csn import csn_svar
from simulator.lefi import LEFI_CLASSES, lefi_answer
from simulator.people import SimPerson
from simulator.question import AGENCIES, SimQuestion
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

SKV_SVAR_NS = "http://xmls.skatteverket.se/se/skatteverket/zg/instans/standardiseradInformation/1.0"
SKV_BESKO_NS = "http://xmls.skatteverket.se/se/skatteverket/zg/komponent/infoForBeskattning/1.0"
SKV_FOLKO_NS = "http://xmls.skatteverket.se/se/skatteverket/zg/komponent/infoForFolkbokforing/1.0"

CSN_ARENDE_TOO_LONG = 32


class AgencyFailure(Exception):
    """An agency answers with `error {kalla, felkod, felmeddelande}` instead of data."""

    def __init__(self, kalla: str, felkod: str, felmeddelande: str) -> None:
        super().__init__(felmeddelande)
        self.kalla, self.felkod, self.felmeddelande = kalla, felkod, felmeddelande


def _with_offset(day: date, offset: str = "+01:00") -> str:
    """A date as real answers write it, with a timezone offset."""
    return day.isoformat() + offset


def _af(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
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
        sub(info, AF_NS, "ArbetssokandeRegistrerad", _with_offset(registrerad))
        sub(info, AF_NS, "ArbetssokandeOmfattning", rng.choice((100, 100, 75, 50)))
        rapport = sub(info, AF_NS, "AktivetetsRapportDatum")
        sub(rapport, AF_NS, "AktivitetsRapportMeddelande", "Aktivitetsrapport inlämnad")
        sub(
            rapport,
            AF_NS,
            "SenasteAktivitetsRapportDatum",
            _with_offset(period.tom - timedelta(days=rng.randint(1, 25))),
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


def _so(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
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


def _tns(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
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


def _miv(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
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
    sub(response, None, "inresedatum", _with_offset(entry, "+02:00"))
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
        sub(svar, None, "ansokningsdatum", _with_offset(applied, "+02:00"))
        sub(svar, None, "arendeTyp", typ)
        sub(svar, None, "arendeTypNamn", typnamn)
        sub(svar, None, "beslutsKod", "BEV")
        sub(svar, None, "beslutsKodNamn", "ANSÖKAN BEVILJAS")
        sub(svar, None, "beslutsTyp", beslutstyp)
        sub(svar, None, "beslutsTypNamn", beslutstypnamn)
        sub(svar, None, "beslutsdatum", _with_offset(decided, "+02:00"))
        sub(svar, None, "fromDatum", decided.isoformat())
        sub(svar, None, "giltighetstid", giltighet)
        if giltighet == "TIDBEGRANSAT":
            sub(svar, None, "tomDatum", (decided + timedelta(days=3 * 365)).isoformat())


def _csn(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    if len(q.arendeidentitet) >= CSN_ARENDE_TOO_LONG:
        raise AgencyFailure("BT", "-1005", "Ärendeidentiteten får vara högst 31 tecken")
    svar = csn_svar(p, scenario, q.period_of("CSN"), q.csn_schema_version)
    sub(data, q.namespace, "svar", svar)


def _fk(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    version = (q.fk_fraga or {}).get("version") or "v9"
    if version != "v9":
        raise AgencyFailure("BT", "LEFI-VERSION", f"LEFI-versionen {version} stöds inte")
    question = q.lefi_question
    if not question or not any(question.get(c) for c in LEFI_CLASSES):
        raise AgencyFailure("BT", "LEFI-400", "Frågan saknar förmånsgrupper och informationstyper")
    period = question.get("period") or {}
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["tom"])
    if end > start.replace(year=start.year + 2, day=min(start.day, 28)) + timedelta(days=3):
        raise AgencyFailure("BT", "LEFI-400", "Perioden är längre än två år")
    obehoriga = q.lefi_obehoriga
    answer = lefi_answer(question, p, scenario, obehoriga)
    lefi = sub(data, q.namespace, "lefiJsonSvar")
    document = json.dumps(answer, ensure_ascii=False, default=_json_number)
    lefi.text = base64.b64encode(document.encode()).decode()


def _json_number(value: object) -> object:
    """Decimal amounts go out as JSON numbers, as LEFI sends them."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _skv(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
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


# What the TRASIGT_INNEHALL person gets instead of readable payloads: (element, content).
BROKEN_PAYLOADS = {
    "CSN": ("svar", "this is not base64!"),
    "FK": ("lefiJsonSvar", base64.b64encode(b'{"utlamnare": [').decode()),
    "SKV": ("svar", "<SvarBeskattningsuppgifterEnligtSFS2008-975><PersonuppgiftLista>"),
}

PartBuilder = Callable[[etree._Element, SimQuestion, SimPerson, "Scenario | None"], None]

BUILDERS: dict[str, PartBuilder] = {
    "AF": _af,
    "CSN": _csn,
    "FK": _fk,
    "SKV": _skv,
    "SO": _so,
    "TNS": _tns,
    "MIV": _miv,
}


def _error(parent: etree._Element, ns: str, failure: AgencyFailure) -> None:
    error = sub(parent, ns, "error")
    sub(error, ns, "kalla", failure.kalla)
    sub(error, ns, "felkod", failure.felkod)
    sub(error, ns, "felmeddelande", failure.felmeddelande)


def _scenario_failure(agency: str, scenario: Scenario | None) -> AgencyFailure | None:
    if scenario is Scenario.FEL_BT or (scenario is Scenario.FEL_AF and agency == "AF"):
        return AgencyFailure(
            "BT", f"{agency}-TEKNISKT-FEL", f"{agency}: bastjänsten kunde inte svara"
        )
    if scenario is Scenario.FEL_SSBT:
        return AgencyFailure("SSBT", "TIMEOUT", f"Timeout vid anrop mot {agency}")
    return None


def build_answer(q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> etree._Element:
    """The `hamtaBastjanstInformationResponse` element for a question."""
    ns = q.namespace
    response = etree.Element(f"{{{ns}}}hamtaBastjanstInformationResponse", nsmap={"ssbt": ns})
    if q.frage_tidpunkt:
        sub(response, ns, "frageTidpunkt", q.frage_tidpunkt)
    if q.korrelationsid:
        sub(response, ns, "korrelationsid", q.korrelationsid)
    svarsdata = sub(response, ns, "svarsdata")
    for agency in AGENCIES:
        if agency not in q.included:
            continue
        part = sub(svarsdata, ns, agency)
        failure = _scenario_failure(agency, scenario)
        if failure is None:
            data = sub(part, ns, "data")
            try:
                if scenario is Scenario.TRASIGT_INNEHALL and agency in BROKEN_PAYLOADS:
                    sub(data, ns if agency != "SKV" else None, *BROKEN_PAYLOADS[agency])
                    continue
                BUILDERS[agency](data, q, p, scenario)
            except AgencyFailure as raised:
                part.remove(data)
                failure = raised
        if failure is not None:
            _error(part, ns, failure)
    return response
