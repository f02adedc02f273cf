"""Fetching answers: one SSBTEK call per person per GraphQL operation, shared by every field."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from resolvers.agencies import Agency
from resolvers.audit import AskedFor, AuditTrail
from resolvers.caller import Caller
from resolvers.client import SsbtekClient
from resolvers.contract import SsbtVersion
from resolvers.decode.answer import Answer, ProbeResult, decode_answer, decode_probe
from resolvers.errors import UpstreamError, UpstreamInvalidResponse
from resolvers.personnummer import pseudonym
from resolvers.plan import FetchPlan, OperationPlan, QuestionKey
from resolvers.question import Requester, build_question
from resolvers.xmlread import PayloadError

log = logging.getLogger(__name__)


@dataclass
class Upstream:
    """The long-lived way to SSBTEK: the client and who the municipality is."""

    client: SsbtekClient
    requester: Requester
    audit: AuditTrail

    @property
    def version(self) -> SsbtVersion:
        """The contract generation the client speaks."""
        return self.client.config.version

    async def fetch(self, key: QuestionKey, plan: FetchPlan, caller: Caller) -> Answer:
        """Ask SSBTEK once for everything in `plan` as `caller`, decode the answer, and leave
        an audit line whatever the outcome."""
        korrelationsid = uuid.uuid4().hex
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
        started = time.perf_counter()
        upstream_ms: float | None = None
        outcome = "INTERNAL_SERVER_ERROR"
        agency_errors: dict[str, str] = {}
        try:
            element = await self.client.hamta(question)
            upstream_ms = (time.perf_counter() - started) * 1000
            try:
                answer = await asyncio.to_thread(decode_answer, element, sorted(plan.agencies))
            except PayloadError as exc:
                raise UpstreamInvalidResponse(f"SSBTEK's answer cannot be read: {exc}") from None
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
            if upstream_ms is None:
                upstream_ms = (time.perf_counter() - started) * 1000
            self.audit.question(
                tenant=key.tenant,
                caseworker=caller.handlaggare,
                arende=key.arende,
                personnummer=key.personnummer,
                asked=asked_for(key, plan, self.version),
                outcome=outcome,
                agency_errors=agency_errors,
                upstream_ms=upstream_ms,
                korrelationsid=korrelationsid,
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
