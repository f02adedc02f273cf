"""One list of what was paid to a person, from every paying source, and its sums per month.

The sources and their rules (docs/schema-guide.md, Payments, says the same for callers; each
rule names the contract fields it reads):

- **FK**, Försäkringskassan (LEFI `formansinformation.utbetalningsuppgift`, effected, and
  `preliminarautbetalningar`, planned; `LefiUtbetalningUppgift`). Tax is every tax deduction:
  LEFI fills `skattebelopp` for PS and SS only, and sends PST, SST and PF (the earlier years'
  taxes) as `utbetalningsdetalj` rows with `avdragsbelopp`; `skatt` is `skattebelopp` plus
  those rows. `avdragsbelopp` already includes every deduction, tax too, so the other
  deductions are `avdragsbelopp − skatt`. A detail row is a payment, a tax or a deduction by
  its `beloppstyp` and the amount it carries (`bruttobelopp`, `skattebelopp`,
  `avdragsbelopp`).
- **PM**, Pensionsmyndigheten (LEFI top-level `utbetalningar` and `preliminaraUtbetalningar`;
  `LefiPmFormanUtbetalning`): whole kronor; the tax is the `avdrag` of kind PS, PST, SS and SST,
  the rest are other deductions. `brutto` is `bruttobelopp`, or without it the sum of the
  `utbetalningsrader`, the parts that make up the gross. PM writes deductions with either sign;
  they are turned round to amounts withheld when the gross plus their sum is `nettobelopp`, or,
  with no gross or net to tell, when their sum is negative.
- **AKASSA**, the a-kassor (SO `Utbetalningar`): `netto` is `NettoEfterAvdrag`, with
  `NettoEfterSkatt` beside it; the other deductions are their difference. The a-kassor send
  no gross amount and no tax: both are unknown (null).
- **CSN** (`UtbetalningsPlan/Utbetalning` of every case): one row per payment-plan row, its
  amount (`totbelopp`) both gross and net; CSN's answer holds no tax or deductions (null).
  `Planerad` is preliminary. Each `Belopp` is a grant or a loan by its `beloppstyp`
  (`CSN_BIDRAG`, `CSN_LAN`), summed into `varav_bidrag` and `varav_lan`.

Each payment is counted once:

- A preliminary FK or PM payment that has since been paid is the same payment: LEFI drops a
  planned payment once it is effected, but an answer may list it still (its planned list read
  before the payout). It is left out when an effected row of the same source has the same
  förmån and covered period (its start known), and the same pay date or the same amounts
  (`brutto` and `netto`), and it is not retroactive (FK `typ` 3, Retro: a further payment for
  a period already paid). Nothing else makes two rows one.
- A payment FK reports with payer `foretag` 1003 (Pensionsmyndigheten) and PM reports in its own
  model is one payment (LEFI: FK's payment model may carry PM payments, without a guarantee that
  both say the same): when both have the same pay date, `brutto` and `netto` and are both
  effected or both planned, PM's row is kept, with `rapporterad_av` naming both.

Amounts come out as SEK with two decimals (`amount`), never rounded: an amount with more
decimals than öre keeps them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from resolvers.plan import Period


class Utbetalningskalla(enum.Enum):
    """A paying source."""

    FK = "FK"
    PM = "PM"
    AKASSA = "AKASSA"
    CSN = "CSN"


SOURCES = tuple(Utbetalningskalla)  # the order rows and sums are given in
T = TypeVar("T")


class Delslag(enum.Enum):
    """What a detail row of a payment is."""

    UTBETALNING = "UTBETALNING"
    SKATT = "SKATT"
    AVDRAG = "AVDRAG"


class Stodslag(enum.Enum):
    """Whether a CSN amount is a grant or a loan."""

    BIDRAG = "BIDRAG"
    LAN = "LAN"


class Beloppsfalt(enum.Enum):
    """An amount column of a payment or a sum."""

    BRUTTO = "brutto"
    SKATT = "skatt"
    OVRIGA_AVDRAG = "ovriga_avdrag"
    NETTO = "netto"
    VARAV_BIDRAG = "varav_bidrag"
    VARAV_LAN = "varav_lan"


@dataclass(frozen=True)
class Kod:
    """A code and its words."""

    kod: str | None
    beskrivning: str | None = None


@dataclass(frozen=True)
class Datumperiod:
    """A period of days; either end may be unknown."""

    from_: date | None
    tom: date | None


@dataclass(frozen=True)
class Utbetalningsdel:
    """A detail row of a payment: a part of the gross, a tax or a deduction (`belopp` as a
    positive amount paid or withheld)."""

    slag: Delslag
    belopp: Decimal | None
    forman: Kod | None = None
    formansgrupp: Kod | None = None
    beloppstyp: Kod | None = None
    avser: Datumperiod | None = None
    dagar: Decimal | None = None
    stodslag: Stodslag | None = None


@dataclass(frozen=True)
class Utbetalning:
    """One payment from one source, normalised."""

    kalla: Utbetalningskalla
    utbetalare: str
    forman: Kod | None
    delforman: Kod | None
    utbetalningsdatum: date | None
    avser: Datumperiod | None
    brutto: Decimal | None
    skatt: Decimal | None
    ovriga_avdrag: Decimal | None
    netto: Decimal | None
    netto_efter_skatt: Decimal | None
    dagar: Decimal | None
    preliminar: bool
    delar: list[Utbetalningsdel] = field(default_factory=list)
    typ: Kod | None = None
    varav_bidrag: Decimal | None = None
    varav_lan: Decimal | None = None
    rapporterad_av: tuple[Utbetalningskalla, ...] = ()
    foretag: str | None = None  # FK's payer code (`foretag`): 1003 is Pensionsmyndigheten

    def __post_init__(self) -> None:
        if not self.rapporterad_av:
            object.__setattr__(self, "rapporterad_av", (self.kalla,))

    @property
    def manad(self) -> date | None:
        """The first day of the month the row counts in: its pay date's, else the start of the
        period it covers."""
        day = self.utbetalningsdatum or (self.avser.from_ if self.avser else None)
        return day.replace(day=1) if day else None


@dataclass(frozen=True)
class Manadstotal:
    """The sums of one month for one source (and in `Manadssumma`, one förmån). An amount is
    None only when no row counted in it has that amount; `ofullstandiga` names the amounts some
    row lacked. A month with no rows sums to zero."""

    manad: str  # YYYY-MM
    kalla: Utbetalningskalla
    brutto: Decimal | None
    skatt: Decimal | None
    ovriga_avdrag: Decimal | None
    netto: Decimal | None
    varav_bidrag: Decimal | None
    varav_lan: Decimal | None
    antal: int
    ofullstandiga: list[Beloppsfalt]


@dataclass(frozen=True)
class Manadssumma(Manadstotal):
    """The sums of one month for one source and one förmån (None: the source named none)."""

    forman: Kod | None = None


TAX_KINDS = frozenset({"PS", "PST", "SS", "SST", "PF"})  # LEFI's tax deduction codes
RETRO = "3"  # FK `typ`: a retroactive payment
PM_PAYER = "1003"  # FK `foretag`: Pensionsmyndigheten
FORETAG = {"1001": "Försäkringskassan", PM_PAYER: "Pensionsmyndigheten"}
ARBETSLOSHETSERSATTNING = Kod("ARBETSLOSHETSERSATTNING", "Arbetslöshetsersättning")
# CSN `beloppstyp` (csntyper): grants and loans.
CSN_BIDRAG = frozenset(
    {"GRUNDB", "GRUNDF", "TILB", "EXTRA", "INACK", "STUDB", "LÄRERS", "STÖDB", "STÖDT", "OSSBID"}
)
CSN_LAN = frozenset({"GRUNDL", "GRUNFL", "MERKL", "TILL", "HUT", "OSSLÅN"})
CENT = Decimal("0.01")
AMOUNTS = (
    Beloppsfalt.BRUTTO,
    Beloppsfalt.SKATT,
    Beloppsfalt.OVRIGA_AVDRAG,
    Beloppsfalt.NETTO,
    Beloppsfalt.VARAV_BIDRAG,
    Beloppsfalt.VARAV_LAN,
)
# The amounts a source can send at all: the others are not part of its payments (CSN lends,
# no other source does), and a sum of them is null without being incomplete.
APPLIES = {source: frozenset(AMOUNTS[:4]) for source in SOURCES} | {
    Utbetalningskalla.CSN: frozenset(AMOUNTS)
}


def amount(value: Decimal | int | str | None) -> Decimal | None:
    """An amount in SEK with two decimals (`1250` → `1250.00`); more decimals are kept."""
    if value is None:
        return None
    number = Decimal(value)
    cents = number.quantize(CENT)
    return cents if cents == number else number


# -- Försäkringskassan -------------------------------------------------------------------------


def fk_payments(answer: dict[str, Any]) -> list[Utbetalning]:
    """FK's effected and planned payments in a decoded LEFI answer."""
    info = answer.get("formansinformation") or {}
    return [
        _fk_payment(item, preliminar)
        for preliminar, name in ((False, "utbetalningsuppgift"), (True, "preliminarautbetalningar"))
        for item in info.get(name) or []
    ]


