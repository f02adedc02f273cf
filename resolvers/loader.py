"""Fetching answers: one SSBTEK call per person per GraphQL operation, shared by every field."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from resolvers.agencies import Agency
from resolvers.client import SsbtekClient
from resolvers.contract import SsbtVersion
from resolvers.decode.answer import Answer, decode_answer
from resolvers.errors import UpstreamInvalidResponse
from resolvers.personnummer import pseudonym
from resolvers.plan import FetchPlan, PersonKey
from resolvers.question import Requester, build_question
from resolvers.xmlread import PayloadError

log = logging.getLogger(__name__)


@dataclass
class Upstream:
    """The long-lived way to SSBTEK: the client and who the municipality is."""

    client: SsbtekClient
    requester: Requester

    @property
    def version(self) -> SsbtVersion:
        """The contract generation the client speaks."""
        return self.client.config.version

    async def fetch(self, key: PersonKey, plan: FetchPlan, handlaggare: str) -> Answer:
        """Ask SSBTEK once for everything in `plan` and decode the answer."""
        question = build_question(key, plan, self.requester, handlaggare, self.version)
        log.info(
            "asking SSBTEK person=%s agencies=%s",
            pseudonym(key.personnummer),
            ",".join(sorted(a.value for a in plan.agencies)),
        )
        element = await self.client.hamta(question)
        try:
            return await asyncio.to_thread(decode_answer, element, sorted(plan.agencies))
        except PayloadError as exc:
            raise UpstreamInvalidResponse(f"SSBTEK's answer cannot be read: {exc}") from None


class OperationLoader:
    """The answers of one GraphQL operation: plans are set once from the whole operation, then
    each person key is fetched at most once, however many fields read it."""

    def __init__(self, upstream: Upstream, handlaggare: str) -> None:
        self.upstream = upstream
        self.handlaggare = handlaggare
        self.plans: dict[PersonKey, FetchPlan] | None = None
        self._fetches: dict[PersonKey, asyncio.Future[Answer]] = {}

    def set_plans(self, plans: dict[PersonKey, FetchPlan]) -> None:
        """Record what the operation needs per person; only the first call counts."""
        if self.plans is None:
            self.plans = plans

    async def load(self, key: PersonKey, agency: Agency) -> Answer:
        """The answer for `key`, fetched on first use; `agency` must be in the key's plan."""
        plan = (self.plans or {}).get(key)
        if plan is None or agency not in plan.agencies:
            raise RuntimeError("a field read an agency that the operation's plan did not ask for")
        fetch = self._fetches.get(key)
        if fetch is None:
            fetch = asyncio.ensure_future(self.upstream.fetch(key, plan, self.handlaggare))
            self._fetches[key] = fetch
        return await asyncio.shield(fetch)
