"""The HTTP surface: served hosts, JSON-only bodies, security headers, CORS, and introspection and
GraphiQL off outside demo mode."""

from __future__ import annotations

from typing import Any

import pytest

from graph.app import create_app
from graph.settings import load_settings
from tests.support import CASEWORKER, Simulator, asgi_client, facade_app, facade_env

INTROSPECTION = "{ __schema { queryType { name } } }"
PROBE = "{ tjanstestatus { myndighet } }"
PERSON = (
    '{ person(personnummer: "198503151238", period: {from: "2026-01-01", tom: "2026-01-31"}, '
    'arende: "EKB-1") { transportstyrelsen { resultat } } }'
)


def app_for(sim: Simulator, **overrides: str) -> Any:
    return facade_app(facade_env(sim.url, **overrides))


@pytest.fixture(scope="module")
def app(sim: Simulator) -> Any:
    return app_for(sim)


async def test_introspection_and_graphiql_are_off_outside_demo_mode(app: Any) -> None:
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        answer = (await client.post("/graphql", json={"query": INTROSPECTION})).json()
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "introspection" in answer["errors"][0]["message"].lower()
    assert "graphiql" not in page.text.lower()


async def test_introspection_and_graphiql_can_be_turned_on(sim: Simulator) -> None:
    app = app_for(sim, SSBTEK_INTROSPECTION="true", SSBTEK_GRAPHIQL="true")
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        answer = (await client.post("/graphql", json={"query": INTROSPECTION})).json()
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert answer == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_demo_mode_has_introspection_and_graphiql() -> None:
    app = create_app(load_settings({}))
    async with asgi_client(app) as client:
        answer = (await client.post("/graphql", json={"query": INTROSPECTION})).json()
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert "errors" not in answer
    assert "graphiql" in page.text.lower()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]:8000", "LOCALHOST:8000"])
async def test_the_default_hosts_are_served(app: Any, host: str) -> None:
    async with asgi_client(app, host=host) as client:
        assert (await client.get("/healthz")).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "attacker.test:8000",
        "127.0.0.2",
        "[::2]",
        "localhost:1@evil.com",
        "[::1]evil.com",
        "::1",
        "localhost:http",
    ],
)
async def test_another_host_is_refused(
    app: Any, fresh: Simulator, audit_lines: list, host: str
) -> None:
    """DNS rebinding: a page on another name that resolves to this address gets nothing."""
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        response = await client.post("/graphql", json={"query": PERSON}, headers={"host": host})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "HOST_NOT_ALLOWED"
    assert fresh.questions() == []
    assert [line["reason"] for line in audit_lines] == ["HOST_NOT_ALLOWED"]


async def test_configured_hosts_replace_the_defaults(sim: Simulator) -> None:
    app = app_for(sim, SSBTEK_ALLOWED_HOSTS="ssbtek-graphql.kommun.se, internal")
    async with asgi_client(app, host="ssbtek-graphql.kommun.se") as client:
        assert (await client.get("/healthz")).status_code == 200
    async with asgi_client(app, host="localhost") as client:
        assert (await client.get("/healthz")).status_code == 400


@pytest.mark.parametrize(
    ("served", "allowed", "answered", "refused"),
    [
        ("10.1.2.3", "localhost", ["10.1.2.3", "10.1.2.3:8000", "localhost"], ["10.1.2.4"]),
        ("Facade.Kommun.SE", "internal", ["facade.kommun.se:443", "internal"], ["kommun.se"]),
        # On every address: the process's own loopback names too.
        ("0.0.0.0", "facade.kommun.se", ["localhost:8000", "127.0.0.1", "[::1]"], ["10.1.2.3"]),
        ("10.1.2.3", "facade.kommun.se", ["facade.kommun.se"], ["localhost", "127.0.0.1"]),
    ],
)
async def test_the_served_host_is_allowed_too(
    sim: Simulator, served: str, allowed: str, answered: list[str], refused: list[str]
) -> None:
    app = facade_app(facade_env(sim.url, SSBTEK_ALLOWED_HOSTS=allowed), served_host=served)
    for host, status in [(host, 200) for host in answered] + [(host, 400) for host in refused]:
        async with asgi_client(app, host=host) as client:
            assert (await client.get("/healthz")).status_code == status, host


async def test_every_response_has_the_security_headers(app: Any) -> None:
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        health = await client.get("/healthz")
        answer = await client.post("/graphql", json={"query": PROBE})
        refused = await client.post(
            "/graphql", content="{}", headers={"content-type": "text/plain"}
        )
    for response in (health, answer, refused):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert "server" not in response.headers
    assert answer.headers["cache-control"] == "no-store"
    assert refused.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"query": "{ tjanstestatus { myndighet } }"}'),
        ("application/x-www-form-urlencoded", "query=%7B+tjanstestatus+%7B+myndighet+%7D+%7D"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("", '{"query": "{ tjanstestatus { myndighet } }"}'),
    ],
)
async def test_only_json_bodies_are_read(
    app: Any, fresh: Simulator, audit_lines: list, content_type: str, body: str
) -> None:
    """A cross-site "simple" request (no CORS preflight) cannot run an operation."""
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        response = await client.post(
            "/graphql", content=body, headers={"content-type": content_type}
        )
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert fresh.requests() == []
    assert [line["reason"] for line in audit_lines] == ["UNSUPPORTED_MEDIA_TYPE"]