def _fk_payment(item: dict[str, Any], preliminar: bool) -> Utbetalning:
    read = [_fk_part(row) for row in item.get("utbetalningsdetalj") or []]
    delar = [part for part, _ in read]
    paid = [d for d in delar if d.slag is Delslag.UTBETALNING]
    avdrag = _summa(item.get("avdragsbelopp"))
    foretag = _kod(item.get("foretag"))
    return Utbetalning(
        kalla=Utbetalningskalla.FK,
        utbetalare=(foretag and (foretag.beskrivning or FORETAG.get(foretag.kod or "")))
        or "Försäkringskassan",
        forman=_kod(item.get("formansfamilj")),
        delforman=_only({d.forman for d in paid}),
        utbetalningsdatum=_date(item.get("datum")),
        avser=_fran_till(item.get("period")),
        brutto=amount(_summa(item.get("bruttobelopp"))),
        skatt=amount(skatt := _fk_tax(item, read)),
        # FK's deduction total already includes every tax.
        ovriga_avdrag=amount(None if avdrag is None else avdrag - (skatt or Decimal(0))),
        netto=amount(_summa(item.get("nettobelopp"))),
        netto_efter_skatt=None,
        dagar=_only({d.dagar for d in paid}),
        preliminar=preliminar,
        delar=delar,
        typ=_kod(item.get("typ")),
        foretag=foretag.kod if foretag else None,
    )


