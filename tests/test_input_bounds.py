"""Inputs are bounded before any call: digits, periods, tax years, dates, SSBTEK_URL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.settings import SettingsError, load_settings
from tests.support import PERIOD, Facade, Simulator, facade_app, facade_env
from tests.support.queries import QUERY, codes

ALLA = "198503151238"


@pytest.mark.parametrize(
    ("variables", "why"),
    [
        ({"pnr": "١٩٨٥٠٣١٥١٢٣٨"}, "10 or 12 digits"),
        ({"pnr": "１９８５０３１５１２３８"}, "10 or 12 digits"),
        ({"period": {"from": "0001-01-01", "tom": "0001-12-31"}}, "a period lies within"),
        ({"period": {"from": "1926-01-01", "tom": "2026-01-01"}}, "at most 5 years"),
        ({"period": {"from": "2026-01-01", "tom": "2099-01-01"}}, "a period lies within"),
        ({"ar": [2025, 2024, 2023, 2022, 2021, 2020]}, "at most 5 tax years"),
        ({"ar": [2999]}, "ar takes tax years"),
    ],
    ids=[
        "arabic-indic digits",
        "full-width digits",
        "year 1",
        "100 years",
        "far future",
        "six tax years",
        "a future tax year",
    ],
)
def test_inputs_are_bounded_before_any_call(
    api: Facade, fresh: Simulator, variables: dict[str, Any], why: str
) -> None:
    answer = api.query(QUERY, {"pnr": ALLA, "period": PERIOD, **variables})
    assert codes(answer) == {"BAD_USER_INPUT"}
    assert why in json.dumps(answer["errors"])
    assert fresh.questions() == []


@pytest.mark.parametrize("url", ["ftp://ssbtek.example/ssbtek", "not a url", "https://"])
def test_ssbtek_url_must_be_http_with_a_host(url: str) -> None:
    with pytest.raises(SettingsError, match="SSBTEK_URL"):
        load_settings(facade_env(url))


async def test_plain_http_to_ssbtek_is_warned_about(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    app = facade_app(facade_env(sim.url))
    with caplog.at_level("WARNING", logger="graph.app"):
        async with app.router.lifespan_context(app):
            pass
    assert any("SSBTEK_URL is plain http" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("written", ["20260101", "2026W011", "2026-1-01", "2026-02-30"])
def test_a_date_is_written_the_iso_way(api: Facade, fresh: Simulator, written: str) -> None:
    answer = api.query(QUERY, {"pnr": ALLA, "period": {"from": written, "tom": "2026-06-30"}})
    assert codes(answer) == {"BAD_USER_INPUT"}
    assert fresh.questions() == []
