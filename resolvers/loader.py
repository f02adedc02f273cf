"""Fetching answers: one SSBTEK call per person per GraphQL operation, shared by every field."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from resolvers.agencies import Agency
from resolvers.audit import AskedFor, AuditTrail
from resolvers.cache import PartCache
from resolvers.caller import Caller
from resolvers.client import SsbtekClient
from resolvers.contract import SsbtVersion
from resolvers.decode.answer import Answer, ProbeResult, decode_answer, decode_probe
from resolvers.errors import UpstreamError, UpstreamInvalidResponse
from resolvers.parts import Held, needed_parts
from resolvers.personnummer import pseudonym
from resolvers.plan import FetchPlan, OperationPlan, QuestionKey
from resolvers.question import Requester, build_question
from resolvers.xmlread import PayloadError

log = logging.getLogger(__name__)


@dataclass
class Upstream:
    """The long-lived way to SSBTEK: the client, who the municipality is, the audit trail and the
    brief cache of answer parts (none unless given)."""

    client: SsbtekClient
    requester: Requester
    audit: AuditTrail
    cache: PartCache = field(default_factory=PartCache)
    _flights: dict[str, asyncio.Future[tuple[Answer, float]]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def version(self) -> SsbtVersion:
        """The contract generation the client speaks."""
        return self.client.config.version

    async def fetch(self, key: QuestionKey, plan: FetchPlan, caller: Caller) -> Answer:
        """Everything in `plan` for `key` as `caller`: the parts the cache holds for this
        caller, case, person and period, and one SSBTEK call for the rest (shared with identical
        calls in flight). Leaves one audit line, whatever the outcome."""
        owner = (
            key.tenant,
            caller.handlaggare,
            key.arende,
            key.personnummer,
            key.period.from_.isoformat(),
            key.period.tom.isoformat(),
        )
        parts = needed_parts(key, plan, self.version)
        keys = {part: self.cache.key(*owner, part.name) for part in parts}
        found = await self.cache.get_many(list(keys.values()))
        held = Held(parts, {part: found[k] for part, k in keys.items() if k in found})
        missing = held.missing
        cache_state = "hit" if not missing else "miss" if len(missing) == len(parts) else "partial"
        upstream_ms: float | None = None
        outcome = "INTERNAL_SERVER_ERROR"
        answer: Answer | None = None
        korrelationsid = None
        try:
            if missing:
                smaller = held.still_to_ask(key, plan)
                flight = self.cache.key(*owner, *(part.name for part in missing), repr(smaller))
                fetched, upstream_ms = await self._shared(flight, key, smaller, caller)
                korrelationsid = fetched.korrelationsid
                stored = held.store(fetched)
                await self.cache.set_many({keys[part]: entry for part, entry in stored.items()})
                answer = held.assemble(fetched, stored)
            else:
                answer = held.assemble(None, {})
            agency_errors = {
                agency.value: part.fel.felkod
                for agency, part in sorted(answer.parts.items())
                if part.fel is not None
            }
            outcome = "agency_errors" if agency_errors else "ok"
            return answer
        except UpstreamError as exc:
            agency_errors = {}
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
                agency_errors=agency_errors if answer is not None else {},
                upstream_ms=upstream_ms,
                korrelationsid=korrelationsid,
                cache=cache_state,
            )

    async def _shared(
        self, flight: str, key: QuestionKey, plan: FetchPlan, caller: Caller
    ) -> tuple[Answer, float]:
        """One upstream call for identical concurrent fetches (same caller, case, person, period
        and parts): the first starts it, the others wait for it."""
        running = self._flights.get(flight)
        if running is None:
            running = asyncio.ensure_future(self._ask(key, plan, caller))
            self._flights[flight] = running
            running.add_done_callback(lambda _done: self._flights.pop(flight, None))
        return await asyncio.shield(running)

    async def _ask(self, key: QuestionKey, plan: FetchPlan, caller: Caller) -> tuple[Answer, float]:
        """Ask SSBTEK once for everything in `plan` and decode the answer; with the latency."""
        question = build_question(
            key,
            plan,
            self.requester,
            caller.handlaggare,
            self.version,
            asked_at=datetime.now(UTC),
            korrelationsid=uuid.uuid4().hex,
        )
        log.info(
            "asking SSBTEK person=%s agencies=%s",
            pseudonym(key.personnummer),
            ",".join(sorted(a.value for a in plan.agencies)),
        )
        started = time.perf_counter()
        element = await self.client.hamta(question)
        upstream_ms = (time.perf_counter() - started) * 1000
        try:
            answer = await asyncio.to_thread(decode_answer, element, sorted(plan.agencies))
        except PayloadError as exc:
            raise UpstreamInvalidResponse(f"SSBTEK's answer cannot be read: {exc}") from None
        return replace(answer, korrelationsid=answer.korrelationsid or question_id(question)), (
            upstream_ms
        )

    async def probe(self) -> list[ProbeResult]:
        """Ask SSBTEK's connectivity probe (`testaBastjanstInformation`) and decode it."""
        element = await self.client.testa()
        return await asyncio.to_thread(decode_probe, element)


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


class OperationLoader:
    """The answers of one GraphQL operation: the operation's plan is made before execution, then
    each question is fetched at most once, however many fields read it."""

    def __init__(self, upstream: Upstream, caller: Caller, plan: OperationPlan) -> None:
        self.upstream = upstream
        self.caller = caller
        self.plan = plan
        self._fetches: dict[QuestionKey, asyncio.Future[Answer]] = {}
        self._probe: asyncio.Future[list[ProbeResult]] | None = None

    async def probe(self) -> list[ProbeResult]:
        """The connectivity probe, asked once per operation however many aliases select it."""
        if self._probe is None:
            self._probe = asyncio.ensure_future(self.upstream.probe())
        return await asyncio.shield(self._probe)

    async def load(self, key: QuestionKey, agency: Agency) -> Answer:
        """The answer for `key`, fetched on first use; `agency` must be in the key's plan (the
        planners and resolvers agree by construction: `tests/test_person_fields.py` proves it)."""
        plan = self.plan.plans.get(key)
        if plan is None or agency not in plan.agencies:
            raise RuntimeError("a field read an agency that the operation's plan did not ask for")
        fetch = self._fetches.get(key)
        if fetch is None:
            fetch = asyncio.ensure_future(self.upstream.fetch(key, plan, self.caller))
            self._fetches[key] = fetch
        return await asyncio.shield(fetch)


def question_id(question: dict[str, Any]) -> str | None:
    """The `korrelationsid` a question was sent with."""
    return question["generellaFrageparametrar"].get("korrelationsid")