def _fk_tax(item: dict[str, Any], read: list[tuple[Utbetalningsdel, bool]]) -> Decimal | None:
    """`skattebelopp` (PS, SS) plus the taxes sent as deduction rows (PST, SST, PF); without
    `skattebelopp`, the tax rows; None when neither the total nor any detail row is sent."""
    sent = _summa(item.get("skattebelopp"))
    taxes = [(part.belopp, in_total) for part, in_total in read if part.slag is Delslag.SKATT]
    if sent is not None:
        return sent + sum(
            (b for b, in_total in taxes if b is not None and not in_total), Decimal(0)
        )
    if not read:
        return None
    return sum((b for b, _ in taxes if b is not None), Decimal(0))


def _fk_part(row: dict[str, Any]) -> tuple[Utbetalningsdel, bool]:
    """A detail row, and whether its tax is one `skattebelopp` counts (PS, SS)."""
    skatt, avdrag = _summa(row.get("skattebelopp")), _summa(row.get("avdragsbelopp"))
    beloppstyp = _kod(row.get("beloppstyp"))
    is_tax = beloppstyp is not None and (beloppstyp.kod or "") in TAX_KINDS
    belopp: Decimal | None
    if skatt is not None:
        slag, belopp = Delslag.SKATT, skatt
    elif avdrag is not None:
        slag, belopp = (Delslag.SKATT if is_tax else Delslag.AVDRAG), avdrag
    else:
        slag, belopp = Delslag.UTBETALNING, _summa(row.get("bruttobelopp"))
    dagar = row.get("dagar")
    part = Utbetalningsdel(
        slag=slag,
        belopp=amount(belopp),
        forman=_kod(row.get("forman")),
        beloppstyp=beloppstyp,
        avser=_fran_till(row.get("period")),
        dagar=None if dagar is None else Decimal(dagar),
    )
    return part, skatt is not None


