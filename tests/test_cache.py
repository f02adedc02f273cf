"""The brief cache, in memory and in a real redis-server: repeated and narrower questions cost no
SSBTEK call, wider ones ask only for what is missing, nobody reads another caseworker's or
case's entries, identical questions in flight share one call, entries expire and the memory
cache stays within its bound; Redis holds nothing readable and its outage costs only speed."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest

from graph.app import create_app
from graph.settings import load_settings
from resolvers.agencies import Agency
from resolvers.audit import AuditSettings, AuditTrail
from resolvers.cache import MemoryPartCache, PartCache
from resolvers.caller import Caller
from resolvers.client import ClientConfig, SsbtekClient
from resolvers.loader import Upstream
from resolvers.memory import FreedMemory, trim
from resolvers.plan import FetchPlan, Period, QuestionKey, default_skv_years
from tests.support import (
    CASEWORKER,
    PERIOD,
    REQUESTER,
    Simulator,
    asgi_client,
    facade_app,
    facade_env,
    until,
)
from tests.support.held import HeldTransport
from tests.support.queries import lefi_classes
from tests.support.redis_server import RedisServer, redis_server

ALLA = "198503151238"
INGENTING = "199001011239"
ORDINARY = "199203041232"
OMFATTANDE = "195804121233"  # LEFI: about 3 MB on the wire
CACHE_KEY = base64.b64encode(os.urandom(32)).decode()

HEAD = "query($pnr: Personnummer!, $period: PeriodInput!, $arende: String!)"
ARGS = "personnummer: $pnr, period: $period, arende: $arende"
WIDE = f"""{HEAD} {{ person({ARGS}) {{
  arbetsformedlingen {{ fornamn ekonomiskaBeslut {{ ersattningTyp }} }}
  akassorna {{ arbetsloshetsersattningar {{ utbetalningar {{ utbetalningsdatum }} }} }}
  transportstyrelsen {{ fordon {{ regnr }} }}
  forsakringskassan {{ sjukpenning {{ aktivt }} barnbidrag {{ beslut {{ fattades }} }}
                      utbetalningsuppgifter {{ datum nettobelopp {{ summa }} }}
                      avvikelser {{ formansinformation {{ formansgrupp {{ kod }} }} }} }}
  pensionsmyndigheten {{ utbetalningar {{ bruttobelopp }} }}
  skatteverket {{ personuppgifter {{ kapitaluppgifter {{ taxeringsar }} }} }}
}} }}"""
NARROW = f"""{HEAD} {{ person({ARGS}) {{
  transportstyrelsen {{ fordon {{ regnr }} }}
  forsakringskassan {{ sjukpenning {{ aktivt }} }}
}} }}"""


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    """The cache settings of each backend (Redis emptied first)."""
    if request.param == "memory":
        return {"SSBTEK_CACHE_TTL_S": "120"}
    server: RedisServer = request.getfixturevalue("redis")
    server.client().flushdb()
    return {
        "SSBTEK_CACHE_TTL_S": "120",
        "SSBTEK_CACHE_URL": server.url,
        "SSBTEK_CACHE_KEY": CACHE_KEY,
    }


class Running:
    """A facade with a cache, started as a server would start it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def ask(
        self,
        query: str,
        pnr: str = ALLA,
        arende: str = "EKB-1",
        caseworker: str = CASEWORKER,
    ) -> dict[str, Any]:
        async with asgi_client(self.app, **{"X-Handlaggare": caseworker}) as client:
            response = await client.post(
                "/graphql",
                json={
                    "query": query,
                    "variables": {"pnr": pnr, "period": PERIOD, "arende": arende},
                },
            )
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body


async def started(sim: Simulator, settings: dict[str, str]) -> AsyncIterator[Running]:
    app = facade_app(facade_env(sim.url, **settings))
    async with app.router.lifespan_context(app):
        yield Running(app)


@pytest.fixture
async def cached(sim: Simulator, backend: dict[str, str]) -> AsyncIterator[Running]:
    async for running in started(sim, backend):
        yield running


