"""CSN's part: `svar` is base64 of an XML document `CSNSvar` (kommunfraga namespace, schema
versions 3.0 and 4.0). Dates are `yyyyMMdd` with `0` for none, weeks `yyyyWW`, personnummer 10
digits with `sekel`, and some attributes arrive blank-padded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from resolvers.personnummer import InvalidPersonnummer, normalise
from resolvers.xmlread import (
    LEAF,
    Known,
    PayloadError,
    UnknownValue,
    base64_of,
    child,
    children,
    local,
    parse_document,
    text,
    unknown_content,
)

SCHEMA_VERSIONS = {"3.0": "v3.0", "4.0": "v4.0"}
_DIGITS = re.compile(r"^-?\d+$")


@dataclass(frozen=True)
class YearWeek:
    """A CSN week `yyyyWW` (ISO week)."""

    ar: int
    vecka: int

    @property
    def text(self) -> str:
        """The week as CSN writes it."""
        return f"{self.ar:04d}{self.vecka:02d}"

    @property
    def forsta_dag(self) -> date:
        """The Monday of the week."""
        return date.fromisocalendar(self.ar, self.vecka, 1)

    @property
    def sista_dag(self) -> date:
        """The Sunday of the week."""
        return date.fromisocalendar(self.ar, self.vecka, 7)


@dataclass(frozen=True)
class CsnBelopp:
    """`Belopp`: one amount by type, whole kronor."""

    beloppstyp: str | None
    klartext: str | None
    belopp: int | None
    totbelopp: int | None


@dataclass(frozen=True)
class SoktTid:
    """`soktTid`: a period applied for."""

    soktfrom: date | None
    sokttom: date | None
    soktomfattning: str | None
    soktlan: bool | None


@dataclass(frozen=True)
class BeviljadTid:
    """`BeviljadTid`: a granted period in weeks, with its amounts."""

    starttid: YearWeek | None
    sluttid: YearWeek | None
    takt: str | None
    gr_takt: str | None
    belopp: list[CsnBelopp]
    totbelopp: int | None


@dataclass(frozen=True)
class UtbetaldTid:
    """`Utbetaldtid`: the weeks one payment covers, with its amounts."""

    startvecka: YearWeek | None
    slutvecka: YearWeek | None
    startdatum: date | None
    slutdatum: date | None
    belopp: list[CsnBelopp]
    totbelopp: int | None


@dataclass(frozen=True)
class CsnUtbetalning:
    """`UtbetalningsPlan/Utbetalning`: a paid or planned payment."""

    utbetdatum: date | None
    utbetstatus: str | None
    utbetalda_tider: list[UtbetaldTid]
    totbelopp: int | None


@dataclass(frozen=True)
class CsnArende:
    """`Arenden/Arende`: one case of a support form."""

    lopnummer: str | None
    medlanare: str | None
    stodform: str | None
    klartext: str | None
    status: str | None
    relarende: str | None
    sokta_tider: list[SoktTid]
    beviljade_tider: list[BeviljadTid]
    utbetalningsplan: list[CsnUtbetalning]


@dataclass(frozen=True)
class Studiestodstyper:
    """`Studiestodstypforteckning`: CSN's summary per support form."""

    studiemedel: str | None
    studiehjalp: str | None
    hemutrustningslan: str | None
    studiestartsstod: str | None
    omstallningsstudiestod: str | None


@dataclass(frozen=True)
class CsnPerson:
    """`Personer/Person`: one person and their cases per support form."""

    personnummer: str | None
    personnummer_csn: str | None
    sekel: str | None
    status: str | None
    sekretess: str | None
    studiestodstyper: Studiestodstyper | None
    studiemedel: list[CsnArende]
    studiehjalp: list[CsnArende]
    hemutrustningslan: list[CsnArende]
    studiestartsstod: list[CsnArende]
    omstallningsstudiestod: list[CsnArende]


@dataclass(frozen=True)
class CsnSvar:
    """`CSNSvar`: CSN's answer."""

    schema_version: str
    resultat_kod: str | None
    resultat_text: str | None
    personer: list[CsnPerson]
    ovriga_element: list[UnknownValue] = field(default_factory=list)


def decode(data: etree._Element) -> CsnSvar:
    """Decode CSN's `data/svar`: base64, then the `CSNSvar` document inside."""
    return read_csn_svar(parse_document(base64_of(data, "svar", "CSN's svar"), "CSN's svar"))


