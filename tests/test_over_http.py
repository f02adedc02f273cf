"""GraphQL over HTTP: the media type an answer is sent as, request errors as HTTP 400 under
`application/graphql-response+json`, and errors coded by the step that found them."""

from __future__ import annotations

from typing import Any

import pytest

from graph.over_http import GRAPHQL_RESPONSE, JSON, answer_media_type
from tests.support import PERIOD, Facade, Simulator
from tests.support.queries import QUERY, codes

ALLA = "198503151238"
BOTH = f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"
TWO_OPERATIONS = "query Typ { __typename } query Probe { tjanstestatus { myndighet } }"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        ("*/*", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (BOTH, GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE};q=0", JSON),
        (f"{GRAPHQL_RESPONSE};charset=utf-8", GRAPHQL_RESPONSE),
        ("application/*;q=0.8, application/graphql-response+json;q=0.9", GRAPHQL_RESPONSE),
        ("text/html", JSON),
    ],
)
def test_the_media_type_is_negotiated(accept: str | None, media_type: str) -> None:
    assert answer_media_type(accept) == media_type


REQUEST_ERRORS = {
    "a syntax error": ({"query": "{ person("}, "GRAPHQL_PARSE_FAILED"),
    "an unknown field": ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    "an unused variable": (
        {"query": "query($x: Int) { tjanstestatus { myndighet } }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "a bad Date literal": (
        {
            "query": '{ person(personnummer: "198503151238", period: {from: "2026-13-01", '
            'tom: "2026-12-31"}, arende: "A") { personnummer } }'
        },
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "a bad Personnummer literal": (
        {
            "query": '{ person(personnummer: "198503151239", period: {from: "2026-01-01", '
            'tom: "2026-12-31"}, arende: "A") { personnummer } }'
        },
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "a variable that cannot be coerced": (
        {"query": QUERY, "variables": {"pnr": ALLA, "period": {"from": "2026-02-30"}}},
        "BAD_USER_INPUT",
    ),
    "several operations and no operationName": (
        {"query": TWO_OPERATIONS},
        "OPERATION_RESOLUTION_FAILURE",
    ),
}


@pytest.mark.parametrize("case", sorted(REQUEST_ERRORS))
def test_a_request_error_is_400_without_data_under_graphql_response_json(
    api: Facade, case: str
) -> None:
    body, code = REQUEST_ERRORS[case]
    response = api.post(body, accept=BOTH)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    answer = response.json()
    assert "data" not in answer
    assert codes(answer) == {code}
    if "literal" in case or "field" in case or "syntax" in case:
        assert all(error["locations"] for error in answer["errors"])


@pytest.mark.parametrize("case", sorted(REQUEST_ERRORS))
def test_under_application_json_a_request_error_stays_200_with_data_null(
    api: Facade, case: str
) -> None:
    body, code = REQUEST_ERRORS[case]
    response = api.post(body, accept=JSON)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON)
    assert response.json()["data"] is None
    assert codes(response.json()) == {code}


def test_an_answer_is_200_under_either_media_type(api: Facade) -> None:
    body: dict[str, Any] = {"query": QUERY, "variables": {"pnr": ALLA, "period": PERIOD}}
    for accept, media_type in ((BOTH, GRAPHQL_RESPONSE), (JSON, JSON)):
        response = api.post(body, accept=accept)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        assert response.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}


def test_a_field_error_is_200_with_data_under_graphql_response_json(api: Facade) -> None:
    """An error at a field's path is an executed request: its data is there, even if null."""
    body = {
        "query": '{ person(personnummer: "198503151238", period: {from: "2020-01-01", '
        'tom: "2026-12-31"}, arende: "A") { forsakringskassan { fel { felkod } } } }'
    }
    response = api.post(body, accept=BOTH)
    assert response.status_code == 200
    answer = response.json()
    assert answer["data"] == {"person": None}
    assert answer["errors"][0]["path"] == ["person"]


def test_a_document_of_several_operations_runs_the_one_named_and_none_unnamed(
    api: Facade, fresh: Simulator, audit_lines: list[dict[str, Any]]
) -> None:
    """The spec's GetOperation: several operations need `operationName`; without it nothing
    runs (strawberry ran the first), and the refusal is audited as the others are."""
    unnamed = api.post({"query": TWO_OPERATIONS}, accept=BOTH)
    assert unnamed.status_code == 400
    [error] = unnamed.json()["errors"]
    assert error["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
    assert "operationName" in error["message"]
    assert fresh.requests() == []
    assert any(line.get("reason") == "OPERATION_RESOLUTION_FAILURE" for line in audit_lines)
    second = api.post({"query": TWO_OPERATIONS, "operationName": "Probe"}, accept=BOTH)
    assert second.status_code == 200
    assert [row["myndighet"] for row in second.json()["data"]["tjanstestatus"]]
    first = api.post({"query": TWO_OPERATIONS, "operationName": "Typ"}, accept=BOTH)
    assert first.json() == {"data": {"__typename": "Query"}}
