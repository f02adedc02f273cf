"""`Person.utbetalningar` and `Person.manadssummor`: one list of what was paid to the person from
every paying source (Försäkringskassan, Pensionsmyndigheten, the a-kassor, CSN), and its sums
per month. The rules of each source are in `resolvers/payments.py`; selecting either field asks
SSBTEK for the payment classes of the sources asked and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from resolvers import payments
from resolvers.agencies import Agency
from resolvers.errors import BadUserInput, SourceUnavailable, UpstreamError
from resolvers.payments import Utbetalningskalla as Source
from resolvers.plan import FetchPlan, Period, QuestionKey
from resolvers.privacy import as_code
from schema.common import PeriodInput, described_enum, period_of
from schema.context import Info
from schema.lefi_fields import (
    PRELIMINARA_UTBETALNINGAR,
    UTBETALNINGAR,
    fk_group_codes,
    pm_group_codes,
)
from schema.lefi_types import Kod
from schema.partial import report_beside
from schema.person_field import PersonField, agency_part
from schema.planner import Selected

Utbetalningskalla = described_enum(
    Source,
    name="Utbetalningskalla",
    description="A paying source in SSBTEK.",
    values={
        Source.FK: "Försäkringskassan (LEFI: effected `utbetalningsuppgift`, planned "
        "`preliminarautbetalningar`).",
        Source.PM: "Pensionsmyndigheten (LEFI: `utbetalningar`, planned "
        "`preliminaraUtbetalningar`).",
        Source.AKASSA: "The a-kassor (SO `Utbetalningar`).",
        Source.CSN: "CSN (the payment plan of every case).",
    },
)
Delslag = described_enum(
    payments.Delslag,
    name="Delslag",
    description="What a detail row of a payment is.",
    values={
        payments.Delslag.UTBETALNING: "A part of the gross amount.",
        payments.Delslag.SKATT: "Tax withheld: `beloppstyp` or `avdragstyp` PS, PST, SS, SST "
        "(and FK's historical PF).",
        payments.Delslag.AVDRAG: "Another deduction (e.g. utmätning).",
    },
)


Stodslag = described_enum(
    payments.Stodslag,
    name="Stodslag",
    description="Whether a CSN amount is a grant or a loan, by its `beloppstyp`.",
    values={
        payments.Stodslag.BIDRAG: "A grant (bidrag), not paid back: e.g. `GRUNDB`, `STUDB`, "
        "`STÖDB`, `OSSBID`.",
        payments.Stodslag.LAN: "A loan (lån), paid back to CSN: e.g. `GRUNDL`, `MERKL`, `HUT`, "
        "`OSSLÅN`.",
    },
)


@strawberry.type(description="A period of days; either end may be unknown.")
class Datumperiod:
    from_: date | None = strawberry.field(
        name="from", description="The first day; null when the source does not say."
    )
    tom: date | None = strawberry.field(
        description="The last day, inclusive; null when open or not given."
    )


@strawberry.type(
    description="A detail row of a payment, as its source sends it: FK `utbetalningsdetalj`, PM "
    "`utbetalningsrader` and `avdrag`, CSN `Belopp` per paid period. `belopp` is positive: the "
    "amount paid, or withheld."
)
class Utbetalningsdel:
    slag: payments.Delslag = strawberry.field(
        description="A part of the gross, a tax or a deduction."
    )
    belopp: Decimal | None = strawberry.field(description="The amount, SEK.")
    forman: Kod | None = strawberry.field(
        description="FK `forman` (delförmån); PM `utbetalningsforman`."
    )
    formansgrupp: Kod | None = strawberry.field(description="PM `formansgrupp` of the row.")
    beloppstyp: Kod | None = strawberry.field(
        description="FK `beloppstyp`; PM `beloppstyp` or `avdragstyp`; CSN `beloppstyp`."
    )
    avser: Datumperiod | None = strawberry.field(description="The period the row covers.")
    dagar: Decimal | None = strawberry.field(description="Days, where the source says.")
    stodslag: payments.Stodslag | None = strawberry.field(
        description="CSN: a grant or a loan, by `beloppstyp`; null from other sources and for "
        "a CSN code the facade does not know."
    )


Beloppsfalt = described_enum(
    payments.Beloppsfalt,
    name="Beloppsfalt",
    description="An amount column of a payment or a month's sum.",
    values={
        payments.Beloppsfalt.BRUTTO: "The gross amount, `brutto`.",
        payments.Beloppsfalt.SKATT: "The tax withheld, `skatt`.",
        payments.Beloppsfalt.OVRIGA_AVDRAG: "The other deductions, `ovrigaAvdrag`.",
        payments.Beloppsfalt.NETTO: "The net amount paid, `netto`.",
        payments.Beloppsfalt.VARAV_BIDRAG: "The grant part of CSN's payments, `varavBidrag`.",
        payments.Beloppsfalt.VARAV_LAN: "The loan part of CSN's payments, `varavLan`.",
    },
)


@strawberry.type(
    description="One payment from one source, normalised: one row per payment, flat and in a "
    "stable order, so that a BI tool can read it as a table. Amounts are SEK with two decimals "
    '(`"1250.00"`); `brutto − skatt − ovrigaAvdrag = netto` where all four are known.'
)
class Utbetalning:
    kalla: Source = strawberry.field(
        description="The paying source. A payment both FK (payer 1003) and PM report is PM's "
        "(see `rapporteradAv`)."
    )
    rapporterad_av: list[Source] = strawberry.field(
        description="The sources that reported this payment: `[FK, PM]` when Försäkringskassan "
        "reported Pensionsmyndigheten's payment too (FK `foretag` 1003, same pay date, gross and "
        "net), which is then listed and counted once."
    )
    utbetalare: str = strawberry.field(
        description="Who paid: the agency (FK `foretag`), or the a-kassa (`SvarandeOrganisation`)."
    )
    forman: Kod | None = strawberry.field(
        description="The förmån, its code as the source sent it (read it with `kalla`): FK "
        "`formansfamilj` (no prefix, e.g. `SJP`); PM `formansgrupp` (with its prefix, e.g. "
        "`PM:AP`; groups joined by `+` when one payment covers several); a-kassa "
        "`ARBETSLOSHETSERSATTNING`, the facade's own code; CSN the support form (`stodform`, "
        "`klartext`)."
    )
    delforman: Kod | None = strawberry.field(
        description="The delförmån where the source has one and every part shares it (FK "
        "`utbetalningsdetalj.forman`, PM `utbetalningsforman`)."
    )
    typ: Kod | None = strawberry.field(
        description="How FK pays it (FK `typ`: 0 local, 1 monthly, 2 daily, 3 retroactive, 4 "
        "presumptive); null from other sources. A retroactive payment is a payment of its own, "
        "even for a period already paid."
    )
    utbetalningsdatum: date | None = strawberry.field(
        description="Pay date (FK `datum`, PM `utbetalningsdatum`, a-kassa `Utbetalningsdatum`, "
        "CSN `utbetdatum`); planned for a preliminary payment."
    )
    avser: Datumperiod | None = strawberry.field(description="The period the payment covers.")
    brutto: Decimal | None = strawberry.field(
        description="Gross: FK `bruttobelopp`; PM `bruttobelopp`, or without it the sum of its "
        "`utbetalningsrader`; CSN `totbelopp`. Null for the a-kassor, which send none."
    )
    skatt: Decimal | None = strawberry.field(
        description="Every tax withheld: FK `skattebelopp` (PS, SS) and its deduction rows of "
        "kind PST, SST and PF; PM `avdrag` of kind PS, PST, SS and SST. Null for the a-kassor "
        "and CSN, whose answers hold none."
    )
    ovriga_avdrag: Decimal | None = strawberry.field(
        description="Deductions other than tax: FK `avdragsbelopp − skatt` (FK's total "
        "includes every tax); PM's other `avdrag`; a-kassa `NettoEfterSkatt − NettoEfterAvdrag`."
    )
    netto: Decimal | None = strawberry.field(description="Net paid (a-kassa: `NettoEfterAvdrag`).")
    netto_efter_skatt: Decimal | None = strawberry.field(
        description="The a-kassor's `NettoEfterSkatt`, kept beside `netto`; null elsewhere."
    )
    varav_bidrag: Decimal | None = strawberry.field(
        description="CSN: the part of `brutto` that is a grant (its `Belopp` rows of a grant "
        "`beloppstyp`); null from other sources."
    )
    varav_lan: Decimal | None = strawberry.field(
        description="CSN: the part of `brutto` that is a loan, paid back to CSN; null from "
        "other sources, which lend nothing."
    )
    dagar: Decimal | None = strawberry.field(
        description="Days paid, where known (a-kassa `Ersattningsdagar`; FK when every part "
        "says the same)."
    )
    preliminar: bool = strawberry.field(
        description="Planned, not yet paid (FK and PM preliminary payments, CSN `Planerad`)."
    )
    delar: list[Utbetalningsdel] = strawberry.field(
        description="The source's detail rows (none from the a-kassor)."
    )


@strawberry.type(
    description="A source a view needed that could not be read: the view's figures lack it. "
    "The same is reported in `errors`, on the view's path."
)
class SaknadKalla:
    kalla: Source = strawberry.field(description="The paying source whose payments are missing.")
    kod: str = strawberry.field(
        description="Why, as a code: `SOURCE_UNAVAILABLE` (the source answered with an error, "
        "or LEFI says its provider was not available) or the code of a whole SSBTEK call that "
        "failed (e.g. `UPSTREAM_TIMEOUT`), as in `extensions.code`."
    )
    felkod: str | None = strawberry.field(
        description="The agency's own error code (`felkod`), or LEFI's provider state "
        "(`OTILLGANGLIG`, `FELANDE`), where there is one."
    )
    orsak: str = strawberry.field(description="The reason in the facade's words.")
    personnummer: str | None = strawberry.field(
        description="In a household's sums: the member whose source is missing; null elsewhere."
    )


@strawberry.type(
    description="A person's payments: the rows of the sources that answered, and the sources "
    "that could not (their payments are not in `rader`)."
)
class Utbetalningar:
    rader: list[Utbetalning] = strawberry.field(
        description="One row per payment, newest pay date first (then source, förmån, payer, "
        "period); each payment once (see `Utbetalning.rapporteradAv`, and the schema guide's "
        "rules for planned payments)."
    )
    saknade: list[SaknadKalla] = strawberry.field(
        description="The sources asked that could not be read; empty when the rows are whole."
    )


@strawberry.type(
    description="The sums of one calendar month for one source. A payment counts in the month "
    "of its pay date (without one: the month its period starts). An amount is null only when "
    "no payment counted in it has that amount; `ofullstandiga` names the amounts some payment "
    'lacked (the sum is of those known). A month with nothing paid sums to `"0.00"`.'
)
class Manadstotal:
    manad: str = strawberry.field(description="The month, `YYYY-MM`.")
    kalla: Source = strawberry.field(description="The paying source.")
    brutto: Decimal | None = strawberry.field(description="Sum of `brutto`.")
    skatt: Decimal | None = strawberry.field(description="Sum of `skatt`.")
    ovriga_avdrag: Decimal | None = strawberry.field(description="Sum of `ovrigaAvdrag`.")
    netto: Decimal | None = strawberry.field(description="Sum of `netto`.")
    varav_bidrag: Decimal | None = strawberry.field(
        description="Sum of `varavBidrag` (CSN; null for other sources)."
    )
    varav_lan: Decimal | None = strawberry.field(
        description="Sum of `varavLan` (CSN; null for other sources)."
    )
    antal: int = strawberry.field(description="The payments counted.")
    ofullstandiga: list[payments.Beloppsfalt] = strawberry.field(
        description="The amounts that some payment counted here lacks (e.g. the a-kassor's "
        "gross): their sums are of the payments that have them. Empty when every sum is whole."
    )


@strawberry.type(
    description="The sums of one calendar month for one source and one förmån: a row of a flat "
    "table in which no row is the sum of others, so summing a column over a month's rows gives "
    "the month's total. Rules as `Manadstotal`."
)
class Manadssumma(Manadstotal):
    forman: Kod | None = strawberry.field(
        description="The förmån (as `Utbetalning.forman`); null for payments whose source named "
        "none."
    )


@strawberry.type(
    description="A person's payments summed per calendar month: `rader` per source and förmån, "
    "`totaler` per source, and the sources that could not be read."
)
class Manadssummor:
    rader: list[Manadssumma] = strawberry.field(
        description="Per calendar month of the period (oldest first), source and förmån, where "
        "something was paid. No row sums others: add them up for any total (every month, zeros "
        "included, is in `totaler`)."
    )
    totaler: list[Manadstotal] = strawberry.field(
        description="Per calendar month of the period and source asked: the source's total "
        "(every month, zeros where nothing was paid). Equal to the sums of `rader`."
    )
    saknade: list[SaknadKalla] = strawberry.field(
        description="The sources asked that could not be read: the sums lack them. Empty when "
        "the sums are whole."
    )


Kallor = Annotated[
    list[Source] | None,
    strawberry.argument(
        description="The sources to list; default all four. Only these are asked of SSBTEK."
    ),
]
RowPeriod = Annotated[
    PeriodInput | None,
    strawberry.argument(
        description="The payments to count, by pay date; within the person's period (what "
        "SSBTEK is asked for). Default: the person's period."
    ),
]


def sources_of(kallor: list[Any] | None) -> list[Source]:
    """The sources asked, in their fixed order; BAD_USER_INPUT for none."""
    if kallor is None:
        return list(payments.SOURCES)
    chosen = {Source(k.value if hasattr(k, "value") else k) for k in kallor}
    if not chosen:
        raise BadUserInput("kallor must name at least one source")
    return [source for source in payments.SOURCES if source in chosen]


def plan_payments(plan: FetchPlan, selected: Selected) -> None:
    """Ask for the payment classes of the sources asked, and nothing else."""
    arguments = selected.arguments
    sources = sources_of(arguments.get("kallor"))
    for provider, codes in (("FK", fk_group_codes()), ("PM", pm_group_codes())):
        if Source(provider) in sources:
            # Every group that can pay: too few groups silently drop incomes.
            for information_class in (UTBETALNINGAR, PRELIMINARA_UTBETALNINGAR):
                plan.ask_lefi_exact(provider, information_class, set(codes))
    if Source.AKASSA in sources:
        plan.include(Agency.SO)
    if Source.CSN in sources:
        plan.include(Agency.CSN)
    if arguments.get("period") is not None:
        plan.count_within(period_of(arguments["period"]))


@dataclass
class SourcesRead:
    """What reading the paying sources gave: the rows of those that answered, and why each
    other source could not be read."""

    rows: list[payments.Utbetalning] = field(default_factory=list)
    missing: list[tuple[Source, UpstreamError]] = field(default_factory=list)

    def saknade(self, info: Info, personnummer: str | None = None) -> list[SaknadKalla]:
        """The missing sources as data, each reported beside it in `errors` too."""
        result = []
        for source, error in self.missing:
            report_beside(info, error, kalla=source.value)
            result.append(
                SaknadKalla(
                    kalla=source,
                    kod=error.code,
                    felkod=error.details.get("felkod"),
                    orsak=str(error),
                    personnummer=personnummer,
                )
            )
        return result

    def sources_read(self, sources: list[Source]) -> list[Source]:
        """The sources asked that answered."""
        gone = {source for source, _ in self.missing}
        return [source for source in sources if source not in gone]

    def answered(self, info: Info, sources: list[Source]) -> SourcesRead:
        """Itself, when any source asked answered. Else nothing of the view is known: the first
        error is raised (the view is null) and every other distinct one reported beside it."""
        if len(self.missing) < len(sources):
            return self
        first = self.missing[0][1]
        seen = {id(first)}
        for source, error in self.missing[1:]:
            if id(error) not in seen:
                seen.add(id(error))
                report_beside(info, error, kalla=source.value)
        raise first


async def read_sources(info: Info, key: QuestionKey, sources: list[Source]) -> SourcesRead:
    """Every payment of the sources asked, from the person's one answer, and the sources that
    could not be read: a failed SSBTEK call, an agency error, or a LEFI provider not OK."""
    read = SourcesRead()
    lefi: list[Source] = [s for s in (Source.FK, Source.PM) if s in sources]
    if lefi:
        answer = await _part(info, key, Agency.FK, lefi, read, LEFI_NAME)
        for source, read_rows in (
            (Source.FK, payments.fk_payments),
            (Source.PM, payments.pm_payments),
        ):
            if source in lefi and answer is not None:
                state = _provider_state(answer, source.value)
                if state is None:
                    read.rows += read_rows(answer)
                else:
                    read.missing.append((source, _provider_down(source.value, state)))
    for source, agency, rows_of in (
        (Source.AKASSA, Agency.SO, payments.akassa_payments),
        (Source.CSN, Agency.CSN, payments.csn_payments),
    ):
        if source in sources:
            data = await _part(info, key, agency, [source], read, agency.value)
            if data is not None:
                read.rows += rows_of(data)
    return read


LEFI_NAME = "Försäkringskassan and Pensionsmyndigheten (LEFI)"


async def _part(
    info: Info,
    key: QuestionKey,
    agency: Agency,
    sources: list[Source],
    read: SourcesRead,
    name: str,
) -> Any:
    """An agency's data, or None with its sources noted as missing (their data then is none)."""
    try:
        part = await agency_part(info, key, agency)
    except UpstreamError as exc:  # the whole SSBTEK call failed
        read.missing += [(source, exc) for source in sources]
        return None
    if part.fel is not None:
        felkod = as_code(part.fel.felkod)
        error = SourceUnavailable(
            f"{name} answered with an error ({felkod}): its payments are not listed", felkod=felkod
        )
        read.missing += [(source, error) for source in sources]
        return None
    return part.data if part.data is not None else ({} if agency is Agency.FK else None)