@pytest.fixture
async def uncached(sim: Simulator) -> AsyncIterator[Running]:
    async for running in started(sim, {"SSBTEK_CACHE_TTL_S": "0"}):
        yield running


async def test_a_repeat_costs_nothing_and_answers_the_same(
    cached: Running, uncached: Running, fresh: Simulator, audit_lines: list
) -> None:
    first = await cached.ask(WIDE)
    second = await cached.ask(WIDE)
    assert len(fresh.questions()) == 1
    assert second == first == await uncached.ask(WIDE)
    assert [line["cache"] for line in audit_lines] == ["miss", "hit", "miss"]
    assert audit_lines[1]["upstreamMs"] is None
    assert audit_lines[1]["person"] == audit_lines[0]["person"]


async def test_a_narrower_question_costs_nothing(
    cached: Running, uncached: Running, fresh: Simulator
) -> None:
    await cached.ask(WIDE)
    narrow = await cached.ask(NARROW)
    assert len(fresh.questions()) == 1
    assert narrow == await uncached.ask(NARROW)


async def test_a_wider_question_asks_only_for_what_is_missing(
    cached: Running, uncached: Running, fresh: Simulator, audit_lines: list
) -> None:
    await cached.ask(NARROW)
    wide = await cached.ask(WIDE)
    narrow_question, wide_question = fresh.questions()
    assert narrow_question["included"] == ["FK", "TNS"]
    assert wide_question["included"] == ["AF", "FK", "SKV", "SO"]  # not TNS again
    # LEFI: the groups of formansinformation not held yet, and the payments.
    assert lefi_classes(narrow_question) == {"formansinformation": ["FK:SJP"]}
    assert lefi_classes(wide_question)["formansinformation"] == ["FK:ABB"]
    assert set(lefi_classes(wide_question)) == {"formansinformation", "utbetalningar"}
    assert audit_lines[-1]["cache"] == "partial"
    assert wide == await uncached.ask(WIDE)


async def test_payments_for_other_groups_are_asked_again(cached: Running, fresh: Simulator) -> None:
    some = f"""{HEAD} {{ person({ARGS}) {{ forsakringskassan {{
      utbetalningsuppgifter(formansgrupper: [SJP]) {{ datum }} }} }} }}"""
    every = f"""{HEAD} {{ person({ARGS}) {{ forsakringskassan {{
      utbetalningsuppgifter {{ datum }} }} }} }}"""
    await cached.ask(some)
    await cached.ask(every)
    await cached.ask(some)
    await cached.ask(every)
    questions = fresh.questions()
    assert [lefi_classes(q)["utbetalningar"] == ["FK:SJP"] for q in questions] == [True, False]


@pytest.mark.parametrize(
    "other",
    [{"caseworker": "bo.annan"}, {"arende": "EKB-2"}, {"pnr": INGENTING}],
    ids=["another caseworker", "another case", "another person"],
)
async def test_nobody_reads_another_caseworkers_or_cases_entries(
    cached: Running, fresh: Simulator, other: dict[str, str]
) -> None:
    await cached.ask(NARROW)
    await cached.ask(NARROW, **other)
    assert len(fresh.questions()) == 2
    assert fresh.questions()[1]["handlaggare"] == other.get("caseworker", CASEWORKER)


