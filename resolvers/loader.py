"""Fetching answers: one SSBTEK call per person per GraphQL operation, shared by every field
(one more per deferred fragment that needs further agencies: `schema/planner.py`)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from lxml import etree
from opentelemetry.trace import SpanKind

from resolvers.agencies import Agency
from resolvers.audit import AskedFor, AuditTrail
from resolvers.budget import CallerBudget
from resolvers.cache import PartCache
from resolvers.caller import Caller
from resolvers.client import SsbtekClient
from resolvers.codes import ErrorCode
from resolvers.contract import SsbtVersion
from resolvers.decode.answer import Answer, ProbeResult, decode_answer, decode_probe
from resolvers.errors import UpstreamBusy, UpstreamError, UpstreamFault, UpstreamInvalidResponse
from resolvers.memory import DELAY_S, FREED
from resolvers.parts import Held, LefiEntry, Part, estimated_bytes, needed_parts
from resolvers.personnummer import pseudonym
from resolvers.plan import FetchPlan, OperationPlan, QuestionKey
from resolvers.question import Requester, build_question
from resolvers.tracing import span
from resolvers.xmlread import PayloadError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class UpstreamHealth:
    """How the last calls to SSBTEK went, for `/readyz` and operators: when one last reached
    SSBTEK (an answer or a SOAP fault), when one last failed to, and how many failed in a row."""

    last_reached: float | None = None
    last_failed: float | None = None
    last_failure_code: str | None = None
    failures_in_a_row: int = 0

    def reached(self) -> None:
        """A call got an answer from SSBTEK (a fault counts: SSBTEK was there)."""
        self.last_reached = time.time()
        self.failures_in_a_row = 0

    def failed(self, code: str) -> None:
        """A call did not reach SSBTEK or got nothing readable."""
        self.last_failed = time.time()
        self.last_failure_code = code
        self.failures_in_a_row += 1


@dataclass(frozen=True)
class Flight:
    """One SSBTEK call in flight and the `korrelationsid` it was sent with."""

    answer: asyncio.Future[Answer]
    korrelationsid: str


class UpstreamObserver:
    """What the SSBTEK calls are told to, for metrics (graph/metrics.py); does nothing here."""

    def in_flight(self, change: int) -> None:
        """A call started (+1) or ended (-1)."""

    def asked(self, outcome: str, agencies: int, started: float) -> None:
        """A call ended: "ok" or its error code, how many agencies it asked, when it started
        (`time.perf_counter`)."""

    def agency_error(self, agency: str, kalla: str) -> None:
        """An agency's part came as an error from `kalla` (SSBT, BT, FACADE: not readable)."""


