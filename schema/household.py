"""`hushall`: the applicant, the co-applicant and the children of one application for
ekonomiskt bistånd, read concurrently (one question each, in the operation's one plan), and
their payments summed by month and source.

If the applicant cannot be read, the field errors; a co-applicant or child who cannot be read
has `fel`, is left out of the sums (`manadssummor.saknade` names them), and the others answer."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import strawberry

from resolvers import payments
from resolvers.codes import ErrorCode
from resolvers.errors import BadUserInput
from resolvers.payments import Utbetalningskalla as Source
from resolvers.plan import QuestionKey
from resolvers.privacy import redact
from resolvers.tracebacks import BARE_TRACEBACKS
from schema.common import described_enum
from schema.context import Info
from schema.errors import CODED_ERRORS, INTERNAL_MESSAGE
from schema.payments import (
    Kallor,
    Manadssumma,
    Manadstotal,
    SaknadKalla,
    SourcesRead,
    read_sources,
    sources_of,
)
from schema.person import Person
from schema.planner import Selected

log = logging.getLogger(__name__)
log.addFilter(BARE_TRACEBACKS)  # tracebacks without messages


class Roll(enum.Enum):
    """A member's place in the household."""

    SOKANDE = "SOKANDE"
    MEDSOKANDE = "MEDSOKANDE"
    BARN = "BARN"


RollEnum = described_enum(
    Roll,
    name="Roll",
    description="A member's place in the household.",
    values={
        Roll.SOKANDE: "The applicant (sökande): if they cannot be read, `hushall` errors.",
        Roll.MEDSOKANDE: "The co-applicant (medsökande).",
        Roll.BARN: "A child in the household.",
    },
)


@strawberry.type(description="Why a household member could not be read.")
class Medlemsfel:
    kod: str = strawberry.field(description="The error code, as in `extensions.code`.")
    orsak: str = strawberry.field(description="The reason, without personal data.")


@strawberry.type(description="One member of the household.")
class HushallsMedlem:
    roll: Roll = strawberry.field(description="Applicant, co-applicant or child.")
    personnummer: str = strawberry.field(description="The member's number, 12 digits.")
    person: Person | None = strawberry.field(
        description="The member's data; null when the member could not be read (see `fel`)."
    )
    fel: Medlemsfel | None = strawberry.field(
        description="Why the member could not be read; null when read."
    )


@dataclass
class Members:
    """The household's members by role, and what reading each gave, read once per operation."""

    roles: list[tuple[Roll, QuestionKey]]
    errors: dict[QuestionKey, Exception]
    _reads: dict[QuestionKey, asyncio.Future[Exception | None]] = field(default_factory=dict)
    _payments: dict[tuple[QuestionKey, tuple[Source, ...]], asyncio.Future[SourcesRead]] = field(
        default_factory=dict
    )

    async def failure(self, info: Info, key: QuestionKey) -> Exception | None:
        """Why a member cannot be read (their question failed or could not be asked), or None."""
        if key in self.errors:
            return self.errors[key]
        if key not in self._reads:
            self._reads[key] = asyncio.ensure_future(_read(info, key))
        return await asyncio.shield(self._reads[key])

    async def payments_of(self, info: Info, key: QuestionKey, sources: list[Source]) -> SourcesRead:
        """A member's payments of these sources and the sources missing; raises what reading the
        member raised."""
        failed = await self.failure(info, key)
        if failed is not None:
            raise failed
        name = (key, tuple(sources))
        if name not in self._payments:
            self._payments[name] = asyncio.ensure_future(read_sources(info, key, sources))
        return await asyncio.shield(self._payments[name])


async def _read(info: Info, key: QuestionKey) -> Exception | None:
    plan = info.context.plan.plans.get(key)
    if plan is None or not plan.agencies:
        return None  # nothing of this member was selected that SSBTEK must answer
    try:
        await info.context.loader.load(key, next(iter(plan.agencies)))
    except Exception as exc:
        return exc
    return None


def _medlemsfel(exc: Exception) -> Medlemsfel:
    """A member's error as data: the coded errors' own (redacted: upstream text is untrusted)
    messages; anything else masked, as errors are."""
    if isinstance(exc, CODED_ERRORS):
        return Medlemsfel(kod=exc.code, orsak=redact(str(exc)))
    log.error("reading a household member failed: %s", type(exc).__name__, exc_info=exc)
    return Medlemsfel(kod=ErrorCode.INTERNAL_SERVER_ERROR, orsak=INTERNAL_MESSAGE)


