"""CSN's answer: a `CSNSvar` document (schema 4.0 by default, or 3.0) with cases per support form
and payment plans in the asked period, encoded in base64 as SSBTEK carries it."""

from __future__ import annotations

import base64
from datetime import date, timedelta

from lxml import etree

from simulator.parts import AgencyFailure
from simulator.people import SimPerson
from simulator.question import SimPeriod, SimQuestion, month_end
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

# (base, jitter) in seconds: a rough shape of what production clients report.
LATENCY = (0.30, 0.20)
CSN_ARENDE_TOO_LONG = 32

# (element under Person, its namespace suffix, stodform, klartext, Beloppen rows as
# (beloppstyp, klartext, kronor per week))
FORMS = (
    ("Studiemedel", "studiemedel", "GRUND", "Studiemedel för studier i Sverige",
     (("GRUNDB", "Bidrag", 871), ("GRUNDL", "Lån", 2075))),
    ("Studiehjalp", "studiehjalp", "SH", "Studiehjälp Sverige", (("STUDB", "Studiebidrag", 290),)),
    ("HemutrustningsLan", "hemutrustningslan", "HUT", "Hemutrustningslån", (("HUT", "Lån", 0),)),
    ("Studiestartsstod", "studiestartsstod", "SSSTÖD", "Studiestartsstöd",
     (("STÖDB", "Studiestartsstöd bidrag", 2075),)),
    ("Omstallningsstudiestod", "omstallningsstudiestod", "OSS", "Omställningsstudiestöd",
     (("OSSBID", "Omställningsstudiestöd bidrag", 2405),
      ("OSSLÅN", "Omställningsstudiestöd lån", 1030))),
)  # fmt: skip


def _ns(version: str, name: str) -> str:
    return f"http://schema.csn.se/v{version}/{name}"


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}{week:02d}"


def csn_number(personnummer: str) -> str:
    """The ten digits CSN writes for a 12-digit number. CSN's pattern allows a day of 01-39
    only, so a samordningsnummer's day (61-91) is written as the day of birth, 60 less; the
    other digits stay as they are."""
    day = int(personnummer[6:8])
    return f"{personnummer[2:6]}{day - 60 if day > 60 else day:02d}{personnummer[8:]}"


def forms_of(person: SimPerson, scenario: Scenario | None, period: SimPeriod) -> list[str]:
    """The support forms the person has cases in at the period's end."""
    if scenario is Scenario.ALLA:
        return [form[0] for form in FORMS]
    if scenario is Scenario.INGENTING:
        return []
    rng = person.rng("CSN")
    age = period.tom.year - person.birth.year
    forms = []
    if 16 <= age <= 20:
        forms.append("Studiehjalp")
    if 20 <= age <= 45 and rng.random() < 0.5:
        forms.append("Studiemedel")
    if person.migration and rng.random() < 0.5:
        forms.append("HemutrustningsLan")
    if 25 <= age <= 56 and rng.random() < 0.1:
        forms.append("Studiestartsstod")
    if 27 <= age <= 62 and rng.random() < 0.1:
        forms.append("Omstallningsstudiestod")
    return forms