def _provider_state(answer: dict[str, Any], provider: str) -> str | None:
    """A LEFI provider's state when it is not OK (it then contributed nothing, and says so only
    in `utlamnare`), else None."""
    for item in answer.get("utlamnare") or []:
        who = (item.get("utlamnare") or {}).get("kod")
        state = (item.get("tillstand") or {}).get("kod")
        if who == provider and state not in (None, "OK"):
            return as_code(str(state)) or "[redacted]"
    return None


def _provider_down(provider: str, state: str) -> SourceUnavailable:
    return SourceUnavailable(
        f"LEFI's provider {provider} is {state}: its payments are not listed", felkod=state
    )


def row_period(period: PeriodInput | None, key: QuestionKey) -> Period:
    """The payments' period: the argument, or the person's."""
    return key.period if period is None else period.to_period()


async def _utbetalningar(
    root: Any, info: Info, period: RowPeriod = None, kallor: Kallor = None
) -> Utbetalningar | None:
    sources = sources_of(kallor)
    read = (await read_sources(info, root.key, sources)).answered(info, sources)
    rows = payments.payment_list(read.rows, row_period(period, root.key))
    return Utbetalningar(rader=rows, saknade=read.saknade(info))  # type: ignore[arg-type]  # the resolvers' twin, read by field name