async def test_identical_questions_in_flight_share_one_call(
    fresh: Simulator, backend: dict[str, str], audit_lines: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five operations ask one question at once: SSBTEK's answer is held until all five have
    looked in the cache, so none is a hit, and they share one call (one korrelationsid). Two
    caseworkers asking at once never share one: both calls are in flight together."""
    one_agency = f"{HEAD} {{ person({ARGS}) {{ transportstyrelsen {{ fordon {{ regnr }} }} }} }}"
    held = HeldTransport(fresh.transport())
    app = create_app(load_settings(facade_env(fresh.url, **backend)), transport=held)
    async with app.router.lifespan_context(app):
        running = Running(app)
        looked = _counting_lookups(monkeypatch, app.state.cache)
        asking = asyncio.gather(*(running.ask(one_agency) for _ in range(5)))
        assert await until(lambda: len(looked) == 5)
        held.release()
        answers = await asking
        assert held.arrived == len(fresh.questions()) == 1
        assert all(answer == answers[0] for answer in answers)
        shared = [line for line in audit_lines if line["event"] == "question"]
        assert [line["cache"] for line in shared] == ["miss"] * 5
        assert len({line["korrelationsid"] for line in shared}) == 1
        # ...but never across caseworkers
        held.hold()
        apart = asyncio.gather(
            running.ask(one_agency, pnr=INGENTING),
            running.ask(one_agency, pnr=INGENTING, caseworker="bo.annan"),
        )
        assert await until(lambda: held.arrived == 3)  # both in flight at once
        held.release()
        await apart
    assert len(fresh.questions()) == 3
    assert len([line for line in audit_lines if line["event"] == "question"]) == 7


async def test_equal_plans_built_in_other_orders_share_one_call(fresh: Simulator) -> None:
    """Two fetches of one question whose plans are equal but were built in other orders (the
    planner adds what it meets in document order) share one SSBTEK call: the call in flight is
    found by the plan's value (`FetchPlan.key`), not by its `repr`, which keeps the order
    things were added in. The period is one whose two sets of Skatteverket years iterate in
    the order they were added (their hashes collide), as a plan cut to what is missing keeps
    them."""
    period, years = _period_whose_year_sets_keep_their_order()
    first, second = FetchPlan(), FetchPlan()
    first.include(Agency.TNS)
    first.ask_skv_years(None)  # `skatteverket { … }`: the default years,
    first.ask_skv_years(years)  # and `skatteverket(ar: …)` naming the same
    second.ask_skv_years(years)
    second.ask_skv_years(None)
    second.include(Agency.TNS)
    assert first == second
    assert repr(first) != repr(second)  # the premise: built in other orders
    lookups: list[int] = []

    class CountingLookups(PartCache):
        async def get_many(self, keys: list[str]) -> dict[str, Any]:
            lookups.append(len(keys))
            return {}

    held = HeldTransport(fresh.transport())
    client = SsbtekClient(ClientConfig(url=fresh.url), transport=held)
    upstream = Upstream(
        client, REQUESTER, AuditTrail(AuditSettings(b"k" * 32)), cache=CountingLookups()
    )
    key = QuestionKey("162120000010", ALLA, period, "EKB-1")
    caller = Caller("162120000010", CASEWORKER)
    try:
        fetching = asyncio.gather(
            upstream.fetch(key, first, caller), upstream.fetch(key, second, caller)
        )
        assert await until(lambda: len(lookups) == 2)
        held.release()
        await fetching
    finally:
        await client.aclose()
    assert held.arrived == len(fresh.questions()) == 1


def test_a_plans_key_is_its_value_whatever_order_it_was_built_in() -> None:
    own = Period(date(2026, 1, 1), date(2026, 3, 31))
    first, second = FetchPlan(), FetchPlan()
    first.include(Agency.AF)
    first.include(Agency.TNS, own)
    first.ask_lefi("formansinformation", {"FK:SJP", "FK:ABB"})
    first.ask_skv_years(None)
    second.ask_skv_years(None)
    second.ask_lefi("formansinformation", {"FK:ABB"})
    second.ask_lefi("formansinformation", {"FK:SJP"})
    second.include(Agency.TNS, own)
    second.include(Agency.AF)
    assert first == second and repr(first) != repr(second)
    assert first.key() == second.key() and hash(first.key()) == hash(second.key())
    second.ask_lefi("utbetalningar", {"FK:SJP"})
    assert first.key() != second.key()


def _period_whose_year_sets_keep_their_order() -> tuple[Period, frozenset[int]]:
    """A period, and its default tax years, for which a set of None and those years iterates in
    the order the two were added (their hashes collide); the latest period if none does."""
    for year in range(2026, 1902, -1):
        period = Period(date(year, 1, 1), date(year, 6, 30))
        years = frozenset(default_skv_years(period))
        if list({None, years}) != list({years, None}):
            return period, years
    period = Period(date(2026, 1, 1), date(2026, 6, 30))
    return period, frozenset(default_skv_years(period))


def _counting_lookups(monkeypatch: pytest.MonkeyPatch, cache: PartCache) -> list[int]:
    """Each lookup the cache has answered from now on (an operation asks SSBTEK, or joins the
    call in flight, right after its lookup, before anything else can run)."""
    looked: list[int] = []
    lookup = cache.get_many

    async def counting(keys: list[str]) -> dict[str, Any]:
        found = await lookup(keys)
        looked.append(len(keys))
        return found

    monkeypatch.setattr(cache, "get_many", counting)
    return looked


async def test_entries_expire(sim: Simulator, fresh: Simulator, backend: dict[str, str]) -> None:
    """A repeat within the TTL is a hit (the TTL long enough for that on a busy machine); one
    asked a whole TTL after the entry was stored is not."""
    async for running in started(sim, {**backend, "SSBTEK_CACHE_TTL_S": BRIEF_TTL_S}):
        await running.ask(NARROW)
        await running.ask(NARROW)
        assert len(fresh.questions()) == 1
        await asyncio.sleep(float(BRIEF_TTL_S) + 0.1)  # at least a TTL since it was stored
        await running.ask(NARROW)
        assert len(fresh.questions()) == 2


async def test_no_cache_with_ttl_zero(uncached: Running, fresh: Simulator) -> None:
    await uncached.ask(NARROW)
    await uncached.ask(NARROW)
    assert len(fresh.questions()) == 2


async def test_the_memory_cache_evicts_the_least_recently_used(
    sim: Simulator, fresh: Simulator
) -> None:
    one_part = f"{HEAD} {{ person({ARGS}) {{ transportstyrelsen {{ resultat }} }} }}"
    settings = {"SSBTEK_CACHE_TTL_S": "120", "SSBTEK_CACHE_MAX_ENTRIES": "2"}
    async for running in started(sim, settings):
        await running.ask(one_part, pnr=ALLA)
        await running.ask(one_part, pnr=INGENTING)
        await running.ask(one_part, pnr=ALLA)  # ALLA is now the most recently used
        await running.ask(one_part, pnr=ORDINARY)  # evicts INGENTING
        assert len(fresh.questions()) == 3
        await running.ask(one_part, pnr=ALLA)
        assert len(fresh.questions()) == 3
        await running.ask(one_part, pnr=INGENTING)
        assert len(fresh.questions()) == 4


async def test_the_memory_cache_is_bounded_in_bytes(sim: Simulator, fresh: Simulator) -> None:
    """The huge LEFI person's sjukpenning (about 190 kB on the wire for half a year, near 1 MB as
    objects) is larger than the whole bound: it is not kept, and asking again asks SSBTEK again;
    a small answer is kept."""
    lefi = f"{HEAD} {{ person({ARGS}) {{ forsakringskassan {{ sjukpenning {{ aktivt }} }} }} }}"
    settings = {"SSBTEK_CACHE_TTL_S": "120", "SSBTEK_CACHE_MAX_BYTES": str(512 * 1024)}
    async for running in started(sim, settings):
        cache = running.app.state.cache
        await running.ask(lefi, pnr=OMFATTANDE)
        await running.ask(lefi, pnr=OMFATTANDE)
        assert len(fresh.questions()) == 2
        assert cache.held_bytes == 0
        await running.ask(lefi, pnr=ALLA)
        await running.ask(lefi, pnr=ALLA)
        assert len(fresh.questions()) == 3
        assert 0 < cache.held_bytes <= 512 * 1024


async def test_bytes_past_the_bound_evict_the_least_recently_used() -> None:
    cache = MemoryPartCache(120, max_entries=100, max_bytes=100, size_of=len)
    await cache.set_many({"a": "x" * 40, "b": "y" * 40})
    await cache.get_many(["a"])  # a is now the most recently used
    await cache.set_many({"c": "z" * 40})  # 120 bytes: b goes
    assert set(await cache.get_many(["a", "b", "c"])) == {"a", "c"}
    assert cache.held_bytes == 80
    await cache.set_many({"d": "w" * 101})  # larger than the bound: never held
    assert await cache.get_many(["d"]) == {} and cache.held_bytes == 80


async def test_expiry_returns_the_bytes_held() -> None:
    """aiocache expires an entry by a timer of its own: the bytes are given back all the same."""
    cache = MemoryPartCache(0.05, max_entries=100, max_bytes=1000, size_of=len)
    await cache.set_many({"a": "x" * 40})
    assert cache.held_bytes == 40
    assert await until(lambda: cache.held_bytes == 0)
    assert cache.held_bytes == 0 and await cache.get_many(["a"]) == {}


async def test_freed_memory_is_handed_back_once_enough_is_freed() -> None:
    freed = FreedMemory(threshold=100, pause_s=0)
    freed.add(60)
    await asyncio.sleep(0.01)
    assert freed.trims == 0
    freed.add(60)
    expected = 1 if trim() else 0  # none where the allocator cannot trim
    assert await until(lambda: freed.trims >= expected)
    assert freed.trims == expected and freed.pending == 0


# --- Redis ------------------------------------------------------------------------------------


def in_redis_settings(redis: RedisServer, ttl_s: str = "120") -> dict[str, str]:
    """The settings of an instance caching in `redis` under the tests' cache key."""
    return {
        "SSBTEK_CACHE_TTL_S": ttl_s,
        "SSBTEK_CACHE_URL": redis.url,
        "SSBTEK_CACHE_KEY": CACHE_KEY,
    }


