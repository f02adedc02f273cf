"""CSN's part: `svar` is base64 of an XML document `CSNSvar` (kommunfraga namespace, schema
versions 3.0 and 4.0), declared once (`resolvers/decode/declare.py`). Dates are `yyyyMMdd` with
`0` for none, weeks `yyyyWW`, personnummer 10 digits with `sekel`, and some attributes arrive
blank-padded."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lxml import etree

from resolvers.agencies import Agency
from resolvers.decode.declare import (
    BLANK_IS_NULL,
    DATE,
    INT,
    TEXT,
    AgencyDeclaration,
    Derived,
    Field,
    Items,
    Kind,
    Type,
    Unknown,
)
from resolvers.personnummer import InvalidPersonnummer, normalise
from resolvers.xmlread import PayloadError, base64_of, local, parse_document

SCHEMA_VERSIONS = {"3.0": "v3.0", "4.0": "v4.0"}
_DIGITS = re.compile(r"^-?\d+$")


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


def csn_week(value: str | None) -> Any:
    """A CSN week `yyyyWW` (a `CsnVecka`); `0`, blank or absent is None."""
    value = (value or "").strip()
    if value in ("", "0"):
        return None
    if len(value) != 6 or not value.isdigit():
        raise PayloadError("a CSN week is not yyyyWW")
    year, week = int(value[:4]), int(value[4:])
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise PayloadError("a CSN week does not exist in its year") from None
    return CSN_VECKA.cls(year, week, value, monday, date.fromisocalendar(year, week, 7))


def _soktlan(value: str) -> bool:
    """`soktlan`: `J` when a loan was applied for, a blank when not."""
    return value.strip() == "J"


def _amount(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not _DIGITS.match(value):
        raise PayloadError("a CSN amount is not whole kronor")
    return int(value)


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


CSN_VECKA = Type(
    "CsnVecka",
    "A CSN week `yyyyWW` (ISO week), e.g. `starttid`.",
    Field("ar", None, INT, "The ISO week-numbering year of the week.", required=True),
    Field("vecka", None, INT, "The ISO week number.", required=True),
    Field("text", None, TEXT, "The week as CSN writes it, `yyyyWW`.", required=True),
    Field("forsta_dag", None, DATE, "Monday of the week.", required=True),
    Field("sista_dag", None, DATE, "Sunday of the week.", required=True),
)
# CSN pads values with blanks; blank means absent.
CSN_TEXT = BLANK_IS_NULL
CSN_DATE = Kind("Date", csn_date)
CSN_WEEK = Kind(CSN_VECKA, csn_week)
CSN_AMOUNT = Kind("Int", _amount)  # whole kronor
SOKTLAN = Kind("Boolean", _soktlan)

CSN_BELOPP = Type(
    "CsnBelopp",
    "CSN `Belopp`: one amount by type, in whole kronor.",
    Field("beloppstyp", "beloppstyp", CSN_TEXT,
          "`beloppstyp`, e.g. GRUNDB, GRUNDL, STUDB; null when not sent or blank."),
    Field("klartext", "klartext", CSN_TEXT,
          "`klartext`: the type in words; null when not sent or blank."),
    Field("belopp", "belopp", CSN_AMOUNT, "`belopp`, kronor."),
    Field("totbelopp", "totbelopp", CSN_AMOUNT, "`totbelopp`, kronor."),
)  # fmt: skip

SOKT_TID = Type(
    "SoktTid",
    "CSN `soktTid`: a period applied for.",
    Field("soktfrom", "soktfrom", CSN_DATE, "`soktfrom` (`0` from CSN is null)."),
    Field("sokttom", "sokttom", CSN_DATE,
          "`sokttom`: the last day applied for; null when CSN left it out."),
    Field("soktomfattning", "soktomfattning", CSN_TEXT,
          "`soktomfattning`: study pace in per cent."),
    Field("soktlan", "soktlan", SOKTLAN, "`soktlan`: a loan was applied for (J)."),
)  # fmt: skip

BEVILJAD_TID = Type(
    "BeviljadTid",
    "CSN `BeviljadTid`: a granted period in weeks, with amounts.",
    Field("starttid", "starttid", CSN_WEEK, "`starttid`: first week."),
    Field("sluttid", "sluttid", CSN_WEEK, "`sluttid`: last week."),
    Field("takt", "takt", CSN_TEXT, "`takt`: study pace in per cent."),
    Field("gr_takt", "gr_takt", CSN_TEXT,
          "`gr_takt`: the pace of study granted, in percent of full time, as CSN writes it."),
    Items("belopp", "Beloppen/Belopp", CSN_BELOPP, "`Beloppen/Belopp`."),
    Field("totbelopp", "totbelopp", CSN_AMOUNT, "`totbelopp`, kronor."),
)  # fmt: skip

UTBETALD_TID = Type(
    "UtbetaldTid",
    "CSN `Utbetaldtid`: the weeks (or, for hemutrustningslån, the dates) a payment covers, with "
    "amounts.",
    Field("startvecka", "startvecka", CSN_WEEK,
          "`startvecka`: the first week the payment covers; null for a loan paid at once."),
    Field("slutvecka", "slutvecka", CSN_WEEK,
          "`slutvecka`: the last week the payment covers; null for a loan paid at once."),
    Field("startdatum", "startdatum", CSN_DATE,
          "`startdatum`: the first day the payment covers, where CSN gives days "
          "(hemutrustningslån); else null."),
    Field("slutdatum", "slutdatum", CSN_DATE,
          "`slutdatum`: the last day the payment covers, where CSN gives days "
          "(hemutrustningslån); else null."),
    # A hemutrustningslån payment's `Beloppen` holds its amounts directly (below).
    Items("belopp", ("Beloppen/Belopp", "Belopp"), CSN_BELOPP, "`Beloppen/Belopp`."),
    Field("totbelopp", "totbelopp", CSN_AMOUNT, "`totbelopp`, kronor."),
)  # fmt: skip

CSN_UTBETALNING = Type(
    "CsnUtbetalning",
    "CSN `UtbetalningsPlan/Utbetalning`: a paid or planned payment.",
    Field("utbetdatum", "utbetdatum", CSN_DATE, "`utbetdatum`: pay date."),
    Field("utbetstatus", "utbetstatus", CSN_TEXT,
          "`utbetstatus`: Utbetald, UTBETALAD or Planerad."),
    # The hemutrustningslån shape (hutgetinfo): its `Beloppen` is one more covered period.
    Items("utbetalda_tider", ("Utbetaldatider/Utbetaldtid", "Beloppen"), UTBETALD_TID,
          "`Utbetaldatider/Utbetaldtid`."),
    Field("totbelopp", "totbelopp", CSN_AMOUNT, "`totbelopp`, kronor."),
)  # fmt: skip

CSN_ARENDE = Type(
    "CsnArende",
    "CSN `Arenden/Arende`: one case of a support form.",
    Field("lopnummer", "@lopnummer", CSN_TEXT, "`lopnummer` attribute."),
    Field("medlanare", "@medlanare", CSN_TEXT,
          "`medlanare` attribute (hemutrustningslån co-borrower)."),
    Field("stodform", "stodform", CSN_TEXT,
          "`stodform`, e.g. GRUND, SH, HUT, SSSTÖD, OSS; null when not sent or blank."),
    Field("klartext", "klartext", CSN_TEXT,
          "`klartext`: the support form in words; null when not sent or blank."),
    Field("status", "status", CSN_TEXT,
          "`status`: BESLUTAD, INITIERAD, AVSLUTAD (…); blank is null."),
    Field("relarende", "relarende", CSN_TEXT, "`relarende`: related case."),
    Items("sokta_tider", "soktaTider/soktTid", SOKT_TID, "`soktaTider/soktTid`."),
    Items("beviljade_tider", "BeviljadeTider/BeviljadTid", BEVILJAD_TID,
          "`BeviljadeTider/BeviljadTid`."),
    # Both spellings are seen.
    Items("utbetalningsplan", ("UtbetalningsPlan/Utbetalning", "Utbetalningsplan/Utbetalning"),
          CSN_UTBETALNING, "`UtbetalningsPlan/Utbetalning`: the payment plan."),
)  # fmt: skip

STUDIESTODSTYPER = Type(
    "Studiestodstyper",
    "CSN `Studiestodstypforteckning`: a summary per support form.",
    Field("studiemedel", "studiemedel", CSN_TEXT,
          "`studiemedel`: CSN's summary of the person's studiemedel (e.g. whether they have "
          "any); null when not sent."),
    Field("studiehjalp", "studiehjalp", CSN_TEXT,
          "`studiehjalp`: CSN's summary of studiehjälp; null when not sent."),
    Field("hemutrustningslan", "hemutrustningslan", CSN_TEXT,
          "`hemutrustningslan`: CSN's summary of hemutrustningslån; null when not sent."),
    Field("studiestartsstod", "studiestartsstod", CSN_TEXT,
          "`studiestartsstod`: CSN's summary of studiestartsstöd; null when not sent."),
    Field("omstallningsstudiestod", "omstallningsstudiestod", CSN_TEXT,
          "`omstallningsstudiestod` (absent in schema version 3.0)."),
)  # fmt: skip

CSN_PERSON = Type(
    "CsnPerson",
    "CSN `Personer/Person`: a person and their cases per support form.",
    Derived("personnummer", "Personnummer",
            "`sekel` + `personnummer` as 12 digits; null if CSN's number is not valid.",
            _twelve, ("personnummer_csn", "sekel")),
    Field("personnummer_csn", "@personnummer", CSN_TEXT,
          "`personnummer` as CSN sent it (10 digits), trimmed; null when not sent."),
    Field("sekel", "@sekel", CSN_TEXT, "`sekel`: the century digits."),
    Field("status", ("@Status", "@status"), CSN_TEXT,
          "`Status` trimmed (CSN pads it with blanks); null when blank, `Ej träff` when CSN "
          "does not know the person."),
    Field("sekretess", "@sekretess", CSN_TEXT, "`sekretess` trimmed; null when blank."),
    Field("studiestodstyper", "Studiestodstypforteckning", STUDIESTODSTYPER,
          "`Studiestodstypforteckning`: CSN's summary per support form; null when not sent."),
    Items("studiemedel", "Studiemedel/Arenden/Arende", CSN_ARENDE,
          "`Studiemedel/Arenden/Arende`."),
    Items("studiehjalp", "Studiehjalp/Arenden/Arende", CSN_ARENDE,
          "`Studiehjalp/Arenden/Arende`."),
    Items("hemutrustningslan", "HemutrustningsLan/Arenden/Arende", CSN_ARENDE,
          "`HemutrustningsLan/Arenden/Arende`."),
    Items("studiestartsstod", "Studiestartsstod/Arenden/Arende", CSN_ARENDE,
          "`Studiestartsstod/Arenden/Arende`."),
    Items("omstallningsstudiestod", "Omstallningsstudiestod/Arenden/Arende", CSN_ARENDE,
          "`Omstallningsstudiestod/Arenden/Arende`."),
)  # fmt: skip

CSN = AgencyDeclaration(
    Agency.CSN,
    Type(
        "Csn",
        "CSN's answer (`CSN`, base64 `CSNSvar` in `svar`, schema version 3.0 or 4.0). Data "
        "fields are null when `fel` is set.",
        Field("schema_version", "@schemaVersion", CSN_TEXT, "`schemaVersion`: 3.0 or 4.0."),
        Field("resultat_kod", "GemensamtSvarEkbistand/Resultat/ResultatKod", CSN_TEXT,
              "`Resultat/ResultatKod`."),
        Field("resultat_text", "GemensamtSvarEkbistand/Resultat/ResultatText", CSN_TEXT,
              "`Resultat/ResultatText`."),
        Items("personer", "Personer/Person", CSN_PERSON, "`Personer/Person`."),
        Unknown("Every element and attribute of `CSNSvar` that the facade does not model (e.g. "
                "the question echo), at any depth, with its path from `CSNSvar`."),
    ),
    about="CSN (`CSN`): study support per support form.",
    fel="CSN's `error` (e.g. `-1005` for an `arende` of 32 or more characters), or the "
    "facade's `INVALID_PAYLOAD` when `svar` cannot be read; null when CSN answered.",
    module=__name__,
)  # fmt: skip


def decode(data: etree._Element) -> Any:
    """Decode CSN's `data/svar` (a `Csn`): base64, then the `CSNSvar` document inside."""
    return read_csn_svar(parse_document(base64_of(data, "svar", "CSN's svar"), "CSN's svar"))


def read_csn_svar(root: etree._Element) -> Any:
    """Read a parsed `CSNSvar` of schema version 3.0 or 4.0."""
    version = (root.get("schemaVersion") or "").strip()
    namespace = etree.QName(root).namespace or ""
    expected = SCHEMA_VERSIONS.get(version)
    if local(root) != "CSNSvar" or expected is None or f"/{expected}/" not in namespace + "/":
        raise PayloadError("CSN's svar has an unknown schemaVersion or namespace")
    return CSN.read(root)
