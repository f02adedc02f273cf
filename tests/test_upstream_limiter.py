"""The upstream slots are shared fairly among callers; an overlong queue sheds at once."""

from __future__ import annotations

import asyncio

import pytest

from resolvers.errors import UpstreamBusy
from resolvers.limiter import FairLimiter
from tests.support import PERIOD, Simulator, facade_env


async def test_a_greedy_caller_does_not_starve_the_others() -> None:
    limiter = FairLimiter(slots=2, initial_typical_s=0.01)
    deadline = asyncio.get_running_loop().time() + 10
    order: list[str] = []

    async def call(asker: str) -> None:
        await limiter.acquire(asker, deadline)
        order.append(asker)
        await asyncio.sleep(0.02)
        limiter.release(asker, 0.02)

    greedy = [asyncio.create_task(call("greedy")) for _ in range(8)]
    await asyncio.sleep(0)  # the greedy caller queues first
    others = [asyncio.create_task(call(name)) for name in ("anna", "bo")]
    await asyncio.gather(*greedy, *others)
    assert order.index("anna") <= 3 and order.index("bo") <= 3  # not after the greedy eight
    assert limiter.most_active == 2


async def test_an_overlong_queue_sheds_at_once() -> None:
    """At once: refused before anything else on the loop runs, however fast the machine."""
    limiter = FairLimiter(slots=1, initial_typical_s=1.0)
    loop = asyncio.get_running_loop()
    await limiter.acquire("a", loop.time() + 30)
    ran: list[str] = []

    async def another() -> None:
        ran.append("another")

    other = asyncio.create_task(another())  # runs as soon as the loop runs anything else
    with pytest.raises(UpstreamBusy):  # a slot could not come and the call finish in 1.5 s
        await limiter.acquire("b", loop.time() + 1.5)
    assert ran == [], "the refusal waited: another task ran first"
    await other
    assert limiter.shed == 1
    limiter.release("a", 1.0)
    await limiter.acquire("c", loop.time() + 30)  # recovered


def test_a_busy_upstream_is_a_coded_error(sim: Simulator) -> None:
    from simulator.app import SimulatorConfig
    from tests.support import facade
    from tests.support import simulator as in_process_simulator

    # The slow person's SSBTEK never answers within the deadline (1.7 s), so it holds the one
    # slot until the deadline ends its call, on a quiet machine and on a loaded one alike.
    with (
        in_process_simulator(SimulatorConfig(slow_seconds=30)) as slow,
        facade(
            facade_env(
                slow.url,
                SSBTEK_MAX_CONCURRENCY="1",
                SSBTEK_TIMEOUT_S="1.5",
                SSBTEK_CONNECT_TIMEOUT_S="0.2",
            )
        ) as api,
    ):
        many = ["196509091234"] * 1 + ["198503151238", "199001011239", "199203041232"]
        answer = api.query(
            "query($pnr: [Personnummer!]!, $period: PeriodInput!) { personer(personnummer: "
            '$pnr, period: $period, arende: "A") { transportstyrelsen { resultat } } }',
            {"pnr": many, "period": PERIOD},
        )
    # The slow person takes the one slot (and is cut off by its deadline); the three others
    # cannot get it in time: shed, never asked.
    codes = {tuple(e["path"]): e["extensions"]["code"] for e in answer["errors"]}
    assert codes == {
        ("personer", 0, "transportstyrelsen"): "UPSTREAM_TIMEOUT",
        ("personer", 1, "transportstyrelsen"): "UPSTREAM_BUSY",
        ("personer", 2, "transportstyrelsen"): "UPSTREAM_BUSY",
        ("personer", 3, "transportstyrelsen"): "UPSTREAM_BUSY",
    }
    assert slow.app.state.load.most_in_flight <= 1


async def test_a_greedy_queue_does_not_shed_another_caller() -> None:
    """The greedy caller's own calls are shed when its queue is too long; a caller with nothing
    queued is not, and is served next."""
    limiter = FairLimiter(slots=2, initial_typical_s=1.0)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 35
    await limiter.acquire("greedy", deadline)
    await limiter.acquire("greedy", deadline)
    queued = [asyncio.create_task(limiter.acquire("greedy", deadline)) for _ in range(200)]
    await asyncio.sleep(0)
    shed = [t for t in queued if t.done() and isinstance(t.exception(), UpstreamBusy)]
    assert shed, "the greedy caller's overlong queue is shed"
    anna = asyncio.create_task(limiter.acquire("anna", deadline))
    await asyncio.sleep(0)
    assert not anna.done()  # waiting, not shed
    limiter.release("greedy", 1.0)
    await asyncio.sleep(0)
    assert anna.done() and anna.exception() is None
    for task in queued:
        task.cancel()
