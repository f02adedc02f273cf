"""Request bodies are bounded in size, and a malformed one is a coded 400."""

from __future__ import annotations

import logging
import random
from typing import Any

import httpx
import pytest
from starlette.types import Message

from graph.request_bodies import _BRACKET, _STRING, _json_depth, _outside_strings
from tests.support import (
    CASEWORKER,
    Simulator,
    asgi_client,
    facade_app,
    facade_env,
    post_scope,
)


@pytest.fixture(scope="module")
def app(sim: Simulator) -> Any:
    return facade_app(facade_env(sim.url))


async def post_raw(
    app: Any, content: Any, content_type: str = "application/json"
) -> httpx.Response:
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        return await client.post(
            "/graphql", content=content, headers={"content-type": content_type}
        )


async def test_a_large_body_is_refused_before_it_is_read(app: Any, fresh: Simulator) -> None:
    huge = b'{"query": "{ tjanstestatus { myndighet } }", "x": "' + b"a" * 20_000_000 + b'"}'
    response = await post_raw(app, huge)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def chunks() -> Any:  # no Content-Length: refused while reading
        yield b'{"query": "{ tjanstestatus { myndighet } }", "x": "'
        for _ in range(100):
            yield b"a" * 100_000
        yield b'"}'

    streamed = await post_raw(app, chunks())
    assert streamed.status_code == 413
    assert fresh.requests() == []


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"query": "{ tjanstestatus { myndighet } }", "x": "\xff\xfe"}', "application/json"),
        (
            '{"query": "{ tjanstestatus { myndighet } }"}'.encode("latin-1"),
            "application/json; charset=latin-1",
        ),
        (b"42", "application/json"),
        (b"null", "application/json"),
        (b"[" * 30_000 + b"]" * 30_000, "application/json"),
        (b'[{"query": "{ tjanstestatus { myndighet } }"}]', "application/json"),
        (b'{"query": 42}', "application/json"),
        (b'{"query": "{ tjanstestatus { myndighet } }", "variables": [1]}', "application/json"),
        (b"{not json", "application/json"),
    ],
    ids=[
        "invalid utf-8",
        "latin-1",
        "a number",
        "null",
        "nested 100k",
        "a batch",
        "query not a string",
        "variables not an object",
        "not json",
    ],
)
async def test_a_malformed_body_is_a_coded_400(
    app: Any, fresh: Simulator, content: bytes, content_type: str
) -> None:
    response = await post_raw(app, content, content_type)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert fresh.requests() == []


async def test_a_client_gone_before_its_body_ends_is_not_answered_nor_audited(
    app: Any,
    fresh: Simulator,
    audit_lines: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The connection ended in the middle of the body (the client left, or missed the body
    deadline, graph/connections.py): nothing was asked, so there is nothing to refuse."""
    coming: list[Message] = [
        {"type": "http.request", "body": b'{"query": "{ tjanstestatus', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return coming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = post_scope(
        [
            (b"host", b"localhost"),
            (b"content-type", b"application/json"),
            (b"x-handlaggare", CASEWORKER.encode()),
        ]
    )
    with caplog.at_level(logging.INFO, logger="ssbtek_graphql.access"):
        await app(scope, receive, send)
    assert sent == []
    assert audit_lines == []
    assert fresh.requests() == []
    access = [r.getMessage() for r in caplog.records if r.name == "ssbtek_graphql.access"]
    assert [line.rsplit(" ", 1)[0] for line in access] == ["POST /graphql -"]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('{"query": "{ a { b } }"}', 1),
        ('{"a": [[{"b": "]]]"}]]}', 4),
        ('{"a": "\\"[[[", "b": [1]}', 2),
        ('{"a": "\\\\", "b": [[1]]}', 3),
        ('["[[[ an unclosed string', 1),
        ("[" * 40 + "]" * 40, 40),
    ],
)
def test_json_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert _json_depth(text) == depth


def test_strings_found_by_their_quotes_leave_the_brackets_the_expression_leaves() -> None:
    # The search by quotes (few quotes and backslashes) against the expression it stands in for,
    # on texts of quotes, backslashes and brackets, and on a long query with one of each.
    quoted = [random.Random(seed).choices('"\\[]{}a', k=seed % 40) for seed in range(20_000)]
    texts = ["".join(chars) for chars in quoted]
    query = '{ a(b: \\"[c\\") }' + "{ a { b } }" * 2_000  # the search by quotes' case
    texts.append('{"query": "' + query + '", "variables": {"v": [[1]]}}')
    for text in texts:
        assert _BRACKET.findall(_outside_strings(text)) == _BRACKET.findall(_STRING.sub("", text))
    assert _json_depth(texts[-1]) == 4
