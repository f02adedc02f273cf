"""Logs: the servers log what happened and the caller's error code, never a personnummer or a
URL that could carry one."""

from __future__ import annotations

import json
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


# What a caller writes, in a document, its variables and its operation name: none of it may be
# logged. The personnummer and the words below are the caller's; the document's lines too.
SECRET_NAME = "Kalle Anka"
SWEEP_DOCUMENTS = {
    # graphql-core's error at a directive given null (its traceback used to quote the document)
    "directive": (
        "query P198503151238($a: Boolean = true, $period: PeriodInput!) {\n"
        f'  p{ALLA}: person(personnummer: "{ALLA}", period: $period, arende: "A") {{\n'
        "    transportstyrelsen { fordon { regnr @include(if: $a) } } } }",
        {"a": None, "period": PERIOD},
        "P198503151238",
    ),
    "unknown operation": ("query A { __typename }", {}, f"P{ALLA}"),
    "syntax": (f'{{ person(personnummer: "{ALLA}" {SECRET_NAME} }}', {}, None),
    "validation": (f'{{ person(personnummer: "{ALLA}") {{ kalleAnka }} }}', {}, None),
    "variable": (
        f"{HEAD} {{ person({ARGS}) {{ personnummer }} }}",
        {"pnr": f"{SECRET_NAME} {ALLA}", "period": {"from": SECRET_NAME, "tom": ALLA}},
        None,
    ),
    # a bug whose message quotes what it was given, in planning and in a resolver (BUGS)
    "planning bug": (
        f"{HEAD} {{ p{ALLA}: person({ARGS}) {{ transportstyrelsen {{ resultat }} }} }}",
        {"pnr": ALLA, "period": PERIOD},
        None,
    ),
    "resolver bug": (
        f"{HEAD} {{ p{ALLA}: person({ARGS}) {{ transportstyrelsen {{ resultat }} }} }}",
        {"pnr": ALLA, "period": PERIOD},
        None,
    ),
}
BUGS = {
    "planning bug": "schema.planned_execution.plan_operation",
    "resolver bug": "schema.person_field.agency_value",
}


def test_nothing_the_caller_wrote_reaches_the_logs(
    api: Facade, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests whose errors quote their document, variables or operation name (graphql-core's
    messages print the document around an error), and bugs whose messages quote a value: the
    logs, tracebacks included, hold none of it, while the caller gets its codes."""

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"a bug quoting {args} {kwargs} {SWEEP_DOCUMENTS}")

    codes: dict[str, set[str]] = {}
    with caplog.at_level(logging.DEBUG):
        for name, (query, variables, operation) in SWEEP_DOCUMENTS.items():
            body = {"query": query, "variables": variables, "operationName": operation}
            with monkeypatch.context() as patched:
                if name in BUGS:
                    patched.setattr(BUGS[name], bug)
                answer = api.post(body).json()
            codes[name] = {error["extensions"]["code"] for error in answer["errors"]}
            assert f"P{ALLA}" not in json.dumps(answer), answer  # not echoed to the caller
        time.sleep(0.1)
    assert codes == {
        "directive": {"BAD_USER_INPUT"},
        "unknown operation": {"BAD_REQUEST"},
        "syntax": {"GRAPHQL_PARSE_FAILED"},
        "validation": {"GRAPHQL_VALIDATION_FAILED"},
        "variable": {"BAD_USER_INPUT"},
        "planning bug": {"INTERNAL_SERVER_ERROR"},
        "resolver bug": {"INTERNAL_SERVER_ERROR"},
    }
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    records = [r for r in caplog.records if r.name != "httpx"]  # (the test's own client)
    logs = "\n".join(formatter.format(record) for record in records)
    assert logs.count("builtins.RuntimeError (message not logged)") == 2  # the bugs, bare
    assert "code=GRAPHQL_PARSE_FAILED" in logs and "path=[alias]/transportstyrelsen" in logs
    written = {ALLA, ALLA[2:], f"{ALLA[:8]}-{ALLA[8:]}", SECRET_NAME, "Kalle", "kalleAnka"}
    for query, _variables, _operation in SWEEP_DOCUMENTS.values():
        written |= {line.strip() for line in query.splitlines() if len(line.strip()) > 8}
    for text in written:
        assert text not in logs, f"{text!r} in the logs:\n{logs}"
