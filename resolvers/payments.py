"""One list of what was paid to a person, from every paying source, and its sums per month.

The sources and their rules (docs/schema-guide.md, Payments, says the same for callers):

- **FK**, Försäkringskassan (LEFI `formansinformation.utbetalningsuppgift`, effected, and
  `preliminarautbetalningar`, planned): `avdragsbelopp` already includes the tax, so the other
  deductions are `avdragsbelopp − skattebelopp`. Each detail row is a payment, a tax or a
  deduction by the amount it carries (`bruttobelopp`, `skattebelopp`, `avdragsbelopp`).
- **PM**, Pensionsmyndigheten (LEFI top-level `utbetalningar` and `preliminaraUtbetalningar`):
  whole kronor; the tax is the deductions of kind PS, PST, SS and SST, the rest are other
  deductions. PM writes deductions with either sign: when `bruttobelopp + Σ avdrag =
  nettobelopp` they are negative-signed and are turned round; otherwise they are read as given.
- **AKASSA**, the a-kassor (SO `Utbetalningar`): `netto` is `NettoEfterAvdrag`, with
  `NettoEfterSkatt` beside it; the other deductions are their difference. The a-kassor send
  no gross amount and no tax: both are unknown (null).
- **CSN** (`UtbetalningsPlan/Utbetalning` of every case): one row per payment-plan row, its
  amount (`totbelopp`) both gross and net; CSN's answer holds no tax or deductions (null).
  `Planerad` is preliminary.

A preliminary payment that has since been paid is counted once: LEFI drops a planned payment
once it is effected, but an answer may still list it (the planned list read before the payout).
A preliminary row is left out when an effected row of the same source (of the same person) has
the same förmån and covers the same period, its start known. No other row is ever dropped.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from resolvers.plan import Period


class Utbetalningskalla(enum.Enum):
    """A paying source."""

    FK = "FK"
    PM = "PM"
    AKASSA = "AKASSA"
    CSN = "CSN"


SOURCES = tuple(Utbetalningskalla)  # the order rows and sums are given in


class Delslag(enum.Enum):
    """What a detail row of a payment is."""

    UTBETALNING = "UTBETALNING"
    SKATT = "SKATT"
    AVDRAG = "AVDRAG"


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

    @property
    def manad(self) -> date | None:
        """The first day of the month the row counts in: its pay date's, else the start of the
        period it covers."""
        day = self.utbetalningsdatum or (self.avser.from_ if self.avser else None)
        return day.replace(day=1) if day else None


@dataclass(frozen=True)
class Manadssumma:
    """The sums of one month for one source, and one förmån (None: every förmån of the source).
    A sum is None when a row in it lacks that amount; a month with no rows sums to zero."""

    manad: str  # YYYY-MM
    kalla: Utbetalningskalla
    forman: Kod | None
    brutto: Decimal | None
    skatt: Decimal | None
    ovriga_avdrag: Decimal | None
    netto: Decimal | None
    antal: int


PM_TAX_KINDS = frozenset({"PS", "PST", "SS", "SST"})
FORETAG = {"1001": "Försäkringskassan", "1003": "Pensionsmyndigheten"}
ARBETSLOSHETSERSATTNING = Kod("ARBETSLOSHETSERSATTNING", "Arbetslöshetsersättning")


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
    delar = [_fk_part(row) for row in item.get("utbetalningsdetalj") or []]
    paid = [d for d in delar if d.slag is Delslag.UTBETALNING]
    skatt = _summa(item.get("skattebelopp"))
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
        brutto=_summa(item.get("bruttobelopp")),
        skatt=skatt,
        # FK's deduction total already includes the tax.
        ovriga_avdrag=None if avdrag is None else avdrag - (skatt or Decimal(0)),
        netto=_summa(item.get("nettobelopp")),
        netto_efter_skatt=None,
        dagar=_only({d.dagar for d in paid}),
        preliminar=preliminar,
        delar=delar,
    )


def _fk_part(row: dict[str, Any]) -> Utbetalningsdel:
    skatt, avdrag = _summa(row.get("skattebelopp")), _summa(row.get("avdragsbelopp"))
    if skatt is not None:
        slag, belopp = Delslag.SKATT, skatt
    elif avdrag is not None:
        slag, belopp = Delslag.AVDRAG, avdrag
    else:
        slag, belopp = Delslag.UTBETALNING, _summa(row.get("bruttobelopp"))
    dagar = row.get("dagar")
    return Utbetalningsdel(
        slag=slag,
        belopp=belopp,
        forman=_kod(row.get("forman")),
        beloppstyp=_kod(row.get("beloppstyp")),
        avser=_fran_till(row.get("period")),
        dagar=None if dagar is None else Decimal(dagar),
    )


# -- Pensionsmyndigheten -----------------------------------------------------------------------


def pm_payments(answer: dict[str, Any]) -> list[Utbetalning]:
    """PM's effected and planned payments in a decoded LEFI answer."""
    return [
        _pm_payment(item, preliminar)
        for preliminar, name in ((False, "utbetalningar"), (True, "preliminaraUtbetalningar"))
        for item in answer.get(name) or []
    ]