def read_csn_svar(root: etree._Element) -> CsnSvar:
    """Read a parsed `CSNSvar` of schema version 3.0 or 4.0."""
    version = (root.get("schemaVersion") or "").strip()
    namespace = etree.QName(root).namespace or ""
    expected = SCHEMA_VERSIONS.get(version)
    if local(root) != "CSNSvar" or expected is None or f"/{expected}/" not in namespace + "/":
        raise PayloadError("CSN's svar has an unknown schemaVersion or namespace")
    resultat = child(child(root, "GemensamtSvarEkbistand"), "Resultat")
    return CsnSvar(
        schema_version=version,
        resultat_kod=_clean(text(resultat, "ResultatKod")),
        resultat_text=_clean(text(resultat, "ResultatText")),
        personer=[_person(p) for p in children(child(root, "Personer"), "Person")],
        ovriga_element=unknown_content(root, _ROOT),
    )


FORMS = {
    "studiemedel": "Studiemedel",
    "studiehjalp": "Studiehjalp",
    "hemutrustningslan": "HemutrustningsLan",
    "studiestartsstod": "Studiestartsstod",
    "omstallningsstudiestod": "Omstallningsstudiestod",
}


_BELOPP: Known = dict.fromkeys(("beloppstyp", "klartext", "belopp", "totbelopp"), LEAF)
_WEEKS_AND_AMOUNTS: Known = {
    **dict.fromkeys(("startvecka", "slutvecka", "startdatum", "slutdatum", "totbelopp"), LEAF),
    "Beloppen": {"Belopp": _BELOPP},
}
_PLAN: Known = {
    "Utbetalning": {
        "utbetdatum": LEAF,
        "utbetstatus": LEAF,
        "Utbetaldatider": {"Utbetaldtid": _WEEKS_AND_AMOUNTS},
        "Beloppen": {"startdatum": LEAF, "slutdatum": LEAF, "Belopp": _BELOPP},
        "totbelopp": LEAF,
    }
}
_ARENDE: Known = {
    "@lopnummer": LEAF,
    "@medlanare": LEAF,
    **dict.fromkeys(("stodform", "klartext", "status", "relarende"), LEAF),
    "soktaTider": {
        "soktTid": dict.fromkeys(("soktfrom", "sokttom", "soktomfattning", "soktlan"), LEAF)
    },
    "BeviljadeTider": {
        "BeviljadTid": {
            **dict.fromkeys(("starttid", "sluttid", "takt", "gr_takt", "totbelopp"), LEAF),
            "Beloppen": {"Belopp": _BELOPP},
        }
    },
    "UtbetalningsPlan": _PLAN,
    "Utbetalningsplan": _PLAN,
}
_ROOT: Known = {
    "@schemaVersion": LEAF,
    "GemensamtSvarEkbistand": {"Resultat": {"ResultatKod": LEAF, "ResultatText": LEAF}},
    "Personer": {
        "Person": {
            **dict.fromkeys(("@personnummer", "@sekel", "@Status", "@status", "@sekretess"), LEAF),
            "Studiestodstypforteckning": dict.fromkeys(FORMS, LEAF),
            **{element: {"Arenden": {"Arende": _ARENDE}} for element in FORMS.values()},
        }
    },
}


def _person(person: etree._Element) -> CsnPerson:
    ten = _clean(person.get("personnummer"))
    sekel = _clean(person.get("sekel"))
    typer = child(person, "Studiestodstypforteckning")
    return CsnPerson(
        personnummer=_twelve(ten, sekel),
        personnummer_csn=ten,
        sekel=sekel,
        status=_clean(person.get("Status") or person.get("status")),
        sekretess=_clean(person.get("sekretess")),
        studiestodstyper=None
        if typer is None
        else Studiestodstyper(*(_clean(text(typer, name)) for name in FORMS)),
        **{
            attribute: [
                _arende(a) for a in children(child(child(person, element), "Arenden"), "Arende")
            ]
            for attribute, element in FORMS.items()
        },
    )


def _arende(arende: etree._Element) -> CsnArende:
    plan = child(arende, "UtbetalningsPlan")
    if plan is None:
        plan = child(arende, "Utbetalningsplan")
    return CsnArende(
        lopnummer=_clean(arende.get("lopnummer")),
        medlanare=_clean(arende.get("medlanare")),
        stodform=_clean(text(arende, "stodform")),
        klartext=_clean(text(arende, "klartext")),
        status=_clean(text(arende, "status")),
        relarende=_clean(text(arende, "relarende")),
        sokta_tider=[
            SoktTid(
                soktfrom=csn_date(text(t, "soktfrom")),
                sokttom=csn_date(text(t, "sokttom")),
                soktomfattning=_clean(text(t, "soktomfattning")),
                soktlan=_soktlan(text(t, "soktlan")),
            )
            for t in children(child(arende, "soktaTider"), "soktTid")
        ],
        beviljade_tider=[
            BeviljadTid(
                starttid=csn_week(text(t, "starttid")),
                sluttid=csn_week(text(t, "sluttid")),
                takt=_clean(text(t, "takt")),
                gr_takt=_clean(text(t, "gr_takt")),
                belopp=_belopp(child(t, "Beloppen")),
                totbelopp=_amount(text(t, "totbelopp")),
            )
            for t in children(child(arende, "BeviljadeTider"), "BeviljadTid")
        ],
        utbetalningsplan=[_utbetalning(u) for u in children(plan, "Utbetalning")],
    )