@dataclass
class Upstream:
    """The long-lived way to SSBTEK: the client, who the municipality is, the audit trail and the
    brief cache of answer parts (none unless given)."""

    client: SsbtekClient
    requester: Requester
    audit: AuditTrail
    cache: PartCache = field(default_factory=PartCache)
    health: UpstreamHealth = field(default_factory=UpstreamHealth)
    observer: UpstreamObserver = field(default_factory=lambda: UpstreamObserver())
    budget: CallerBudget = field(default_factory=lambda: CallerBudget(0))
    _flights: dict[tuple[object, ...], Flight] = field(default_factory=dict, init=False, repr=False)

    @property
    def version(self) -> SsbtVersion:
        """The contract generation the client speaks."""
        return self.client.config.version

    async def fetch(self, key: QuestionKey, plan: FetchPlan, caller: Caller) -> Answer:
        """Everything in `plan` for `key` as `caller`: the parts the cache holds for this
        caller, case, person and period, and one SSBTEK call for the rest (shared with identical
        calls in flight). Leaves one audit line, whatever the outcome."""
        # One access: who reads about whom, in which case and period (cache keys and flights).
        access = (
            key.tenant,
            caller.handlaggare,
            key.arende,
            key.personnummer,
            key.period.from_.isoformat(),
            key.period.tom.isoformat(),
        )
        parts = needed_parts(key, plan, self.version)
        keys = {part: self.cache.key(*access, part.name) for part in parts}
        with span(
            "cache.get", **{"cache.backend": self.cache.backend, "cache.parts": len(keys)}
        ) as got:
            found = await self.cache.get_many(list(keys.values()))
            got.set_attribute("cache.found", len(found))
        held = Held(parts, {part: found[k] for part, k in keys.items() if k in found})
        missing = held.missing
        cache_state = "hit" if not missing else "miss" if len(missing) == len(parts) else "partial"
        upstream_ms: float | None = None
        outcome: str = ErrorCode.INTERNAL_SERVER_ERROR
        agency_errors: dict[str, str | None] = {}
        flight: Flight | None = None
        try:
            fetched: Answer | None = None
            stored: dict[Part, Any] = {}
            if missing:
                smaller = held.still_to_ask(key, plan)
                name = (*access, smaller.key())
                if name not in self._flights:  # joining a call in flight asks nothing more
                    await self.budget.spend(key.tenant, caller.handlaggare)
                flight = self._shared(name, key, smaller, caller)
                started = time.perf_counter()
                try:
                    fetched = await asyncio.shield(flight.answer)
                finally:
                    upstream_ms = (time.perf_counter() - started) * 1000
                if self.cache.ttl_s > 0:  # a cache that keeps nothing needs no entries
                    stored = held.store(fetched)
                    await self._keep(stored, keys)
            answer = held.assemble(fetched, stored)
            agency_errors = {
                agency.value: part.fel.felkod
                for agency, part in sorted(answer.parts.items())
                if part.fel is not None
            }
            outcome = "agency_errors" if agency_errors else "ok"
            return answer
        except UpstreamError as exc:
            outcome = exc.code
            raise
        finally:
            self.audit.question(
                tenant=key.tenant,
                caseworker=caller.handlaggare,
                arende=key.arende,
                personnummer=key.personnummer,
                asked=asked_for(key, plan, self.version),
                outcome=outcome,
                agency_errors=agency_errors,
                upstream_ms=upstream_ms,
                korrelationsid=flight.korrelationsid if flight is not None else None,
                cache=cache_state,
            )

    async def _keep(self, stored: dict[Part, Any], keys: dict[Part, str]) -> None:
        """Put new entries in the cache; a LEFI class that gained groups keeps the time left of
        its oldest ones."""
        now = time.time()
        ttls = {
            keys[part]: self.cache.ttl_s - (now - entry.since)
            for part, entry in stored.items()
            if isinstance(entry, LefiEntry)
        }
        with span("cache.set", **{"cache.backend": self.cache.backend, "cache.parts": len(stored)}):
            await self.cache.set_many({keys[part]: entry for part, entry in stored.items()}, ttls)

    def _shared(
        self, name: tuple[object, ...], key: QuestionKey, plan: FetchPlan, caller: Caller
    ) -> Flight:
        """One upstream call for identical concurrent fetches (same caller, case, person, period
        and parts): the first starts it, the others wait for it."""
        flight = self._flights.get(name)
        if flight is None:
            korrelationsid = uuid.uuid4().hex
            answer = asyncio.ensure_future(self._ask(key, plan, caller, korrelationsid))
            flight = self._flights[name] = Flight(answer, korrelationsid)
            answer.add_done_callback(lambda _done: self._flights.pop(name, None))
        return flight

    async def _ask(
        self, key: QuestionKey, plan: FetchPlan, caller: Caller, korrelationsid: str
    ) -> Answer:
        """Ask SSBTEK once for everything in `plan` and decode the answer."""
        question = build_question(
            key,
            plan,
            self.requester,
            caller.handlaggare,
            self.version,
            asked_at=datetime.now(UTC),
            korrelationsid=korrelationsid,
        )
        log.info(
            "asking SSBTEK person=%s agencies=%s",
            pseudonym(key.personnummer),
            ",".join(sorted(a.value for a in plan.agencies)),
        )
        agencies = len(plan.agencies)
        started = time.perf_counter()
        self.observer.in_flight(1)
        with span(
            "ssbtek.call",
            SpanKind.CLIENT,
            **{"ssbtek.agencies": sorted(a.value for a in plan.agencies)},
        ) as call:
            try:
                # Parsed and decoded where it is read: one worker thread for a large answer.
                answer = await self._noting_health(
                    self.client.hamta(
                        question,
                        asker=f"{key.tenant}\x1f{caller.handlaggare}",
                        read=partial(_decoded, sorted(plan.agencies)),
                    )
                )
            except PayloadError as exc:
                self.observer.asked(UpstreamInvalidResponse.code, agencies, started)
                call.set_attribute("ssbtek.outcome", UpstreamInvalidResponse.code)
                raise UpstreamInvalidResponse(f"SSBTEK's answer cannot be read: {exc}") from None
            except UpstreamError as exc:
                self.observer.asked(exc.code, agencies, started)
                call.set_attribute("ssbtek.outcome", exc.code)
                raise
            finally:
                self.observer.in_flight(-1)
            call.set_attribute("ssbtek.outcome", "ok")
        # Freed once its operation is answered (unless the cache keeps it, which counts apart).
        FREED.add(sum(map(estimated_bytes, answer.parts.values())), delay_s=DELAY_S)
        self.observer.asked("ok", agencies, started)
        for agency, part in answer.parts.items():
            if part.fel is not None:
                self.observer.agency_error(agency.value, part.fel.kalla.value)
        return answer

    async def probe(self) -> list[ProbeResult]:
        """Ask SSBTEK's connectivity probe (`testaBastjanstInformation`) and decode it."""
        return await self._noting_health(self.client.testa(read=decode_probe))

    async def _noting_health(self, call: Awaitable[T]) -> T:
        """A call's answer, noted in `health`: a fault, or an answer that cannot be decoded,
        still reached SSBTEK; being shed by the facade's own limit says nothing about SSBTEK."""
        try:
            element = await call
        except (UpstreamFault, PayloadError):
            self.health.reached()
            raise
        except UpstreamError as exc:
            if not isinstance(exc, UpstreamBusy):
                self.health.failed(exc.code)
            raise
        self.health.reached()
        return element