async def _manadssummor(
    root: Any, info: Info, period: RowPeriod = None, kallor: Kallor = None
) -> Manadssummor | None:
    sources = sources_of(kallor)
    counted = row_period(period, root.key)
    read = (await read_sources(info, root.key, sources)).answered(info, sources)
    rows = payments.payment_list(read.rows, counted)
    return month_view(rows, counted, read.sources_read(sources), read.saknade(info))


def month_view(
    rows: list[payments.Utbetalning],
    period: Period,
    sources: list[Source],
    saknade: list[SaknadKalla],
) -> Manadssummor:
    """The month sums of counted rows, per förmån and per source (of the sources that answered:
    a missing source has no zeros)."""
    return Manadssummor(
        rader=payments.month_sums(rows, period, sources),  # type: ignore[arg-type]  # the resolvers' twin, read by field name
        totaler=payments.month_totals(rows, period, sources),  # type: ignore[arg-type]  # the resolvers' twin, read by field name
        saknade=saknade,
    )


READS = frozenset({Agency.FK, Agency.SO, Agency.CSN})

PERSON_FIELDS = {
    "utbetalningar": PersonField(
        strawberry.field(
            resolver=_utbetalningar,
            description="Every payment to the person from Försäkringskassan, "
            "Pensionsmyndigheten, the a-kassor and CSN, one row each (`rader`), and the sources "
            "that could not be read (`saknade`, also reported in `errors`). Asks SSBTEK for the "
            "payment classes of the sources asked only, in the person's one call. Null when no "
            "source asked could be read.",
        ),
        planner=plan_payments,
        reads=READS,
    ),
    "manadssummor": PersonField(
        strawberry.field(
            resolver=_manadssummor,
            description="`utbetalningar` summed per calendar month of the period (oldest "
            "first): `rader` per source and förmån (a flat table whose rows add up to any "
            "total), `totaler` per source, `saknade` the sources that could not be read. Null "
            "when no source asked could be read.",
        ),
        planner=plan_payments,
        reads=READS,
    ),
}
