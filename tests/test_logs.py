"""Logs: the servers log what happened and the caller's error code, never a personnummer or a
URL that could carry one."""

from __future__ import annotations

import logging
import time

import pytest

from tests.support import PERIOD, Facade, eventually

ALLA = "198503151238"
HEAD = "query($pnr: Personnummer!, $period: PeriodInput!)"
ARGS = 'personnummer: $pnr, period: $period, arende: "A-1"'


def test_queries_by_get_are_refused_and_urls_never_logged(
    api: Facade, caplog: pytest.LogCaptureFixture
) -> None:
    query = (
        f'{{ person(personnummer: "{ALLA}", period: {{from: "2026-01-01", tom: "2026-01-31"}}, '
        'arende: "A") { personnummer } }'
    )

    def access() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "ssbtek_graphql.access"]

    with caplog.at_level(logging.INFO):
        response = api.request("GET", "/graphql", params={"query": query})
        # The access line is written once the answer has gone: wait for it, as long as it takes.
        assert eventually(lambda: any(line.startswith("GET /graphql ") for line in access()))
    assert response.status_code == 400 and '"data"' not in response.text
    # (the test's own httpx client logs the URL it was given; the servers must not)
    assert not any(ALLA in r.getMessage() for r in caplog.records if r.name != "httpx")


def test_error_logs_carry_the_callers_code(api: Facade, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        api.query(f"{HEAD} {{ person({ARGS}) {{ personnummer }} }}",
                  {"pnr": "198503151239", "period": PERIOD})  # fmt: skip
        api.query("{ nothing }")
        time.sleep(0.1)
    lines = [r.getMessage() for r in caplog.records if r.name == "ssbtek_graphql.errors"]
    assert any("code=BAD_USER_INPUT" in line for line in lines)
    assert any("code=GRAPHQL_VALIDATION_FAILED" in line for line in lines)
    assert not any("198503151239" in line for line in lines)


def test_no_personnummer_reaches_the_logs_on_error_paths(
    api: Facade, caplog: pytest.LogCaptureFixture
) -> None:
    fault, broken = "196006061235", "197909091238"
    with caplog.at_level(logging.DEBUG):
        api.query(
            "query($period: PeriodInput!) { "
            f'p{fault}: person(personnummer: "{fault}", period: $period, arende: "A") '
            "{ csn { fel { felkod } } } "
            f'p{broken}: person(personnummer: "{broken}", period: $period, arende: "A") '
            "{ csn { fel { felkod } } skatteverket { fel { felkod } } } }",
            {"period": PERIOD},
        )
        api.query(
            f"{HEAD} {{ person({ARGS}) {{ personnummer }} }}",
            {"pnr": ALLA, "period": {"from": "19850315 1238", "tom": "2026-01-01"}},
        )
        time.sleep(0.1)
    for record in caplog.records:
        if record.name == "httpx":
            continue  # the test's own client
        text = record.getMessage() + str(record.exc_info or "")
        for number in (fault, broken, ALLA, "19850315 1238"):
            assert number not in text, (record.name, text)