@pytest.fixture
async def in_redis(sim: Simulator, redis: RedisServer) -> AsyncIterator[Running]:
    redis.client().flushdb()
    async for running in started(sim, in_redis_settings(redis)):
        yield running


# Long enough for a repeat to be a hit on a busy machine, short enough for a quick test.
BRIEF_TTL_S = "2"


@pytest.fixture
async def briefly(sim: Simulator, redis: RedisServer) -> AsyncIterator[Running]:
    """An instance caching in Redis for `BRIEF_TTL_S` seconds."""
    redis.client().flushdb()
    async for running in started(sim, in_redis_settings(redis, BRIEF_TTL_S)):
        yield running


async def test_redis_holds_nothing_readable(in_redis: Running, redis: RedisServer) -> None:
    await in_redis.ask(WIDE)
    client = redis.client()
    keys = client.keys("*")
    assert keys
    stored = b"".join(keys + [client.get(key) for key in keys])
    for secret in (ALLA, ALLA[2:], CASEWORKER, "EKB-1", "Tolvan", "Tolvansson", "ABC12D"):
        assert secret.encode() not in stored, secret
    assert all(0 < client.ttl(key) <= 120 for key in keys)


async def test_a_second_instance_shares_the_entries(
    sim: Simulator, fresh: Simulator, in_redis: Running, redis: RedisServer
) -> None:
    await in_redis.ask(NARROW)
    settings = in_redis_settings(redis)
    async for other_instance in started(sim, settings):
        await other_instance.ask(NARROW)
    assert len(fresh.questions()) == 1
    other_key = {**settings, "SSBTEK_CACHE_KEY": base64.b64encode(os.urandom(32)).decode()}
    async for foreign in started(sim, other_key):
        await foreign.ask(NARROW)  # entries sealed under another key do not open
    assert len(fresh.questions()) == 2