def _pm_payment(item: dict[str, Any], preliminar: bool) -> Utbetalning:
    brutto, netto = _whole(item.get("bruttobelopp")), _whole(item.get("nettobelopp"))
    avdrag = [a for a in item.get("avdrag") or [] if a.get("belopp") is not None]
    total = sum((Decimal(a["belopp"]) for a in avdrag), Decimal(0))
    # Negative-signed deductions add up to netto − brutto; turn them round.
    sign = -1 if brutto is not None and netto is not None and brutto + total == netto else 1
    delar = [
        Utbetalningsdel(
            slag=Delslag.UTBETALNING,
            belopp=_whole(row.get("belopp")),
            forman=_kod(row.get("utbetalningsforman")),
            formansgrupp=_kod(row.get("formansgrupp")),
            beloppstyp=_kod(row.get("beloppstyp")),
        )
        for row in item.get("utbetalningsrader") or []
    ]
    skatt = ovriga = Decimal(0)
    for a in avdrag:
        kind = _kod(a.get("avdragstyp"))
        amount = sign * Decimal(a["belopp"])
        is_tax = kind is not None and (kind.kod or "").removeprefix("PM:") in PM_TAX_KINDS
        if is_tax:
            skatt += amount
        else:
            ovriga += amount
        delar.append(
            Utbetalningsdel(
                slag=Delslag.SKATT if is_tax else Delslag.AVDRAG, belopp=amount, beloppstyp=kind
            )
        )
    rows = [d for d in delar if d.slag is Delslag.UTBETALNING]
    period = item.get("utbetalningsperiod") or {}
    return Utbetalning(
        kalla=Utbetalningskalla.PM,
        utbetalare="Pensionsmyndigheten",
        forman=_joined({d.formansgrupp for d in rows}),
        delforman=_only({d.forman for d in rows}),
        utbetalningsdatum=_date(item.get("utbetalningsdatum")),
        avser=Datumperiod(_date(period.get("from_")), _date(period.get("tom"))) if period else None,
        brutto=brutto,
        skatt=skatt,
        ovriga_avdrag=ovriga,
        netto=netto,
        netto_efter_skatt=None,
        dagar=None,
        preliminar=preliminar,
        delar=delar,
    )


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
                    else after_tax - after_all,
                    netto=after_all,
                    netto_efter_skatt=after_tax,
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


def _csn_payment(arende: Any, planned: Any) -> Utbetalning:
    delar = []
    starts, ends = [], []
    for tid in planned.utbetalda_tider:
        start = tid.startdatum or (tid.startvecka.forsta_dag if tid.startvecka else None)
        end = tid.slutdatum or (tid.slutvecka.sista_dag if tid.slutvecka else None)
        starts += [start] if start else []
        ends += [end] if end else []
        for amount in tid.belopp:
            delar.append(
                Utbetalningsdel(
                    slag=Delslag.UTBETALNING,
                    belopp=None if amount.belopp is None else Decimal(amount.belopp),
                    beloppstyp=Kod(amount.beloppstyp, amount.klartext),
                    avser=Datumperiod(start, end),
                )
            )
    total = None if planned.totbelopp is None else Decimal(planned.totbelopp)
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
    )


# -- the list and its months -------------------------------------------------------------------


def payment_list(rows: Iterable[Utbetalning], period: Period) -> list[Utbetalning]:
    """The rows that count in `period` (by their month day), a paid preliminary left out, newest
    pay date first, then source, förmån, payer and covered period: a stable order."""
    kept = [row for row in _without_paid_preliminaries(rows) if _counts_in(row, period)]
    return sorted(kept, key=_order)


def household_rows(members: Iterable[Iterable[Utbetalning]], period: Period) -> list[Utbetalning]:
    """The rows of several people, each person's own list (`payment_list`) joined: a paid
    preliminary is one person's payment, never matched against another's."""
    return [row for rows in members for row in payment_list(rows, period)]


def _without_paid_preliminaries(rows: Iterable[Utbetalning]) -> Iterator[Utbetalning]:
    rows = list(rows)
    effected = {_same_payment(row) for row in rows if not row.preliminar}
    for row in rows:
        same = _same_payment(row)
        # A row whose covered period has no known start is never taken for another.
        known = same[2] is not None
        if not (row.preliminar and known and same in effected):
            yield row


def _same_payment(row: Utbetalning) -> tuple[Any, ...]:
    avser = row.avser or Datumperiod(None, None)
    return (row.kalla, row.forman and row.forman.kod, avser.from_, avser.tom)


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
    """Per month of the period (oldest first), per source asked: the source's total, then one
    sum per förmån that source paid in the period; months without payments sum to zero."""
    sums = []
    sources = [s for s in SOURCES if s in set(sources)]
    for month in months_of(period):
        in_month = [row for row in rows if row.manad == month]
        for source in sources:
            of_source = [row for row in in_month if row.kalla is source]
            sums.append(_summed(month, source, None, of_source))
            formaner = sorted(
                {row.forman for row in rows if row.kalla is source and row.forman is not None},
                key=lambda kod: (kod.kod or "", kod.beskrivning or ""),
            )
            for forman in formaner:
                chosen = [row for row in of_source if row.forman == forman]
                sums.append(_summed(month, source, forman, chosen))
    return sums


def _summed(
    month: date, source: Utbetalningskalla, forman: Kod | None, rows: list[Utbetalning]
) -> Manadssumma:
    def total(name: str) -> Decimal | None:
        values = [getattr(row, name) for row in rows]
        return None if any(v is None for v in values) else sum(values, Decimal(0))

    return Manadssumma(
        manad=f"{month:%Y-%m}",
        kalla=source,
        forman=forman,
        brutto=total("brutto"),
        skatt=total("skatt"),
        ovriga_avdrag=total("ovriga_avdrag"),
        netto=total("netto"),
        antal=len(rows),
    )


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


def _only(values: set[Any]) -> Any:
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