# -- Pensionsmyndigheten -----------------------------------------------------------------------


def pm_payments(answer: dict[str, Any]) -> list[Utbetalning]:
    """PM's effected and planned payments in a decoded LEFI answer."""
    return [
        _pm_payment(item, preliminar)
        for preliminar, name in ((False, "utbetalningar"), (True, "preliminaraUtbetalningar"))
        for item in answer.get(name) or []
    ]


def _pm_payment(item: dict[str, Any], preliminar: bool) -> Utbetalning:
    rows = [
        Utbetalningsdel(
            slag=Delslag.UTBETALNING,
            belopp=amount(row.get("belopp")),
            forman=_kod(row.get("utbetalningsforman")),
            formansgrupp=_kod(row.get("formansgrupp")),
            beloppstyp=_kod(row.get("beloppstyp")),
        )
        for row in item.get("utbetalningsrader") or []
    ]
    parts = [d.belopp for d in rows if d.belopp is not None]
    brutto = _whole(item.get("bruttobelopp"))
    if brutto is None and parts:
        brutto = sum(parts, Decimal(0))  # the rows make up the gross
    netto = _whole(item.get("nettobelopp"))
    avdrag = [a for a in item.get("avdrag") or [] if a.get("belopp") is not None]
    total = sum((Decimal(a["belopp"]) for a in avdrag), Decimal(0))
    sign = _pm_sign(brutto, netto, total)
    skatt = ovriga = Decimal(0)
    delar = list(rows)
    for a in avdrag:
        kind = _kod(a.get("avdragstyp"))
        withheld = sign * Decimal(a["belopp"])
        is_tax = kind is not None and (kind.kod or "").removeprefix("PM:") in TAX_KINDS
        if is_tax:
            skatt += withheld
        else:
            ovriga += withheld
        delar.append(
            Utbetalningsdel(
                slag=Delslag.SKATT if is_tax else Delslag.AVDRAG,
                belopp=amount(withheld),
                beloppstyp=kind,
            )
        )
    period = item.get("utbetalningsperiod") or {}
    return Utbetalning(
        kalla=Utbetalningskalla.PM,
        utbetalare="Pensionsmyndigheten",
        forman=_joined({d.formansgrupp for d in rows}),
        delforman=_only({d.forman for d in rows}),
        utbetalningsdatum=_date(item.get("utbetalningsdatum")),
        avser=Datumperiod(_date(period.get("from_")), _date(period.get("tom"))) if period else None,
        brutto=amount(brutto),
        skatt=amount(skatt),
        ovriga_avdrag=amount(ovriga),
        netto=amount(netto),
        netto_efter_skatt=None,
        dagar=None,
        preliminar=preliminar,
        delar=delar,
    )


def _pm_sign(brutto: Decimal | None, netto: Decimal | None, total: Decimal) -> int:
    """-1 when PM's deductions are written negative (they add up to netto − brutto, or, with
    nothing to tell by, to less than zero), else 1."""
    if brutto is not None and netto is not None:
        if brutto + total == netto:
            return -1
        if brutto - total == netto:
            return 1
    return -1 if total < 0 else 1


# -- the a-kassor and CSN ----------------------------------------------------------------------


