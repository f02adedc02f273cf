"""A fair limit on calls to SSBTEK: at most `slots` at once; while callers wait, each freed slot
goes to the waiting caller with the fewest calls in flight (ties: the one served longest ago, then
who waited longest), so one
caseworker with many questions cannot starve the others. A call that cannot get a slot and still
finish before its deadline is shed at once (`UpstreamBusy`) instead of queueing in vain."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

from resolvers.errors import UpstreamBusy


@dataclass(order=True)
class _Waiter:
    sequence: int
    asker: str = field(compare=False)
    granted: asyncio.Future[None] = field(compare=False)


class FairLimiter:
    """The upstream slots of one process, shared fairly between askers: who a call is made for,
    a caseworker of a tenant (or the connectivity probe, an asker of its own).

    `typical_s` is a running estimate of how long a call takes (an exponentially weighted mean of
    finished calls), used to judge whether a call can still finish before its deadline.
    """

    def __init__(self, slots: int, initial_typical_s: float = 0.5) -> None:
        self.slots = slots
        self.active = 0
        self.in_flight: dict[str, int] = {}
        self.waiters: list[_Waiter] = []
        self.typical_s = initial_typical_s
        self.shed = 0
        self.most_active = 0
        self._sequence = itertools.count()
        self._served: dict[str, int] = {}  # the grant number an asker last got a slot by
        self._grants = itertools.count()

    @property
    def queued(self) -> int:
        """Calls waiting for a slot."""
        return len(self.waiters)

    def expected_wait_s(self, asker: str) -> float:
        """How long a call of `asker` that queues now would wait, roughly: the calls the fair
        order would serve before it (its own queued calls, and of every other asker at most as
        many as it will have waiting), spread over the slots, at the typical call time. A greedy
        asker's long queue thus makes its own calls wait, not everybody's."""
        if self.active < self.slots and not self.waiters:
            return 0.0
        waiting: dict[str, int] = {}
        for waiter in self.waiters:
            waiting[waiter.asker] = waiting.get(waiter.asker, 0) + 1
        mine = waiting.pop(asker, 0) + 1
        ahead = mine - 1 + sum(min(count, mine) for count in waiting.values())
        return (ahead + 1) / self.slots * self.typical_s

    async def acquire(self, asker: str, deadline: float) -> None:
        """Wait for a slot until `deadline` (loop time); UpstreamBusy when the queue is longer
        than the deadline allows, or the slot would come too late to finish the call."""
        loop = asyncio.get_running_loop()
        remaining = deadline - loop.time()
        if self.expected_wait_s(asker) + self.needed_s() > remaining:
            self.shed += 1
            raise UpstreamBusy("SSBTEK is busy: the facade's queue to it is too long right now")
        if self.active < self.slots and not self.waiters:
            self._grant(asker)
            return
        waiter = _Waiter(next(self._sequence), asker, loop.create_future())
        self.waiters.append(waiter)
        try:
            async with asyncio.timeout_at(deadline - self.needed_s()):
                await waiter.granted
        except TimeoutError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                self.release(asker)  # granted just as the time ran out: give it back
            self.shed += 1
            raise UpstreamBusy(
                "SSBTEK is busy: no slot came in time to finish the call before its deadline"
            ) from None
        finally:
            if waiter in self.waiters:
                self.waiters.remove(waiter)

    def needed_s(self) -> float:
        """The time a call must have left to be started: the typical call time with a margin
        (calls vary), so that a call is not started only to be cut off at its deadline."""
        return 1.5 * self.typical_s + 0.05

    def release(self, asker: str, took_s: float | None = None) -> None:
        """Give a slot back (with how long the call took, to keep the estimate current) and
        hand it to the fairest waiter."""
        self.active -= 1
        left = self.in_flight.get(asker, 1) - 1
        if left:
            self.in_flight[asker] = left
        else:
            self.in_flight.pop(asker, None)
        if took_s is not None:
            self.typical_s = 0.8 * self.typical_s + 0.2 * took_s
        self._hand_on()

    def _grant(self, asker: str) -> None:
        self._served[asker] = next(self._grants)
        if len(self._served) > 10_000:  # askers come and go: forget the oldest
            for stale in sorted(self._served, key=self._served.__getitem__)[:5_000]:
                del self._served[stale]
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        self.in_flight[asker] = self.in_flight.get(asker, 0) + 1

    def _hand_on(self) -> None:
        while self.active < self.slots and self.waiters:
            # Fewest calls in flight first, then the asker served longest ago, then arrival.
            fairest = min(
                self.waiters,
                key=lambda w: (self.in_flight.get(w.asker, 0), self._served.get(w.asker, -1), w),
            )
            self.waiters.remove(fairest)
            if fairest.granted.done():
                continue  # it gave up meanwhile
            self._grant(fairest.asker)
            fairest.granted.set_result(None)