async def test_a_redis_outage_costs_only_speed(
    in_redis: Running, redis: RedisServer, fresh: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    await in_redis.ask(NARROW)
    redis.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="resolvers.cache"):
            for _ in range(3):
                await in_redis.ask(NARROW)
        assert len(fresh.questions()) == 4  # answered, uncached
        warnings = [r.getMessage() for r in caplog.records if r.name == "resolvers.cache"]
        # once for reading and once for writing, not once per question
        assert len(warnings) == 2 and all("cannot be reached" in w for w in warnings)
        cache = in_redis.app.state.cache
        assert cache.stats.backend_errors >= 3
    finally:
        redis.start()
    await in_redis.ask(NARROW)
    await in_redis.ask(NARROW)
    assert len(fresh.questions()) == 5


ONE_PART = f"{HEAD} {{ person({ARGS}) {{ transportstyrelsen {{ resultat }} }} }}"


def entry_keys(redis: RedisServer) -> set[bytes]:
    """The facade's entries Redis holds now."""
    return set(redis.client().keys("ssbtek-graphql:*"))


async def test_an_entry_redis_keeps_past_its_time_is_a_miss(
    briefly: Running, redis: RedisServer, fresh: Simulator
) -> None:
    """Whoever can write to Redis takes the TTL off an entry (PERSIST): the time sealed in the
    value still ends it, and SSBTEK is asked again, so the agencies log the read."""
    await briefly.ask(ONE_PART, pnr=ALLA)
    persisted = entry_keys(redis)
    await briefly.ask(ONE_PART, pnr=INGENTING)  # stored after ALLA's: expires after it
    control = entry_keys(redis) - persisted
    assert all(redis.client().persist(key) for key in persisted)
    await redis.wait_gone(control)
    assert all(redis.client().ttl(key) == -1 for key in persisted)  # still held, forever
    await briefly.ask(ONE_PART, pnr=ALLA)
    assert len(fresh.questions()) == 3