def csn_document(
    person: SimPerson, scenario: Scenario | None, period: SimPeriod, version: str = "4.0"
) -> bytes:
    """The `CSNSvar` document for a person and the CSN period."""
    v = version.split(".")[0] + ".0"
    kommun, pers, typer = _ns(v, "kommunfraga"), _ns(v, "person"), _ns(v, "csntyper")
    root = etree.Element(f"{{{kommun}}}CSNSvar", nsmap={None: kommun, "pers": pers, "typ": typer})
    root.set("schemaVersion", v)
    resultat = sub(sub(root, kommun, "GemensamtSvarEkbistand"), kommun, "Resultat")
    sub(resultat, kommun, "ResultatKod", 0)
    sub(resultat, kommun, "ResultatText", "Allt OK, inget att rapportera")
    sub(root, kommun, "GemensamtFragaEkbistand")
    person_element = sub(sub(root, kommun, "Personer"), kommun, "Person")
    person_element.set("personnummer", csn_number(person.personnummer))
    person_element.set("Status", " " * 10)
    person_element.set("sekretess", "J " if person.protected else "  ")
    person_element.set("sekel", person.personnummer[:2])
    has = forms_of(person, scenario, period)
    forms = [f for f in FORMS if v == "4.0" or f[0] != "Omstallningsstudiestod"]
    summary = sub(person_element, pers, "Studiestodstypforteckning")
    for element, suffix, *_ in forms:
        sub(summary, typer, suffix, 1 if element in has else 0)
    for element, suffix, stodform, klartext, amounts in forms:
        container = sub(person_element, pers, element)
        if element not in has:
            continue
        arenden = sub(container, pers, "Arenden")
        _arende(arenden, pers, _ns(v, suffix), typer, person, period, stodform, klartext, amounts)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _arende(
    arenden: etree._Element,
    pers: str,
    ns: str,
    typer: str,
    person: SimPerson,
    period: SimPeriod,
    stodform: str,
    klartext: str,
    amounts: tuple[tuple[str, str, int], ...],
) -> None:
    rng = person.rng("CSN", stodform)
    arende = sub(arenden, pers, "Arende")
    arende.set("lopnummer", str(rng.randint(1, 40)))
    sub(arende, ns, "stodform", stodform)
    sub(arende, ns, "klartext", klartext)
    sub(arende, ns, "status", "BESLUTAD")
    start = period.from_ - timedelta(days=rng.randint(20, 200))
    end = period.tom + timedelta(days=rng.randint(20, 200))
    if stodform == "HUT":
        _plan(arende, ns, typer, person, period, amounts, stodform, weeks=False)
        return
    sokta = sub(arende, ns, "soktaTider")
    tid = sub(sokta, ns, "soktTid")
    sub(tid, typer, "soktfrom", start.strftime("%Y%m%d"))
    sub(tid, typer, "sokttom", "0" if rng.random() < 0.3 else end.strftime("%Y%m%d"))
    sub(tid, typer, "soktomfattning", 100)
    sub(tid, typer, "soktlan", "J" if len(amounts) > 1 else " ")
    beviljade = sub(arende, ns, "BeviljadeTider")
    tid = sub(beviljade, ns, "BeviljadTid")
    sub(tid, typer, "starttid", _week(start))
    sub(tid, typer, "sluttid", _week(end))
    sub(tid, typer, "takt", 100)
    weeks = max(1, (end - start).days // 7)
    _beloppen(tid, typer, amounts, weeks)
    sub(tid, typer, "totbelopp", sum(a[2] for a in amounts) * weeks)
    _plan(arende, ns, typer, person, period, amounts, stodform, weeks=True)


def _beloppen(
    parent: etree._Element, typer: str, amounts: tuple[tuple[str, str, int], ...], weeks: int
) -> None:
    beloppen = sub(parent, typer, "Beloppen")
    for beloppstyp, text, per_week in amounts:
        belopp = sub(beloppen, typer, "Belopp")
        sub(belopp, typer, "beloppstyp", beloppstyp)
        sub(belopp, typer, "klartext", text)
        sub(belopp, typer, "belopp", per_week * weeks)
        sub(belopp, typer, "totbelopp", per_week * weeks)


def _plan(
    arende: etree._Element,
    ns: str,
    typer: str,
    person: SimPerson,
    period: SimPeriod,
    amounts: tuple[tuple[str, str, int], ...],
    stodform: str,
    weeks: bool,
) -> None:
    plan = sub(arende, ns, "UtbetalningsPlan")
    today = date.today()  # paid or planned is relative to now, as at CSN
    for month in period.months():
        pay_day = month.replace(day=25)
        summer = stodform == "SH" and month.month in (7, 8)  # studiehjälp is not paid in summer
        if period.from_ <= pay_day <= period.tom and not summer:
            utbetalning = sub(plan, ns, "Utbetalning")
            sub(utbetalning, typer, "utbetdatum", pay_day.strftime("%Y%m%d"))
            sub(utbetalning, typer, "utbetstatus", "Utbetald" if pay_day <= today else "Planerad")
            tider = sub(utbetalning, typer, "Utbetaldatider")
            tid = sub(tider, typer, "Utbetaldtid")
            if weeks:
                sub(tid, typer, "startvecka", _week(month))
                sub(tid, typer, "slutvecka", _week(month_end(month)))
            lan = person.rng("HUT").randint(15000, 30000) if stodform == "HUT" else 0
            _beloppen(tid, typer, tuple((a, t, w or lan) for a, t, w in amounts), 4)
            total = sum((w or lan) * 4 for _, _, w in amounts)
            sub(tid, typer, "totbelopp", total)
            sub(utbetalning, typer, "totbelopp", total)
            if stodform == "HUT":
                break  # a home equipment loan is paid once


def csn_svar(
    person: SimPerson, scenario: Scenario | None, period: SimPeriod, version: str = "4.0"
) -> str:
    """CSN's `svar` as SSBTEK carries it: base64 of the document."""
    return base64.b64encode(csn_document(person, scenario, period, version)).decode()


def build(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    """Fill CSN's `data`: the base64 CSNSvar document; -1005 for a 32-character arende."""
    if len(q.arendeidentitet) >= CSN_ARENDE_TOO_LONG:
        raise AgencyFailure("BT", "-1005", "Ärendeidentiteten får vara högst 31 tecken")
    svar = csn_svar(p, scenario, q.period_of("CSN"), q.csn_schema_version)
    sub(data, q.namespace, "svar", svar)
