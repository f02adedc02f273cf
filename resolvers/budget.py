"""How many questions to SSBTEK one caller may ask per minute: a fixed window per calendar minute
and caller (tenant and caseworker), counted in this process, or in Redis where several instances
share the budget. Questions answered from the cache cost nothing; a call shared with an identical
one in flight costs nothing more.

A caller past the budget gets `RATE_LIMITED` with the seconds until the next minute
(`retryAfter`, and the HTTP `Retry-After` header). The window is fixed, so a caller may ask up
to twice the budget across a minute's edge; the bound per two minutes is exact.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from resolvers.codes import ErrorCode
from resolvers.errors import UpstreamError

log = logging.getLogger(__name__)

WINDOW_S = 60


class RateLimited(UpstreamError):
    """The caller has asked SSBTEK as often as the budget allows this minute."""

    code = ErrorCode.RATE_LIMITED


class CallerBudget:
    """The per-caller budget of SSBTEK questions, counted in this process; `per_minute` 0 is
    no budget."""

    backend = "memory"

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hash_key = secrets.token_bytes(32)
        self._counts: dict[str, int] = {}
        self._window = -1

    def caller_key(self, tenant: str, caseworker: str) -> str:
        """A keyed hash of the caller: no account name is a key."""
        joined = f"{tenant}\x1f{caseworker}".encode()
        return hmac.new(self._hash_key, joined, hashlib.sha256).hexdigest()[:32]

    async def spend(self, tenant: str, caseworker: str) -> None:
        """Count one question for the caller; RateLimited when it is over the budget."""
        if self.per_minute <= 0:
            return
        now = self.clock()
        window = int(now // WINDOW_S)
        count = await self._count(self.caller_key(tenant, caseworker), window)
        if count > self.per_minute:
            retry_after = max(1, int((window + 1) * WINDOW_S - now + 0.999))
            raise RateLimited(
                f"this caseworker has asked SSBTEK {self.per_minute} times this minute, the "
                f"most SSBTEK_CALLER_QUESTIONS_PER_MINUTE allows; retry in {retry_after} s",
                retryAfter=retry_after,
            )

    async def _count(self, caller: str, window: int) -> int:
        """The caller's questions in this window, this one included."""
        if window != self._window:  # a new minute: the old counts are done with
            self._counts.clear()
            self._window = window
        self._counts[caller] = self._counts.get(caller, 0) + 1
        return self._counts[caller]

    async def close(self) -> None:
        """Release the backend's connections."""


class RedisCallerBudget(CallerBudget):
    """The budget counted in Redis, shared by every instance (`INCR` of a key per caller and
    minute, expiring after two minutes). When Redis fails the count falls back to this process
    (logged once until Redis answers again): the budget then holds per instance."""

    backend = "redis"

    def __init__(self, per_minute: int, client: Any, key: bytes, **kwargs: Any) -> None:
        super().__init__(per_minute, **kwargs)
        self._hash_key = hmac.new(key, b"ssbtek-graphql caller budget", hashlib.sha256).digest()
        self._redis = client
        self._down = False

    async def _count(self, caller: str, window: int) -> int:
        name = f"ssbtek-graphql:budget:{caller}:{window}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, 2 * WINDOW_S)
                count, _ = await pipe.execute()
        except Exception as exc:  # Redis down or slow: count here rather than not at all
            if not self._down:
                self._down = True
                log.warning(
                    "the caller budget cannot reach Redis (%s): counting per instance until it "
                    "answers again",
                    type(exc).__name__,
                )
            return await super()._count(caller, window)
        if self._down:
            self._down = False
            log.warning("the caller budget reaches Redis again")
        return int(count)

    async def close(self) -> None:
        await self._redis.aclose()


def build_budget(per_minute: int, redis_url: str | None, key: bytes | None) -> CallerBudget:
    """The budget the settings ask for: in Redis when the cache is (shared by instances), else
    in this process."""
    if per_minute > 0 and redis_url and key is not None:
        from redis.asyncio import Redis

        from resolvers.cache import redis_address

        address = redis_address(redis_url)
        client = Redis(
            host=address.host,
            port=address.port,
            db=address.db,
            username=address.username,
            password=address.password,
            ssl=address.tls,
            socket_timeout=1,
            socket_connect_timeout=1,
        )
        return RedisCallerBudget(per_minute, client, key)
    return CallerBudget(per_minute)