def _utbetalning(utbetalning: etree._Element) -> CsnUtbetalning:
    tider = [
        _utbetald_tid(t) for t in children(child(utbetalning, "Utbetaldatider"), "Utbetaldtid")
    ]
    beloppen = child(utbetalning, "Beloppen")  # the hemutrustningslån shape (hutgetinfo)
    if beloppen is not None:
        tider.append(_utbetald_tid(beloppen))
    return CsnUtbetalning(
        utbetdatum=csn_date(text(utbetalning, "utbetdatum")),
        utbetstatus=_clean(text(utbetalning, "utbetstatus")),
        utbetalda_tider=tider,
        totbelopp=_amount(text(utbetalning, "totbelopp")),
    )


def _utbetald_tid(tid: etree._Element) -> UtbetaldTid:
    """An `Utbetaldtid`, or a hemutrustningslån `Beloppen` that holds its amounts directly."""
    beloppen = child(tid, "Beloppen")
    return UtbetaldTid(
        startvecka=csn_week(text(tid, "startvecka")),
        slutvecka=csn_week(text(tid, "slutvecka")),
        startdatum=csn_date(text(tid, "startdatum")),
        slutdatum=csn_date(text(tid, "slutdatum")),
        belopp=_belopp(beloppen if beloppen is not None else tid),
        totbelopp=_amount(text(tid, "totbelopp")),
    )


def _belopp(beloppen: etree._Element | None) -> list[CsnBelopp]:
    return [
        CsnBelopp(
            beloppstyp=_clean(text(b, "beloppstyp")),
            klartext=_clean(text(b, "klartext")),
            belopp=_amount(text(b, "belopp")),
            totbelopp=_amount(text(b, "totbelopp")),
        )
        for b in children(beloppen, "Belopp")
    ]


def csn_date(value: str | None) -> date | None:
    """A CSN date `yyyyMMdd`; `0`, blank or absent is None."""
    value = (value or "").strip()
    if value in ("", "0"):
        return None
    if len(value) != 8 or not value.isdigit():
        raise PayloadError("a CSN date is not yyyyMMdd")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise PayloadError("a CSN date is not a real date") from None


def csn_week(value: str | None) -> YearWeek | None:
    """A CSN week `yyyyWW`; `0`, blank or absent is None."""
    value = (value or "").strip()
    if value in ("", "0"):
        return None
    if len(value) != 6 or not value.isdigit():
        raise PayloadError("a CSN week is not yyyyWW")
    week = YearWeek(int(value[:4]), int(value[4:]))
    try:
        week.forsta_dag  # noqa: B018 - checks that the week exists in that year
    except ValueError:
        raise PayloadError("a CSN week does not exist in its year") from None
    return week


def _soktlan(value: str | None) -> bool | None:
    """`soktlan`: `J` when a loan was applied for, a blank when not."""
    if value is None:
        return None
    return value.strip() == "J"


def _amount(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not _DIGITS.match(value):
        raise PayloadError("a CSN amount is not whole kronor")
    return int(value)


def _clean(value: str | None) -> str | None:
    """CSN pads some values with blanks; blank means absent."""
    if value is None:
        return None
    return value.strip() or None


def _twelve(ten: str | None, sekel: str | None) -> str | None:
    """The 12-digit number from CSN's 10 digits and `sekel`; None if it is not a valid number.

    CSN's pattern allows days 01-39 only, so a samordningsnummer (day + 60) travels with the day
    of birth and its own check digit: when the digits are no valid personnummer, the number with
    60 added to the day is tried as a samordningsnummer."""
    if ten is None:
        return None
    prefix = sekel or ""
    candidates = [ten]
    if len(ten) == 10 and ten.isdigit() and int(ten[4:6]) <= 31:
        candidates.append(f"{ten[:4]}{int(ten[4:6]) + 60:02d}{ten[6:]}")
    for digits in candidates:
        try:
            return normalise(prefix + digits)
        except InvalidPersonnummer:
            continue
    return None