async def test_an_entry_set_back_after_it_expired_is_a_miss(
    briefly: Running, redis: RedisServer, fresh: Simulator
) -> None:
    """An entry read from Redis and written back once it expired (a replay, or a rollback to
    older data) is not served."""
    await briefly.ask(ONE_PART)
    client = redis.client()
    saved = {key: client.get(key) for key in entry_keys(redis)}
    await redis.wait_gone(set(saved))
    for key, value in saved.items():
        client.set(key, value)
    await briefly.ask(ONE_PART)
    assert len(fresh.questions()) == 2


async def test_an_entry_copied_under_another_key_is_a_miss(
    in_redis: Running, uncached: Running, redis: RedisServer, fresh: Simulator
) -> None:
    """One person's entry copied over another's (same caseworker and case) is not shown for
    the other: each value opens under its own key only."""
    await in_redis.ask(NARROW, pnr=ALLA)
    theirs = sorted(entry_keys(redis))
    await in_redis.ask(NARROW, pnr=ORDINARY)
    mine = sorted(entry_keys(redis) - set(theirs))
    client = redis.client()
    for target, source in zip(mine, theirs, strict=True):
        client.set(target, client.get(source))
    assert await in_redis.ask(NARROW, pnr=ORDINARY) == await uncached.ask(NARROW, pnr=ORDINARY)
    assert len(fresh.questions()) == 4  # ALLA, ORDINARY, ORDINARY again, and the uncached one


@pytest.fixture
async def widening(sim: Simulator, redis: RedisServer) -> AsyncIterator[Running]:
    """An instance caching in Redis for 6 s: long enough that the first entry is still held when
    it is widened, however busy the machine (three questions, one wait of 0.5 s)."""
    redis.client().flushdb()
    async for running in started(sim, in_redis_settings(redis, "6")):
        yield running