@strawberry.type(
    description="The household's sums per month and source, the members left out of them, and "
    "the sources of members read that could not be read."
)
class Hushallssummor:
    rader: list[Manadssumma] = strawberry.field(
        description="Per calendar month of the period (oldest first), source and förmån, over "
        "the members read, as `Person.manadssummor.rader`: no row sums others."
    )
    totaler: list[Manadstotal] = strawberry.field(
        description="Per calendar month of the period and source, over the members read."
    )
    saknade: list[HushallsMedlem] = strawberry.field(
        description="Co-applicant or children who could not be read at all, with `fel`: the "
        "sums lack them. Empty when every member was read."
    )
    saknade_kallor: list[SaknadKalla] = strawberry.field(
        description="Sources of members read that could not be read (each with the member's "
        "`personnummer`): the sums lack their payments. Also reported in `errors`."
    )


@strawberry.type(
    description="A household: the applicant (`sokande`), a co-applicant and children, each "
    "asked in a question of their own, concurrently."
)
class Hushall:
    members: strawberry.Private[Members]

    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry.field(...) is untyped
        description="The members in the order given: applicant, co-applicant, children."
    )
    async def medlemmar(self, info: Info) -> list[HushallsMedlem]:
        failures = await asyncio.gather(
            *(self.members.failure(info, key) for _, key in self.members.roles)
        )
        result = []
        for (roll, key), failed in zip(self.members.roles, failures, strict=True):
            if failed is not None and roll is Roll.SOKANDE:
                raise failed
            result.append(
                HushallsMedlem(
                    roll=roll,
                    personnummer=key.personnummer,
                    person=None if failed else Person(personnummer=key.personnummer, key=key),
                    fel=None if failed is None else _medlemsfel(failed),
                )
            )
        return result

    @strawberry.field(  # type: ignore[untyped-decorator]  # strawberry.field(...) is untyped
        description="The household's payments (every member's `utbetalningar`) summed per "
        "calendar month of the period and per source, as `Person.manadssummor`. A co-applicant "
        "or child whose payments cannot be read is left out and listed in `saknade`."
    )
    async def manadssummor(self, info: Info, kallor: Kallor = None) -> Hushallssummor:
        sources = sources_of(kallor)
        period = self.members.roles[0][1].period
        read_rows: list[list[payments.Utbetalning]] = []
        missing = []
        saknade_kallor: list[SaknadKalla] = []
        answered: set[Source] = set()
        for (roll, key), read in zip(
            self.members.roles, await self._payments(info, sources), strict=True
        ):
            if isinstance(read, Exception):
                if roll is Roll.SOKANDE:
                    raise read
                missing.append(
                    HushallsMedlem(
                        roll=roll, personnummer=key.personnummer, person=None, fel=_medlemsfel(read)
                    )
                )
                continue
            if roll is Roll.SOKANDE:
                read = read.answered(info, sources)
            read_rows.append(read.rows)
            answered.update(read.sources_read(sources))
            saknade_kallor += read.saknade(info, personnummer=key.personnummer)
        rows = payments.household_rows(read_rows, period)
        return Hushallssummor(
            rader=payments.month_sums(rows, period, sources),  # type: ignore[arg-type]  # the resolvers' twin, read by field name
            totaler=payments.month_totals(rows, period, answered),  # type: ignore[arg-type]  # the resolvers' twin, read by field name
            saknade=missing,
            saknade_kallor=saknade_kallor,
        )

    async def _payments(self, info: Info, sources: list[Source]) -> list[Any]:
        return await asyncio.gather(
            *(self.members.payments_of(info, key, sources) for _, key in self.members.roles),
            return_exceptions=True,
        )


def household_keys(
    args: dict[str, Any], key_of: Callable[[str], QuestionKey]
) -> list[tuple[Roll, QuestionKey]]:
    """The members by role; BAD_USER_INPUT when a number is given twice."""
    members = [(Roll.SOKANDE, args["sokande"])]
    if args.get("medsokande") is not None:
        members.append((Roll.MEDSOKANDE, args["medsokande"]))
    members += [(Roll.BARN, number) for number in args.get("barn") or []]
    numbers = [number for _, number in members]
    if len(set(numbers)) != len(numbers):
        raise BadUserInput("a person can be a member of the household once")
    return [(roll, key_of(number)) for roll, number in members]


def fields_of_people(root: Selected) -> Iterator[Selected]:
    """What selects on each person of a root field: for `hushall`, the fields under `medlemmar
    { person }` and `manadssummor` (its arguments are `Hushall`'s); for other roots, the root's
    own selection."""
    if root.name != "hushall":
        yield from root.fields()
        return
    for selected in root.fields():
        if selected.name == "manadssummor":
            yield selected
        elif selected.name == "medlemmar":
            for member in selected.field("person"):
                yield from member.fields()