def _decoded(asked: list[Agency], element: etree._Element) -> Answer:
    return decode_answer(element, asked)


def asked_for(key: QuestionKey, plan: FetchPlan, version: SsbtVersion) -> AskedFor:
    """What the question for `plan` asks, for the audit line (ssbt/10 sends no tax years)."""
    return AskedFor(
        period={"from": key.period.from_.isoformat(), "tom": key.period.tom.isoformat()},
        agencies=sorted(a.value for a in plan.agencies),
        lefi=plan.lefi_question_classes() if Agency.FK in plan.agencies else {},
        skv_years=plan.skv_years(key.period)
        if Agency.SKV in plan.agencies and version is SsbtVersion.V11
        else [],
    )


# One SSBTEK question of a person: the agencies it asks, and its answer.
Question = tuple[frozenset[Agency], "asyncio.Future[Answer]"]


class OperationLoader:
    """The answers of one GraphQL operation: the operation's plan is made before execution, then
    each question is fetched at most once, however many fields read it."""

    def __init__(self, upstream: Upstream, caller: Caller, plan: OperationPlan) -> None:
        self.upstream = upstream
        self.caller = caller
        self.plan = plan
        # Per key, one fetch per question (the first payload's, and deferred fragments').
        self._fetches: dict[QuestionKey, list[Question]] = {}
        self._probe: asyncio.Future[list[ProbeResult]] | None = None

    def release(self) -> None:
        """Let go of the operation's answers once it is answered. graphql-core's execution keeps
        itself in reference cycles that reach this loader, so without this the answers (a huge
        one is ~15 MB as objects) would live until the next full garbage collection."""
        self._fetches.clear()
        self._probe = None

    async def probe(self) -> list[ProbeResult]:
        """The connectivity probe, asked once per operation however many aliases select it."""
        if self._probe is None:
            self._probe = asyncio.ensure_future(self.upstream.probe())
        return await asyncio.shield(self._probe)

    async def load(self, key: QuestionKey, agency: Agency) -> Answer:
        """The answer for `key` that holds `agency`. The first load of a key starts every
        question the plan gives the person at once (one, or one more per deferred fragment that
        needs further agencies), so that a deferred fragment's question runs beside the first
        payload's; `agency` must be in the key's plan (the planner reads the very fields
        execution runs: `schema/planner.py`)."""
        plan = self.plan.plans.get(key)
        if plan is None or agency not in plan.agencies:
            raise RuntimeError("a field read an agency that the operation's plan did not ask for")
        fetches = self._fetches.get(key)
        if fetches is None:
            questions = self.plan.questions.get(key) or [frozenset(plan.agencies)]
            fetches = self._fetches[key] = [
                (
                    agencies,
                    asyncio.ensure_future(
                        self.upstream.fetch(key, plan.only(agencies), self.caller)
                    ),
                )
                for agencies in questions
            ]
            for _, fetch in fetches:
                fetch.add_done_callback(_retrieved)
        fetch = next(fetch for agencies, fetch in fetches if agency in agencies)
        return await asyncio.shield(fetch)


def _retrieved(fetch: asyncio.Future[Any]) -> None:
    """A question's failure is read by the fields that await it; one no field awaits (its
    fields nulled before they were reached) is read here, so that asyncio does not log it."""
    if not fetch.cancelled():
        fetch.exception()