async def test_a_widened_lefi_class_keeps_its_oldest_groups_time_in_the_seal(
    widening: Running, redis: RedisServer, fresh: Simulator
) -> None:
    """A LEFI class that gains groups is stored again for what is left of its oldest groups'
    time, in Redis's TTL and in the sealed value alike: taking the TTL off does not keep the
    oldest groups longer."""
    briefly = widening
    sjukpenning = (
        f"{HEAD} {{ person({ARGS}) {{ forsakringskassan {{ sjukpenning {{ aktivt }} }} }} }}"
    )
    both = sjukpenning.replace(
        "sjukpenning { aktivt }", "sjukpenning { aktivt } barnbidrag { beslut { fattades } }"
    )
    await briefly.ask(sjukpenning, pnr=ALLA)
    [widened] = entry_keys(redis)
    await briefly.ask(sjukpenning, pnr=INGENTING)  # stored after ALLA's first groups
    control = entry_keys(redis) - {widened}
    await asyncio.sleep(0.5)  # so that a widening stored for a whole TTL would outlive `control`
    await briefly.ask(both, pnr=ALLA)
    assert entry_keys(redis) == control | {widened}  # the same class, stored again
    client = redis.client()
    assert client.pttl(widened) < min(client.pttl(key) for key in control)
    client.persist(widened)
    await redis.wait_gone(control)
    await briefly.ask(both, pnr=ALLA)
    asked = [lefi_classes(question) for question in fresh.questions()]
    assert len(asked) == 4
    assert asked[2]["formansinformation"] == ["FK:ABB"]  # the widening asked only what was new
    assert sorted(asked[3]["formansinformation"]) == ["FK:ABB", "FK:SJP"]


async def test_a_shorter_ttl_applies_to_entries_already_held(
    sim: Simulator, in_redis: Running, redis: RedisServer, fresh: Simulator
) -> None:
    """An instance started with a shorter `SSBTEK_CACHE_TTL_S` does not serve entries another
    stored for longer (beyond a small allowance for the instances' clocks)."""
    await in_redis.ask(ONE_PART)  # held for 120 s
    async for shorter in started(sim, in_redis_settings(redis, "1")):
        await shorter.ask(ONE_PART)
    assert len(fresh.questions()) == 2


async def test_entries_of_the_previous_format_are_misses(redis: RedisServer) -> None:
    """Values sealed before the seal held a time (nonce, then AES-GCM with the hashed key as
    associated data) carry no expiry: each is a miss, counted as one, not as a fault."""
    import hashlib
    import hmac
    import pickle

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from resolvers.cache import RedisPartCache

    key = base64.b64decode(CACHE_KEY)
    cache = RedisPartCache(redis.url, 120, key)
    try:
        stored = cache.key("tenant", "caseworker", "person", "part")
        aead = AESGCM(hmac.new(key, b"ssbtek-graphql cache values", hashlib.sha256).digest())
        nonce = os.urandom(12)
        old = nonce + aead.encrypt(nonce, pickle.dumps({"held": True}), stored.encode())
        redis.client().set(f"ssbtek-graphql:{stored}", old)
        assert await cache.get_many([stored]) == {}
        assert (cache.stats.hits, cache.stats.misses, cache.stats.backend_errors) == (0, 1, 0)
    finally:
        await cache.close()


def test_redis_needs_a_key_and_a_redis_url() -> None:
    from graph.settings import SettingsError, load_settings

    url = "https://ssbtek.example/ssbtek"
    with pytest.raises(SettingsError, match="SSBTEK_CACHE_KEY"):
        load_settings(facade_env(url, SSBTEK_CACHE_TTL_S="60", SSBTEK_CACHE_URL="redis://r:6379"))
    with pytest.raises(SettingsError, match="SSBTEK_CACHE_KEY"):
        load_settings(facade_env(url, SSBTEK_CACHE_KEY="c2hvcnQ="))
    with pytest.raises(SettingsError, match="SSBTEK_CACHE_URL"):
        load_settings(facade_env(url, SSBTEK_CACHE_URL="http://r", SSBTEK_CACHE_KEY=CACHE_KEY))
    with pytest.raises(SettingsError, match="SSBTEK_CACHE_TTL_S"):
        load_settings(facade_env(url, SSBTEK_CACHE_TTL_S="-1"))
    urlsafe = base64.urlsafe_b64encode(b"\xfb" * 32).decode().rstrip("=")
    settings = load_settings(facade_env(url, SSBTEK_CACHE_KEY=urlsafe))
    assert settings.cache.key == b"\xfb" * 32