def akassa_payments(svar: Any) -> list[Utbetalning]:
    """The a-kassor's payments in a decoded SO answer (`resolvers/decode/akassorna.py`)."""
    rows = []
    for kassa in svar.arbetsloshetsersattningar:
        for paid in kassa.utbetalningar:
            after_tax, after_all = paid.netto_efter_skatt, paid.netto_efter_avdrag
            rows.append(
                Utbetalning(
                    kalla=Utbetalningskalla.AKASSA,
                    # an a-kassa that did not name itself is still the one that paid
                    utbetalare=kassa.svarande_organisation or "A-kassa",
                    forman=ARBETSLOSHETSERSATTNING,
                    delforman=None,
                    utbetalningsdatum=paid.utbetalningsdatum,
                    avser=Datumperiod(paid.avser_from, paid.avser_tom),
                    brutto=None,
                    skatt=None,
                    ovriga_avdrag=None
                    if after_tax is None or after_all is None
                    else amount(after_tax - after_all),
                    netto=amount(after_all),
                    netto_efter_skatt=amount(after_tax),
                    dagar=paid.ersattningsdagar,
                    preliminar=False,
                )
            )
    return rows


CSN_FORMS = ("studiemedel", "studiehjalp", "hemutrustningslan", "studiestartsstod",
             "omstallningsstudiestod")  # fmt: skip


def csn_payments(svar: Any) -> list[Utbetalning]:
    """CSN's payment-plan rows in a decoded CSN answer (`resolvers/decode/csn.py`)."""
    rows = []
    for person in svar.personer:
        for form in CSN_FORMS:
            for arende in getattr(person, form):
                for planned in arende.utbetalningsplan:
                    rows.append(_csn_payment(arende, planned))
    return rows


def stodslag_of(beloppstyp: str | None) -> Stodslag | None:
    """A CSN amount's kind by its `beloppstyp`: grant, loan, or None when the code is unknown."""
    code = (beloppstyp or "").strip().upper()
    if code in CSN_BIDRAG:
        return Stodslag.BIDRAG
    if code in CSN_LAN:
        return Stodslag.LAN
    return None


def _csn_payment(arende: Any, planned: Any) -> Utbetalning:
    delar = []
    starts, ends = [], []
    for tid in planned.utbetalda_tider:
        start = tid.startdatum or (tid.startvecka.forsta_dag if tid.startvecka else None)
        end = tid.slutdatum or (tid.slutvecka.sista_dag if tid.slutvecka else None)
        starts += [start] if start else []
        ends += [end] if end else []
        for part in tid.belopp:
            delar.append(
                Utbetalningsdel(
                    slag=Delslag.UTBETALNING,
                    belopp=amount(part.belopp),
                    beloppstyp=Kod(part.beloppstyp, part.klartext),
                    avser=Datumperiod(start, end),
                    stodslag=stodslag_of(part.beloppstyp),
                )
            )
    total = amount(planned.totbelopp)

    def of_kind(kind: Stodslag) -> Decimal | None:
        values = [d.belopp for d in delar if d.stodslag is kind and d.belopp is not None]
        return amount(sum(values, Decimal(0))) if values else None

    known = any(d.stodslag is not None for d in delar)
    bidrag, lan = of_kind(Stodslag.BIDRAG), of_kind(Stodslag.LAN)
    return Utbetalning(
        kalla=Utbetalningskalla.CSN,
        utbetalare="CSN",
        forman=Kod(arende.stodform, arende.klartext),
        delforman=None,
        utbetalningsdatum=planned.utbetdatum,
        avser=Datumperiod(min(starts), max(ends)) if starts and ends else None,
        brutto=total,
        skatt=None,
        ovriga_avdrag=None,
        netto=total,
        netto_efter_skatt=None,
        dagar=None,
        preliminar=(planned.utbetstatus or "").lower() == "planerad",
        delar=delar,
        # A kind with no amount is zero once the parts' kinds are known.
        varav_bidrag=bidrag if bidrag is not None or not known else amount(0),
        varav_lan=lan if lan is not None or not known else amount(0),
    )