async def test_json_in_any_letter_case_is_json(app: Any) -> None:
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        response = await client.post(
            "/graphql",
            content='{"query": "{ tjanstestatus { myndighet } }"}',
            headers={"content-type": "Application/JSON; charset=UTF-8"},
        )
    assert response.status_code == 200 and "errors" not in response.json()


@pytest.mark.parametrize(("method", "status"), [("HEAD", 405), ("GET", 404)])
async def test_the_graphiql_address_without_a_caller_is_never_a_500(
    app: Any, method: str, status: int
) -> None:
    """GraphiQL is off outside demo mode: GET finds nothing, HEAD is not a method of it."""
    async with asgi_client(app) as client:
        response = await client.request(method, "/graphql")
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_query_in_a_get_url_is_refused_before_anything_else(
    app: Any, fresh: Simulator
) -> None:
    async with asgi_client(app) as client:
        response = await client.get("/graphql", params={"query": PERSON})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert fresh.questions() == []


async def test_cors_answers_preflights_for_configured_origins_only(sim: Simulator) -> None:
    app = app_for(sim, SSBTEK_CORS_ORIGINS="https://ekb.kommun.se,http://localhost:5173")
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }
    async with asgi_client(app) as client:
        allowed = await client.options(
            "/graphql", headers={"origin": "https://ekb.kommun.se", **preflight}
        )
        other = await client.options(
            "/graphql", headers={"origin": "https://evil.example", **preflight}
        )
        simple = await client.post(
            "/graphql",
            json={"query": PROBE},
            headers={"origin": "http://localhost:5173", "X-Handlaggare": CASEWORKER},
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://ekb.kommun.se"
    assert simple.headers["access-control-expose-headers"].lower() == "www-authenticate"
    allowed_headers = allowed.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert "access-control-allow-credentials" not in allowed.headers
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers
    assert simple.headers["access-control-allow-origin"] == "http://localhost:5173"


async def test_a_frontend_with_tracing_and_client_headers_passes_its_preflight(
    sim: Simulator,
) -> None:
    """OpenTelemetry, Sentry and Apollo Client add their own headers to every request: each is
    allowed, as is what SSBTEK_CORS_HEADERS adds, and the request then runs; X-Handlaggare,
    which only a gateway may set, never is."""
    origin = "https://ekb.kommun.se"
    app = app_for(sim, SSBTEK_CORS_ORIGINS=origin, SSBTEK_CORS_HEADERS="X-Kommun-App")
    sent = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate": "kommun=1",
        "baggage": "app=ekb",
        "sentry-trace": "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
        "apollographql-client-name": "ekb-web",
        "apollographql-client-version": "1.4.0",
        "apollo-require-preflight": "true",
        "x-request-id": "r-1",
        "x-kommun-app": "ekb",
    }

    async def preflight(client: Any, *names: str) -> Any:
        return await client.options(
            "/graphql",
            headers={
                "origin": origin,
                "access-control-request-method": "POST",
                "access-control-request-headers": ", ".join(names),
            },
        )

    async with asgi_client(app) as client:
        allowed = await preflight(client, "content-type", "authorization", *sent)
        gateway = await preflight(client, "content-type", "x-handlaggare")
        unknown = await preflight(client, "content-type", "x-something-else")
        answer = await client.post(
            "/graphql",
            json={"query": PROBE},
            headers={"origin": origin, "X-Handlaggare": CASEWORKER, **sent},
        )
    assert allowed.status_code == 200, allowed.text
    listed = {h.strip() for h in allowed.headers["access-control-allow-headers"].split(",")}
    assert {name.lower() for name in sent} <= {h.lower() for h in listed}
    assert gateway.status_code == 400 and unknown.status_code == 400
    assert answer.status_code == 200 and answer.json()["data"]["tjanstestatus"]
    assert answer.headers["access-control-allow-origin"] == origin


async def test_without_cors_origins_no_cross_origin_headers(app: Any) -> None:
    async with asgi_client(app) as client:
        response = await client.options(
            "/graphql",
            headers={"origin": "https://ekb.kommun.se", "access-control-request-method": "POST"},
        )
    assert "access-control-allow-origin" not in response.headers


async def test_without_introspection_no_field_names_are_suggested(app: Any) -> None:
    async with asgi_client(app, **{"X-Handlaggare": CASEWORKER}) as client:
        answer = (await client.post("/graphql", json={"query": "{ tjanstestatu }"})).json()
    [error] = answer["errors"]
    assert "tjanstestatus" not in error["message"] and "Did you mean" not in error["message"]
    assert "Cannot query field 'tjanstestatu'" in error["message"]