async def test_narrowed_pm_claims_show_only_their_groups(
    cached: Running, uncached: Running, fresh: Simulator
) -> None:
    """PM claims and decisions are shown whole for the groups asked: a narrower question is
    asked again rather than shown the wider one's groups."""
    wide = f"""{HEAD} {{ person({ARGS}) {{ pensionsmyndigheten(formansgrupper: [AP, BTI, EF]) {{
      ansprak {{ formansgrupp {{ kod }} }} }} }} }}"""
    narrow = wide.replace("[AP, BTI, EF]", "[AP]")
    await cached.ask(wide)
    assert await cached.ask(narrow) == await uncached.ask(narrow)


async def test_a_failed_call_keeps_its_correlation_in_the_audit(
    sim: Simulator, backend: dict[str, str], audit_lines: list
) -> None:
    async for running in started(sim, backend):
        async with asgi_client(running.app, **{"X-Handlaggare": CASEWORKER}) as client:
            await client.post(
                "/graphql",
                json={
                    "query": NARROW,
                    "variables": {"pnr": "196006061235", "period": PERIOD, "arende": "EKB-1"},
                },
            )
    [line] = audit_lines
    assert line["outcome"] == "UPSTREAM_FAULT"
    assert len(line["korrelationsid"]) == 32 and line["upstreamMs"] is not None


def test_settings_refuse_what_the_cache_cannot_use() -> None:
    from graph.settings import SettingsError, load_settings

    url = "https://ssbtek.example/ssbtek"
    for bad in ("inf", "7200", "nan"):
        with pytest.raises(SettingsError, match="SSBTEK_CACHE_TTL_S"):
            load_settings(facade_env(url, SSBTEK_CACHE_TTL_S=bad))
    for bad in ("redis://r:99999", "redis://r/abc", "redis://"):
        with pytest.raises(SettingsError, match="SSBTEK_CACHE_URL"):
            load_settings(facade_env(url, SSBTEK_CACHE_URL=bad, SSBTEK_CACHE_KEY=CACHE_KEY))


def test_a_redis_url_with_a_user_and_an_encoded_password() -> None:
    from resolvers.cache import redis_address

    address = redis_address("rediss://ssbtek:p%40ss%3Aword@redis.kommun.se:6380/3")
    assert (address.host, address.port, address.db, address.tls) == (
        "redis.kommun.se",
        6380,
        3,
        True,
    )
    assert (address.username, address.password) == ("ssbtek", "p@ss:word")


def test_the_lefi_class_of_every_fk_property_is_the_planners() -> None:
    from resolvers.lefi_slices import class_of_property
    from schema.lefi_fields import FK_FIELDS

    assert {f.source: class_of_property(f.source) for f in FK_FIELDS} == {
        f.source: f.information_class for f in FK_FIELDS
    }


def test_an_fk_part_with_nothing_in_it_is_shown_as_it_came() -> None:
    from datetime import date

    from resolvers.agencies import Agency
    from resolvers.contract import SsbtVersion
    from resolvers.decode.answer import AgencyPart, Answer
    from resolvers.parts import Held, needed_parts
    from resolvers.plan import FetchPlan, Period, QuestionKey

    plan = FetchPlan()
    plan.ask_lefi("formansinformation", {"FK:SJP"})
    key = QuestionKey("t", ALLA, Period(date(2026, 1, 1), date(2026, 6, 30)), "A")
    held = Held(needed_parts(key, plan, SsbtVersion.V11), {})
    empty = Answer(parts={Agency.FK: AgencyPart(data=None)})
    assert held.assemble(empty, held.store(empty)).parts[Agency.FK] == AgencyPart(data=None)
