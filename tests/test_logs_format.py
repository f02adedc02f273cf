"""SSBTEK_LOG_FORMAT=json: every line a process writes is one JSON object with time, level and
logger; the access log and the audit lines in the same form; no personnummer in any of them."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

import httpx

from graph.logs import JsonFormatter
from tests.support import command, facade, free_port

ALLA = "198503151238"


def _record(message: str, name: str = "ssbtek_graphql.access") -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, None, None)


def test_a_record_is_one_json_object() -> None:
    line = json.loads(JsonFormatter().format(_record("POST /graphql 200 12.5 ms")))
    assert line["level"] == "INFO"
    assert line["logger"] == "ssbtek_graphql.access"
    assert line["message"] == "POST /graphql 200 12.5 ms"
    assert line["time"].endswith("Z")


def test_an_audit_line_keeps_its_fields_beside_level_and_logger() -> None:
    fields = {"time": "2026-11-27T10:00:00.000Z", "event": "question", "level": "x"}
    record = _record(json.dumps(fields), "ssbtek_graphql.audit")
    record.fields = fields  # as resolvers/audit.py hands them on
    line = json.loads(JsonFormatter().format(record))
    assert line == {
        "time": "2026-11-27T10:00:00.000Z",
        "level": "INFO",
        "logger": "ssbtek_graphql.audit",
        "event": "question",
    }


def test_an_exception_is_inside_the_object() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("failed")
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["exception"]


def test_serve_writes_only_json_lines_with_the_json_format() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"SSBTEK_LOG_FORMAT": "json"}
    with command(["serve", "--port", str(port)], f"{base}/readyz", env, capture=True) as process:
        answer = httpx.post(
            f"{base}/graphql",
            json={
                "query": f'{{ person(personnummer: "{ALLA}", period: {{from: "2026-01-01", '
                'tom: "2026-02-28"}, arende: "demo") { transportstyrelsen { resultat } } }'
            },
            timeout=30,
        ).json()
        assert answer["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}
    lines = [line for line in process.output.splitlines() if line.strip()]
    objects = [json.loads(line) for line in lines]  # every line is JSON
    assert all({"time", "level", "logger"} <= set(o) for o in objects)
    loggers = {o["logger"] for o in objects}
    assert {"ssbtek_graphql.access", "ssbtek_graphql.audit", "graph.app"} <= loggers
    assert any(o.get("event") == "question" for o in objects)
    assert ALLA not in process.output


def test_the_access_log_redacts_a_number_in_the_path(caplog: Any) -> None:
    with facade({"SSBTEK_AUDIT_FILE": "/dev/null"}) as demo, caplog.at_level(logging.INFO):
        demo.request("GET", f"/graphiql/{ALLA}")
    lines = [r.getMessage() for r in caplog.records if r.name == "ssbtek_graphql.access"]
    assert lines and all(ALLA not in line for line in lines)


def test_a_process_on_every_address_answers_its_own_health_check() -> None:
    """A container's HEALTHCHECK asks 127.0.0.1 even where SSBTEK_ALLOWED_HOSTS names others."""
    port = free_port()
    env = {"SSBTEK_ALLOWED_HOSTS": "ssbtek.example.se"}
    with command(
        ["serve", "--host", "0.0.0.0", "--port", str(port)],
        f"http://127.0.0.1:{port}/healthz",
        env,
    ):
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        refused = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"host": "evil.example"})
        assert refused.status_code == 400


# A process logging as `ssbtek-graphql serve` does: uvicorn's loggers and any other logger's
# records with an exception whose message quotes a document (as graphql-core's errors do).
_LOGGING_PROCESS = """
import logging, logging.config, sys
from graphql import GraphQLError, Source
from graph.logs import configure_logging

logging.config.dictConfig(configure_logging(sys.argv[1]))
document = Source('{ person(personnummer: "198503151238") { namn } }')
for name in ("uvicorn.error", "asyncio", "strawberry.execution"):
    try:
        raise GraphQLError("Cannot query field 'namn'.", source=document, positions=[40])
    except GraphQLError:
        logging.getLogger(name).exception("Exception in ASGI application")
"""


def test_every_logged_exception_is_printed_without_its_message() -> None:
    for log_format in ("text", "json"):
        printed = subprocess.run(
            [sys.executable, "-c", _LOGGING_PROCESS, log_format],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stderr
        assert printed.count("graphql.error.graphql_error.GraphQLError (message not logged)") == 3
        assert ALLA not in printed and "namn" not in printed, printed
