"""`Person.utbetalningar` and `Person.manadssummor`: one list of what was paid to the person from
every paying source (Försäkringskassan, Pensionsmyndigheten, the a-kassor, CSN), and its sums
per month. The rules of each source are in `resolvers/payments.py`; selecting either field asks
SSBTEK for the payment classes of the sources asked and nothing else."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from graphql import FieldNode

from resolvers import payments
from resolvers.agencies import Agency
from resolvers.errors import BadUserInput, SourceUnavailable
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
from schema.person_field import PersonField, agency_part
from schema.planning import SelectionWalker

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
        payments.Delslag.SKATT: "Tax withheld (FK PS/SS rows; PM PS, PST, SS, SST).",
        payments.Delslag.AVDRAG: "Another deduction (e.g. utmätning).",
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
    slag: Delslag = strawberry.field(description="A part of the gross, a tax or a deduction.")  # type: ignore[valid-type]
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


@strawberry.type(
    description="One payment from one source, normalised: one row per payment, flat and in a "
    "stable order, so that a BI tool can read it as a table. Amounts are SEK as decimals."
)
class Utbetalning:
    kalla: Utbetalningskalla = strawberry.field(description="The paying source.")  # type: ignore[valid-type]
    utbetalare: str = strawberry.field(
        description="Who paid: the agency, or the a-kassa (`SvarandeOrganisation`)."
    )
    forman: Kod | None = strawberry.field(
        description="The förmån: FK `formansfamilj`; PM `formansgrupp` (groups joined by `+` "
        "when one payment covers several); a-kassa `ARBETSLOSHETSERSATTNING`; CSN the support "
        "form (`stodform`, `klartext`)."
    )
    delforman: Kod | None = strawberry.field(
        description="The delförmån where the source has one and every part shares it (FK "
        "`utbetalningsdetalj.forman`, PM `utbetalningsforman`)."
    )
    utbetalningsdatum: date | None = strawberry.field(
        description="Pay date (FK `datum`, PM `utbetalningsdatum`, a-kassa `Utbetalningsdatum`, "
        "CSN `utbetdatum`); planned for a preliminary payment."
    )
    avser: Datumperiod | None = strawberry.field(description="The period the payment covers.")
    brutto: Decimal | None = strawberry.field(
        description="Gross. Null for the a-kassor, which send none."
    )
    skatt: Decimal | None = strawberry.field(
        description="Tax withheld. Null for the a-kassor and CSN, whose answers hold none."
    )
    ovriga_avdrag: Decimal | None = strawberry.field(
        description="Deductions other than tax: FK `avdragsbelopp − skattebelopp` (FK's total "
        "includes the tax); PM's non-tax `avdrag`; a-kassa `NettoEfterSkatt − NettoEfterAvdrag`."
    )
    netto: Decimal | None = strawberry.field(description="Net paid (a-kassa: `NettoEfterAvdrag`).")
    netto_efter_skatt: Decimal | None = strawberry.field(
        description="The a-kassor's `NettoEfterSkatt`, kept beside `netto`; null elsewhere."
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
    description="The sums of one calendar month for one source, and one förmån or all of them. "
    "A payment counts in the month of its pay date (without one: the month its period starts). "
    "A sum is null when a row in it lacks that amount (e.g. the a-kassor's gross); a month "
    "with nothing paid sums to zero."
)
class Manadssumma:
    manad: str = strawberry.field(description="The month, `YYYY-MM`.")
    kalla: Utbetalningskalla = strawberry.field(description="The paying source.")  # type: ignore[valid-type]
    forman: Kod | None = strawberry.field(
        description="The förmån; null on the row that sums every förmån of the source."
    )
    brutto: Decimal | None = strawberry.field(description="Sum of `brutto`.")
    skatt: Decimal | None = strawberry.field(description="Sum of `skatt`.")
    ovriga_avdrag: Decimal | None = strawberry.field(description="Sum of `ovrigaAvdrag`.")
    netto: Decimal | None = strawberry.field(description="Sum of `netto`.")
    antal: int = strawberry.field(description="The payments counted.")


Kallor = Annotated[
    list[Utbetalningskalla] | None,  # type: ignore[valid-type]
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


def plan_payments(
    plan: FetchPlan, arguments: dict[str, Any], _walker: SelectionWalker, _node: FieldNode
) -> None:
    """Ask for the payment classes of the sources asked, and nothing else."""
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


async def payment_rows(info: Info, key: QuestionKey, sources: list[Source]) -> list[Any]:
    """Every payment of the sources asked, from the person's one answer; SOURCE_UNAVAILABLE
    when one of them could not be read."""
    rows: list[Any] = []
    if Source.FK in sources or Source.PM in sources:
        part = await agency_part(info, key, Agency.FK)
        _check(part.fel, "Försäkringskassan and Pensionsmyndigheten (LEFI)")
        answer = part.data or {}
        for source, provider, read in (
            (Source.FK, "FK", payments.fk_payments),
            (Source.PM, "PM", payments.pm_payments),
        ):
            if source in sources and answer:
                _check_provider(answer, provider)
                rows += read(answer)
    for source, agency, read in (
        (Source.AKASSA, Agency.SO, payments.akassa_payments),
        (Source.CSN, Agency.CSN, payments.csn_payments),
    ):
        if source in sources:
            part = await agency_part(info, key, agency)
            _check(part.fel, agency.value)
            if part.data is not None:
                rows += read(part.data)
    return rows


def _check(fel: Any, name: str) -> None:
    if fel is not None:
        raise SourceUnavailable(
            f"{name} answered with an error ({as_code(fel.felkod)}): the payments cannot be "
            "listed whole; leave the source out with kallor, or try again"
        )


def _check_provider(answer: dict[str, Any], provider: str) -> None:
    """A LEFI provider that is not OK contributed nothing, and says so only in `utlamnare`."""
    for item in answer.get("utlamnare") or []:
        who = (item.get("utlamnare") or {}).get("kod")
        state = (item.get("tillstand") or {}).get("kod")
        if who == provider and state not in (None, "OK"):
            raise SourceUnavailable(
                f"LEFI's provider {provider} is {as_code(state)}: its payments are missing; "
                "leave the source out with kallor, or try again"
            )


def row_period(period: PeriodInput | None, key: QuestionKey) -> Period:
    """The payments' period: the argument, or the person's."""
    return key.period if period is None else period.to_period()


async def _utbetalningar(
    root: Any, info: Info, period: RowPeriod = None, kallor: Kallor = None
) -> list[Utbetalning]:
    rows = await payment_rows(info, root.key, sources_of(kallor))
    return payments.payment_list(rows, row_period(period, root.key))  # type: ignore[return-value]


async def _manadssummor(
    root: Any, info: Info, period: RowPeriod = None, kallor: Kallor = None
) -> list[Manadssumma]:
    sources = sources_of(kallor)
    counted = row_period(period, root.key)
    rows = payments.payment_list(await payment_rows(info, root.key, sources), counted)
    return payments.month_sums(rows, counted, sources)  # type: ignore[return-value]


READS = frozenset({Agency.FK, Agency.SO, Agency.CSN})

PERSON_FIELDS = {
    "utbetalningar": PersonField(
        strawberry.field(
            resolver=_utbetalningar,
            description="Every payment to the person from Försäkringskassan, "
            "Pensionsmyndigheten, the a-kassor and CSN, one row each, newest pay date first "
            "(then source, förmån, payer, period). Asks SSBTEK for the payment classes of the "
            "sources asked only, in the person's one call. A preliminary payment also listed as "
            "paid (same source, förmån and period) is left out.",
        ),
        planner=plan_payments,
        reads=READS,
    ),
    "manadssummor": PersonField(
        strawberry.field(
            resolver=_manadssummor,
            description="`utbetalningar` summed per calendar month of the period (oldest "
            "first), per source: first the source's total, then one row per förmån it paid in "
            "the period; every month is present, with zeros when nothing was paid.",
        ),
        planner=plan_payments,
        reads=READS,
    ),
}
