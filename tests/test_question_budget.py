"""What one operation and one caller may ask of SSBTEK: at most SSBTEK_MAX_QUESTIONS_PER_OPERATION
distinct questions per operation (`personer` and `hushall` count their members), refused whole
before any call; and at most SSBTEK_CALLER_QUESTIONS_PER_MINUTE calls per caseworker a minute,
in this process or shared through Redis, refused with RATE_LIMITED and Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from resolvers.budget import CallerBudget, RateLimited
from tests.support import (
    CASEWORKER,
    PERIOD,
    Facade,
    Simulator,
    facade,
    facade_env,
    valid_personnummer,
)
from tests.support.queries import codes
from tests.support.redis_server import redis_server

OMFATTANDE = "195804121233"
ALLA = "198503151238"


def _people(count: int) -> list[str]:
    return [valid_personnummer(date(1980, 1, 1), serial) for serial in range(count)]


def _aliases(numbers: list[str], selection: str = "transportstyrelsen { resultat }") -> str:
    fields = " ".join(
        f'p{i}: person(personnummer: "{n}", period: $period, arende: "A") {{ {selection} }}'
        for i, n in enumerate(numbers)
    )
    return f"query($period: PeriodInput!) {{ {fields} }}"


def test_ten_questions_are_asked_and_eleven_refused_before_any_call(
    api: Facade, fresh: Simulator
) -> None:
    answer = api.query(_aliases(_people(10)), {"period": PERIOD})
    assert "errors" not in answer
    assert len(fresh.questions()) == 10
    fresh.clear()
    answer = api.query(_aliases(_people(11)), {"period": PERIOD})
    assert codes(answer) == {"TOO_MANY_QUESTIONS"}
    error = answer["errors"][0]
    assert error["extensions"]["limit"] == 10 and "at most 10" in error["message"]
    assert fresh.questions() == []


def test_the_attack_of_fifty_periods_for_one_person_asks_nothing(
    api: Facade, fresh: Simulator
) -> None:
    """One person, fifty periods a day apart, payments and one FK field each: fifty questions
    (the same person in another period is another question), refused whole."""
    start = date(2026, 1, 1)
    fields = " ".join(
        f'p{i}: person(personnummer: "{OMFATTANDE}", arende: "A", period: {{from: '
        f'"{start + timedelta(days=i)}", tom: "2026-06-30"}}) {{ utbetalningar {{ rader '
        "{ netto } } forsakringskassan { sjukpenning { aktivt } } }"
        for i in range(50)
    )
    answer = api.query(f"{{ {fields} }}")
    assert codes(answer) == {"TOO_MANY_QUESTIONS"}
    assert all(value is None for value in answer["data"].values())
    assert fresh.questions() == []


@pytest.mark.parametrize(
    "query",
    [
        "query($pnr: [Personnummer!]!, $period: PeriodInput!) { personer(personnummer: $pnr, "
        'period: $period, arende: "A") { transportstyrelsen { resultat } } }',
        "query($pnr: [Personnummer!]!, $period: PeriodInput!) { hushall(sokande: "
        f'"{ALLA}", barn: $pnr, period: $period, arende: "A") '
        "{ medlemmar { person { transportstyrelsen { resultat } } } } }",
    ],
    ids=["personer", "hushall"],
)
def test_personer_and_hushall_count_their_members(
    api: Facade, fresh: Simulator, query: str
) -> None:
    answer = api.query(query, {"pnr": _people(11), "period": PERIOD})
    assert codes(answer) == {"TOO_MANY_QUESTIONS"}
    assert fresh.questions() == []


def test_people_whose_selection_asks_nothing_do_not_count(api: Facade, fresh: Simulator) -> None:
    answer = api.query(_aliases(_people(40), "personnummer"), {"period": PERIOD})
    assert "errors" not in answer
    assert fresh.questions() == []


def test_the_limit_is_a_setting(sim: Simulator) -> None:
    env = facade_env(sim.url, SSBTEK_MAX_QUESTIONS_PER_OPERATION="12")
    with facade(env) as api:
        sim.clear()
        answer = api.query(_aliases(_people(12)), {"period": PERIOD})
        assert "errors" not in answer and len(sim.questions()) == 12


# -- per caller and minute ----------------------------------------------------------------------


def _ask(api: Facade, number: str, caseworker: str = CASEWORKER) -> Any:
    response = api.post(
        {"query": _aliases([number]), "variables": {"period": PERIOD}},
        **{"X-Handlaggare": caseworker},
    )
    return response


@pytest.fixture
def limited(sim: Simulator) -> Iterator[Facade]:
    with facade(facade_env(sim.url, SSBTEK_CALLER_QUESTIONS_PER_MINUTE="3")) as api:
        yield api


def test_a_caseworker_past_the_budget_is_rate_limited_with_retry_after(
    limited: Facade, sim: Simulator
) -> None:
    sim.clear()
    people = _people(5)
    answers = [_ask(limited, number) for number in people[:3]]
    assert all("errors" not in a.json() for a in answers)
    refused = _ask(limited, people[3])
    body = refused.json()
    assert codes(body) == {"RATE_LIMITED"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert body["errors"][0]["extensions"]["retryAfter"] == int(refused.headers["Retry-After"])
    assert len(sim.questions()) == 3  # the fourth was not asked
    # Another caseworker has a budget of their own.
    assert "errors" not in _ask(limited, people[3], "bertil.handlaggare").json()


async def test_the_budget_is_per_minute() -> None:
    now = [120.0]
    budget = CallerBudget(2, clock=lambda: now[0])
    await budget.spend("t", "a")
    await budget.spend("t", "a")
    with pytest.raises(RateLimited) as refused:
        await budget.spend("t", "a")
    assert refused.value.details["retryAfter"] == 60
    now[0] = 181.0  # the next minute
    await budget.spend("t", "a")


def test_instances_sharing_redis_share_the_budget(sim: Simulator) -> None:
    with redis_server() as server:
        env = facade_env(
            sim.url,
            SSBTEK_CALLER_QUESTIONS_PER_MINUTE="2",
            SSBTEK_CACHE_URL=server.url,
            SSBTEK_CACHE_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            SSBTEK_CACHE_TTL_S="0",
        )
        people = _people(3)
        with facade(env) as first, facade(env) as second:
            assert "errors" not in _ask(first, people[0]).json()
            assert "errors" not in _ask(second, people[1]).json()
            assert codes(_ask(first, people[2]).json()) == {"RATE_LIMITED"}