# -- the list and its months -------------------------------------------------------------------


def payment_list(rows: Iterable[Utbetalning], period: Period) -> list[Utbetalning]:
    """The rows that count in `period` (by their month day), each payment once (a paid
    preliminary left out, FK's copy of a PM payment joined to PM's), newest pay date first, then
    source, förmån, payer and covered period: a stable order."""
    once = _reported_once(_without_paid_preliminaries(rows))
    kept = [row for row in once if _counts_in(row, period)]
    return sorted(kept, key=_order)


def household_rows(members: Iterable[Iterable[Utbetalning]], period: Period) -> list[Utbetalning]:
    """The rows of several people, each person's own list (`payment_list`) joined: a payment is
    one person's, never matched against another's."""
    return [row for rows in members for row in payment_list(rows, period)]


def _without_paid_preliminaries(rows: Iterable[Utbetalning]) -> list[Utbetalning]:
    rows = list(rows)
    effected: dict[tuple[Any, ...], list[Utbetalning]] = {}
    for row in rows:
        if not row.preliminar:
            effected.setdefault(_same_payment(row), []).append(row)
    return [row for row in rows if not _is_paid_already(row, effected)]


def _is_paid_already(row: Utbetalning, effected: dict[tuple[Any, ...], list[Utbetalning]]) -> bool:
    """Whether a preliminary row is an effected one listed again: same source, förmån and
    covered period (its start known), the same pay date or amounts, and not retroactive."""
    same = _same_payment(row)
    if not row.preliminar or same[2] is None or (row.typ and row.typ.kod == RETRO):
        return False
    return any(
        paid.utbetalningsdatum == row.utbetalningsdatum
        or (paid.brutto, paid.netto) == (row.brutto, row.netto)
        for paid in effected.get(same, ())
    )


def _same_payment(row: Utbetalning) -> tuple[Any, ...]:
    avser = row.avser or Datumperiod(None, None)
    return (row.kalla, row.forman and row.forman.kod, avser.from_, avser.tom)


def _reported_once(rows: list[Utbetalning]) -> Iterator[Utbetalning]:
    """PM's payments that FK reports too (payer 1003, same pay date and amounts) once: PM's row,
    naming both sources."""
    pm_rows: dict[tuple[Any, ...], list[int]] = {}
    for index, row in enumerate(rows):
        if row.kalla is Utbetalningskalla.PM:
            pm_rows.setdefault(_copy_key(row), []).append(index)
    also_fk: set[int] = set()
    dropped: set[int] = set()
    for index, row in enumerate(rows):
        if row.kalla is not Utbetalningskalla.FK or row.foretag != PM_PAYER:
            continue
        free = [i for i in pm_rows.get(_copy_key(row), []) if i not in also_fk]
        if free and row.utbetalningsdatum is not None:
            also_fk.add(free[0])
            dropped.add(index)
    for index, row in enumerate(rows):
        if index in dropped:
            continue
        if index in also_fk:
            yield replace(row, rapporterad_av=(Utbetalningskalla.FK, Utbetalningskalla.PM))
        else:
            yield row


def _copy_key(row: Utbetalning) -> tuple[Any, ...]:
    return (row.utbetalningsdatum, row.preliminar, row.brutto, row.netto)


def _counts_in(row: Utbetalning, period: Period) -> bool:
    day = row.utbetalningsdatum or (row.avser.from_ if row.avser else None)
    return day is not None and period.from_ <= day <= period.tom


def _order(row: Utbetalning) -> tuple[Any, ...]:
    day = row.utbetalningsdatum
    avser = row.avser or Datumperiod(None, None)
    return (
        -(day.toordinal() if day else 0),
        SOURCES.index(row.kalla),
        (row.forman and row.forman.kod) or "",
        row.utbetalare,
        avser.from_ or date.min,
        avser.tom or date.min,
        row.preliminar,
        row.brutto or Decimal(0),
    )


def months_of(period: Period) -> list[date]:
    """The first day of every calendar month the period touches."""
    month, months = period.from_.replace(day=1), []
    while month <= period.tom:
        months.append(month)
        month = (month + timedelta(days=31)).replace(day=1)
    return months


def month_sums(
    rows: list[Utbetalning], period: Period, sources: Iterable[Utbetalningskalla]
) -> list[Manadssumma]:
    """Per month of the period (oldest first), source asked and förmån, the sums of the payments
    counted there; only where something counts (`month_totals` has every month). No sum is the
    sum of others: a column summed over a month's rows, its nulls skipped, is the month's total."""
    sums = []
    chosen = [s for s in SOURCES if s in set(sources)]
    for month in months_of(period):
        in_month = [row for row in rows if row.manad == month]
        for source in chosen:
            of_source = [r for r in in_month if r.kalla is source]
            for forman in sorted({r.forman for r in of_source}, key=_code_order):
                counted = [r for r in of_source if r.forman == forman]
                sums.append(Manadssumma(**_summed(month, source, counted), forman=forman))
    return sums


def month_totals(
    rows: list[Utbetalning], period: Period, sources: Iterable[Utbetalningskalla]
) -> list[Manadstotal]:
    """Per month of the period (oldest first) and source asked: the source's total."""
    chosen = [s for s in SOURCES if s in set(sources)]
    return [
        Manadstotal(**_summed(month, source, [r for r in in_month if r.kalla is source]))
        for month in months_of(period)
        for in_month in [[r for r in rows if r.manad == month]]
        for source in chosen
    ]


def _code_order(kod: Kod | None) -> tuple[str, str]:
    return ("", "") if kod is None else (kod.kod or "", kod.beskrivning or "")


def _summed(month: date, source: Utbetalningskalla, rows: list[Utbetalning]) -> dict[str, Any]:
    """The amounts of `rows` summed: null only when no row has the amount; the amounts some row
    lacks are named in `ofullstandiga` (amounts the source never sends are not)."""
    sums: dict[str, Any] = {}
    incomplete = []
    for column in AMOUNTS:
        if column not in APPLIES[source]:
            sums[column.value] = None  # the source never has it: null, and not incomplete
            continue
        values = [getattr(row, column.value) for row in rows]
        known = [v for v in values if v is not None]
        sums[column.value] = amount(sum(known, Decimal(0))) if known or not rows else None
        if len(known) < len(values):
            incomplete.append(column)
    return {
        "manad": f"{month:%Y-%m}",
        "kalla": source,
        **sums,
        "antal": len(rows),
        "ofullstandiga": incomplete,
    }


# -- reading the decoded values ----------------------------------------------------------------


def _summa(belopp: dict[str, Any] | None) -> Decimal | None:
    return None if not belopp or belopp.get("summa") is None else Decimal(belopp["summa"])


def _whole(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _kod(value: dict[str, Any] | None) -> Kod | None:
    if not value or value.get("kod") is None:
        return None
    return Kod(str(value["kod"]), value.get("beskrivning"))


def _date(value: Any) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _fran_till(value: dict[str, Any] | None) -> Datumperiod | None:
    if not value:
        return None
    return Datumperiod(value.get("fran_datum"), value.get("till_datum"))


def _only(values: set[T | None]) -> T | None:
    """The one value all rows share, or None."""
    values.discard(None)
    return values.pop() if len(values) == 1 else None


def _joined(codes: set[Kod | None]) -> Kod | None:
    """One förmån for a payment that may cover several groups: the group, or the groups joined
    by `+` in code order."""
    known = sorted((c for c in codes if c is not None), key=lambda c: c.kod or "")
    if len(known) <= 1:
        return known[0] if known else None
    return Kod("+".join(c.kod or "" for c in known), " + ".join(c.beskrivning or "" for c in known))
