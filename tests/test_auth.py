"""Authentication: without a valid token nothing is read and SSBTEK is not called; with one, the
question carries the caseworker from the token."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph.app import create_app
from graph.auth import AuthMode, AuthSettings, FacadeAuthentication, Refused
from graph.settings import SettingsError, load_settings
from tests.support import Simulator, asgi_client, facade_app, facade_env
from tests.support.tokens import AUDIENCE, ISSUER, jwt_env, pem_public, token

ALLA = "198503151238"
PERSON_QUERY = (
    '{ person(personnummer: "198503151238", period: {from: "2026-01-01", tom: "2026-01-31"}, '
    'arende: "EKB-1") { transportstyrelsen { resultat } } }'
)
PROBE_QUERY = "{ tjanstestatus { myndighet anropad } }"


@pytest.fixture(scope="module")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def other_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory, signing_key: Any) -> Path:
    path = tmp_path_factory.mktemp("jwt") / "public.pem"
    path.write_bytes(pem_public(signing_key))
    return path


@pytest.fixture(scope="module")
def jwt_app(sim: Simulator, key_file: Path) -> Any:
    return facade_app(jwt_env(sim.url, key_file))


async def post(app: Any, query: str, **headers: str) -> httpx.Response:
    async with asgi_client(app, **headers) as client:
        return await client.post("/graphql", json={"query": query})


def bearer(value: str) -> dict[str, str]:
    return {"authorization": f"Bearer {value}"}


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


def _expired(key: Any) -> str:
    return token(key, exp=int(time.time()) - 120)


def _not_yet(key: Any) -> str:
    return token(key, nbf=int(time.time()) + 120)


BAD_TOKENS = {
    "malformed": lambda key, other: "not-a-jwt",
    "expired beyond the skew": lambda key, other: _expired(key),
    "not valid before, beyond the skew": lambda key, other: _not_yet(key),
    "wrong audience": lambda key, other: token(key, aud="another-api"),
    "wrong issuer": lambda key, other: token(key, iss="https://evil.test"),
    "no expiry": lambda key, other: token(key, exp=None),
    "signed by another key": lambda key, other: token(other),
    "alg none": lambda key, other: jwt.encode(
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": int(time.time()) + 60},
        None,
        algorithm="none",
    ),
    "no caseworker claim": lambda key, other: token(key, sub=None),
    "caseworker shaped like a personnummer": lambda key, other: token(key, sub="19850315-1238"),
    "caseworker with spaces": lambda key, other: token(key, sub="anna svensson"),
    "caseworker with a trailing newline": lambda key, other: token(key, sub="anna.svensson\n"),
    "caseworker holding a personnummer": lambda key, other: token(
        key, sub="19850315.1238@kommun.se"
    ),
    "caseworker of full-width digits": lambda key, other: token(
        key, sub="１９８５０３１５１２３８"
    ),
    "caseworker of Arabic-Indic digits": lambda key, other: token(key, sub="١٩٨٥٠٣١٥١٢٣٨"),
    "caseworker with a non-ASCII digit": lambda key, other: token(key, sub="anna٣"),
    "caseworker with a letter that only looks Latin": lambda key, other: token(
        key,
        sub="аnna.svensson",  # the first letter is Cyrillic
    ),
    "caseworker with a personnummer after a name": lambda key, other: token(
        key, sub="anna-198503151238"
    ),
    "caseworker with a personnummer glued to a letter": lambda key, other: token(
        key, sub="u198503151238"
    ),
    "caseworker GUID ending in a personnummer": lambda key, other: token(
        key, sub="0a1b2c3d-0000-4000-8000-198503151238"
    ),
    "caseworker GUID starting with a personnummer": lambda key, other: token(
        key, sub="19850315-1238-4000-8000-0a1b2c3d4e5f"
    ),
    "caseworker GUID with a personnummer in whole groups": lambda key, other: token(
        key, sub="a1b2c3d4-1985-0315-1238-123456789012"
    ),
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
async def test_a_bad_token_is_401_and_no_call(
    jwt_app: Any,
    fresh: Simulator,
    signing_key: Any,
    other_key: Any,
    audit_lines: list,
    kind: str,
) -> None:
    response = await post(jwt_app, PERSON_QUERY, **bearer(BAD_TOKENS[kind](signing_key, other_key)))
    assert_unauthenticated(response)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert fresh.questions() == []
    assert [(line["event"], line["reason"]) for line in audit_lines] == [
        ("refused", "UNAUTHENTICATED")
    ]
    assert audit_lines[0]["detail"] == response.json()["errors"][0]["message"]


async def test_no_token_or_another_scheme_is_401(jwt_app: Any, fresh: Simulator) -> None:
    assert_unauthenticated(await post(jwt_app, PERSON_QUERY))
    assert_unauthenticated(await post(jwt_app, PROBE_QUERY))
    assert_unauthenticated(await post(jwt_app, PERSON_QUERY, authorization="Basic YTpi"))
    assert fresh.requests() == []


async def test_hs256_signed_with_the_public_key_is_refused(
    jwt_app: Any, fresh: Simulator, key_file: Path
) -> None:
    """The classic algorithm confusion: the public key used as an HMAC secret."""
    import hashlib
    import hmac

    header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": now + 60, "roles": ["ssbtek.read"]}
    payload = jwt.utils.base64url_encode(json.dumps(claims).encode())
    signing_input = header + b"." + payload
    signature = hmac.new(key_file.read_bytes(), signing_input, hashlib.sha256).digest()
    forged = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
    assert_unauthenticated(await post(jwt_app, PERSON_QUERY, **bearer(forged)))
    assert fresh.questions() == []


async def test_a_valid_token_asks_ssbtek_as_its_caseworker(
    jwt_app: Any, fresh: Simulator, signing_key: Any
) -> None:
    response = await post(jwt_app, PERSON_QUERY, **bearer(token(signing_key)))
    assert response.status_code == 200
    assert response.json() == {"data": {"person": {"transportstyrelsen": {"resultat": "OK"}}}}
    [question] = fresh.questions()
    assert question["handlaggare"] == "anna.svensson"
    assert question["arendeidentitet"] == "EKB-1"


# GUIDs (Keycloak's `sub`, Entra's `oid`) are read group by group: digits of neighbouring groups
# that join into a valid personnummer only with part of a group (`c500-4010-806f`: 5004010806)
# are chance, and the GUID is a caseworker; so are whole groups that are no valid personnummer.
OBJECT_IDS = [
    "a1b2c3d4-1985-0315-1239-123456789012",
    "0abcdef1-c500-4010-806f-0abcdef12345",
    "12345678-1234-4234-8234-123456789012",
    "f:0abcdef1-c500-4010-806f-0abcdef12345:anna",
    "kw+1@x.se",
]


@pytest.mark.parametrize("caseworker", OBJECT_IDS)
async def test_object_ids_with_long_digit_runs_are_caseworkers(
    jwt_app: Any, fresh: Simulator, signing_key: Any, caseworker: str
) -> None:
    """A GUID is refused only when whole groups of it are a personnummer, not for digits that
    join across its groups by chance."""
    response = await post(jwt_app, PERSON_QUERY, **bearer(token(signing_key, sub=caseworker)))
    assert response.status_code == 200
    assert fresh.questions()[0]["handlaggare"] == caseworker


async def test_clock_skew_within_the_leeway_is_accepted(
    jwt_app: Any, fresh: Simulator, signing_key: Any
) -> None:
    now = int(time.time())
    late = token(signing_key, exp=now - 10, nbf=now + 10)
    response = await post(jwt_app, PERSON_QUERY, **bearer(late))
    assert response.status_code == 200 and "errors" not in response.json()


async def test_without_the_role_people_are_forbidden_but_the_probe_answers(
    jwt_app: Any, fresh: Simulator, signing_key: Any, audit_lines: list
) -> None:
    no_role = bearer(token(signing_key, roles=["something.else"], scope="openid profile"))
    response = await post(jwt_app, PERSON_QUERY, **no_role)
    body = response.json()
    assert body["data"] == {"person": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert fresh.questions() == []
    assert audit_lines[-1] == {
        **audit_lines[-1],
        "event": "refused",
        "reason": "FORBIDDEN",
        "caseworker": "anna.svensson",
    }
    probe = (await post(jwt_app, PROBE_QUERY, **no_role)).json()
    assert "errors" not in probe and probe["data"]["tjanstestatus"]


async def test_the_role_may_come_as_a_scope(
    jwt_app: Any, fresh: Simulator, signing_key: Any
) -> None:
    scoped = bearer(token(signing_key, roles=None, scope="openid ssbtek.read"))
    body = (await post(jwt_app, PERSON_QUERY, **scoped)).json()
    assert "errors" not in body
    assert len(fresh.questions()) == 1


async def test_caseworker_and_tenant_claims_are_configurable(
    sim: Simulator, fresh: Simulator, key_file: Path, signing_key: Any, audit_lines: list
) -> None:
    app = facade_app(
        jwt_env(
            sim.url,
            key_file,
            SSBTEK_JWT_CASEWORKER_CLAIM="preferred_username",
            SSBTEK_JWT_TENANT_CLAIM="kommun",
            SSBTEK_JWT_ROLE="ekb-handlaggare",
        )
    )
    good = token(
        signing_key,
        preferred_username="asv01@kommun.se",
        kommun="exempel",
        roles=["ekb-handlaggare"],
    )
    body = (await post(app, PERSON_QUERY, **bearer(good))).json()
    assert "errors" not in body
    [question] = fresh.questions()
    assert question["handlaggare"] == "asv01@kommun.se"
    line = audit_lines[-1]
    assert (line["tenant"], line["caseworker"]) == ("exempel", "asv01@kommun.se")
    without_tenant = token(signing_key, preferred_username="asv01", roles=["ekb-handlaggare"])
    assert_unauthenticated(await post(app, PERSON_QUERY, **bearer(without_tenant)))


# --- JWKS ---------------------------------------------------------------------------------


class FakeIdp:
    """A JWKS endpoint whose key set the test changes, counting how often it is fetched."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0

    def add(self, key: Any, kid: str, **extra: Any) -> None:
        algorithm = (
            jwt.algorithms.ECAlgorithm if isinstance(key, ec.EllipticCurvePrivateKey) else None
        )
        if algorithm is None:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        else:
            jwk = json.loads(algorithm.to_jwk(key.public_key()))
        self.keys.append({**jwk, "kid": kid, "use": "sig", **extra})

    def app(self) -> Starlette:
        async def jwks(_request: Request) -> JSONResponse:
            self.fetches += 1
            return JSONResponse({"keys": self.keys})

        return Starlette(routes=[Route("/jwks", jwks)])


@pytest.fixture
async def idp_and_backend() -> AsyncIterator[tuple[FakeIdp, FacadeAuthentication]]:
    idp = FakeIdp()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=idp.app()))
    settings = AuthSettings(
        mode=AuthMode.JWT,
        tenant="t",
        jwks_url="http://idp.test/jwks",
        issuer=ISSUER,
        audience=AUDIENCE,
    )
    yield idp, FacadeAuthentication(settings, http=http)
    await http.aclose()


async def test_jwks_keys_are_cached_and_an_unknown_kid_refreshes_once(
    idp_and_backend: tuple[FakeIdp, FacadeAuthentication],
) -> None:
    idp, backend = idp_and_backend
    first = ec.generate_private_key(ec.SECP256R1())
    idp.add(first, "k1")
    for _ in range(3):
        claims = await backend.claims(f"Bearer {token(first, headers={'kid': 'k1'})}")
        assert claims["sub"] == "anna.svensson"
    assert idp.fetches == 1

    # Rotation: the IdP publishes a new key; the first token with its kid refreshes the set.
    second = ec.generate_private_key(ec.SECP256R1())
    idp.add(second, "k2")
    backend.jwks.min_refresh_s = 0  # the rate limit is tested below
    await backend.claims(f"Bearer {token(second, headers={'kid': 'k2'})}")
    assert idp.fetches == 2

    # A flood of unknown kids costs at most one fetch per rate-limit interval.
    backend.jwks.min_refresh_s = 30
    for number in range(5):
        with pytest.raises(Refused, match="unknown key"):
            await backend.claims(f"Bearer {token(second, headers={'kid': f'nope{number}'})}")
    assert idp.fetches == 2


async def test_jwks_pins_the_algorithm_to_the_key(
    idp_and_backend: tuple[FakeIdp, FacadeAuthentication],
) -> None:
    idp, backend = idp_and_backend
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.add(rsa_key, "r1", alg="RS256")
    idp.keys.append({"kty": "oct", "kid": "h1", "k": "c2VjcmV0", "alg": "HS256"})
    ok = await backend.claims(f"Bearer {token(rsa_key, 'RS256', headers={'kid': 'r1'})}")
    assert ok["iss"] == ISSUER
    with pytest.raises(Refused, match="algorithm"):
        await backend.claims(f"Bearer {token(rsa_key, 'PS256', headers={'kid': 'r1'})}")
    hs = jwt.encode(
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": int(time.time()) + 60},
        "a-shared-secret-of-at-least-32-bytes",
        algorithm="HS256",
        headers={"kid": "h1"},
    )
    with pytest.raises(Refused, match="unknown key"):
        await backend.claims(f"Bearer {hs}")


# --- gateway mode and settings ----------------------------------------------------------


async def test_gateway_mode_takes_the_caseworker_from_the_header(
    sim: Simulator, fresh: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    app = facade_app(facade_env(sim.url, SSBTEK_AUTH="none"))
    assert_unauthenticated(await post(app, PERSON_QUERY))
    assert_unauthenticated(await post(app, PERSON_QUERY, **{"X-Handlaggare": "a b"}))
    assert fresh.questions() == []
    body = (await post(app, PERSON_QUERY, **{"X-Handlaggare": "gw.user"})).json()
    assert "errors" not in body
    assert fresh.questions()[0]["handlaggare"] == "gw.user"
    with caplog.at_level(logging.WARNING, logger="graph.app"):
        async with app.router.lifespan_context(app):
            pass
    assert any("SSBTEK_AUTH=none" in r.getMessage() for r in caplog.records)


# What a caller with the facade's port, or a careless gateway, may send as the caseworker: a
# personnummer with separators, in 10 digits, after a name, glued to a letter, or as UTF-8 bytes
# of full-width digits.
HEADERS_HOLDING_A_PERSONNUMMER = {
    "19850315_1238": "19850315_1238",
    "850315:1238": "850315:1238",
    "anna-198503151238": "anna-198503151238",
    "u198503151238": "u198503151238",
    "19850315@1238": "19850315@1238",
    "full-width digits": "１９８５０３１５１２３８".encode(),
}


@pytest.mark.parametrize("caseworker", list(HEADERS_HOLDING_A_PERSONNUMMER))
async def test_gateway_mode_refuses_a_caseworker_holding_a_personnummer(
    sim: Simulator, fresh: Simulator, audit_lines: list, caseworker: str
) -> None:
    app = facade_app(facade_env(sim.url, SSBTEK_AUTH="none"))
    header = HEADERS_HOLDING_A_PERSONNUMMER[caseworker]
    async with asgi_client(app) as client:
        response = await client.post(
            "/graphql", json={"query": PERSON_QUERY}, headers=[(b"x-handlaggare", header)]
        )
    assert_unauthenticated(response)
    assert fresh.questions() == []
    assert [(line["event"], line["caseworker"]) for line in audit_lines] == [("refused", None)]


@pytest.mark.parametrize("caseworker", OBJECT_IDS)
async def test_gateway_mode_takes_object_ids_as_caseworkers(
    sim: Simulator, fresh: Simulator, caseworker: str
) -> None:
    app = facade_app(facade_env(sim.url, SSBTEK_AUTH="none"))
    body = (await post(app, PERSON_QUERY, **{"X-Handlaggare": caseworker})).json()
    assert "errors" not in body
    assert fresh.questions()[0]["handlaggare"] == caseworker


def test_demo_mode_keeps_the_demo_caller() -> None:
    assert load_settings({}).auth.mode is AuthMode.DEMO


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SSBTEK_AUTH": ""}, "SSBTEK_AUTH"),
        ({"SSBTEK_AUTH": "basic"}, "SSBTEK_AUTH"),
        ({"SSBTEK_AUTH": "jwt"}, "SSBTEK_JWT_PUBLIC_KEY_FILE"),
        ({"SSBTEK_AUDIT_SECRET": ""}, "SSBTEK_AUDIT_SECRET"),
        ({"SSBTEK_AUDIT_SECRET": "short"}, "SSBTEK_AUDIT_SECRET"),
        ({"SSBTEK_AUTH": "jwt", "SSBTEK_JWT_JWKS_URL": "ftp://idp"}, "SSBTEK_JWT_JWKS_URL"),
        (
            {"SSBTEK_AUTH": "jwt", "SSBTEK_JWT_JWKS_URL": "https://idp.test/jwks"},
            "SSBTEK_JWT_ISSUER",
        ),
        ({"SSBTEK_CORS_ORIGINS": "*"}, "SSBTEK_CORS_ORIGINS"),
        ({"SSBTEK_CORS_HEADERS": "*"}, "SSBTEK_CORS_HEADERS"),
        ({"SSBTEK_CORS_HEADERS": "x-app, bad header"}, "SSBTEK_CORS_HEADERS"),
        ({"SSBTEK_CORS_HEADERS": "x-app,X-Handlaggare"}, "SSBTEK_CORS_HEADERS"),
        ({"SSBTEK_INTROSPECTION": "maybe"}, "SSBTEK_INTROSPECTION"),
    ],
)
def test_settings_name_what_is_missing(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(facade_env("https://ssbtek.example/ssbtek", **overrides))


def test_a_key_file_that_cannot_verify_stops_start_up(tmp_path: Path, sim: Simulator) -> None:
    """The key file is tried while the settings are read, with the others, and again when the
    application is built from settings made another way."""
    secret = tmp_path / "secret.pem"
    secret.write_text("just a shared secret")
    env = facade_env(
        sim.url,
        SSBTEK_AUTH="jwt",
        SSBTEK_JWT_PUBLIC_KEY_FILE=str(secret),
        SSBTEK_JWT_ISSUER=ISSUER,
        SSBTEK_JWT_AUDIENCE=AUDIENCE,
    )
    with pytest.raises(SettingsError, match="SSBTEK_JWT_PUBLIC_KEY_FILE cannot verify tokens"):
        load_settings(env)
    usable = tmp_path / "public.pem"
    usable.write_bytes(pem_public(ec.generate_private_key(ec.SECP256R1())))
    good = load_settings({**env, "SSBTEK_JWT_PUBLIC_KEY_FILE": str(usable)})
    swapped = dataclasses.replace(
        good, auth=dataclasses.replace(good.auth, public_key_file=str(secret))
    )
    with pytest.raises(SettingsError, match="SSBTEK_JWT_PUBLIC_KEY_FILE cannot verify tokens"):
        create_app(swapped)


async def test_an_unreachable_jwks_shows_in_the_log_at_start_up(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support import free_port

    env = facade_env(
        sim.url,
        SSBTEK_AUTH="jwt",
        SSBTEK_JWT_JWKS_URL=f"http://127.0.0.1:{free_port()}/jwks",
        SSBTEK_JWT_ISSUER=ISSUER,
        SSBTEK_JWT_AUDIENCE=AUDIENCE,
    )
    app = facade_app(env)
    with caplog.at_level(logging.WARNING):
        async with app.router.lifespan_context(app):
            pass
    messages = [r.getMessage() for r in caplog.records]
    assert any("JWKS could not be refreshed: ConnectError" in m for m in messages)
    assert any("plain http" in m for m in messages)
    assert any("no usable signing key" in m for m in messages)


async def test_an_identity_header_given_twice_is_refused(
    jwt_app: Any, sim: Simulator, fresh: Simulator, signing_key: Any
) -> None:
    """A gateway that appends its header after the client's must not let the client choose."""
    good = f"Bearer {token(signing_key)}"
    async with asgi_client(jwt_app) as client:
        twice = await client.post(
            "/graphql",
            json={"query": PERSON_QUERY},
            headers=[("authorization", good), ("authorization", good)],
        )
    assert_unauthenticated(twice)
    gateway = facade_app(facade_env(sim.url, SSBTEK_AUTH="none"))
    async with asgi_client(gateway) as client:
        both = await client.post(
            "/graphql",
            json={"query": PERSON_QUERY},
            headers=[("x-handlaggare", "client.chosen"), ("x-handlaggare", "gateway.set")],
        )
    assert_unauthenticated(both)
    assert fresh.questions() == []


@pytest.mark.parametrize("kind", ["huge", "nested", "slow"])
async def test_a_bad_jwks_answer_neither_hangs_nor_breaks_authentication(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import graph.auth

    monkeypatch.setattr(graph.auth, "JWKS_DEADLINE_S", 0.5)

    async def jwks(_request: Request) -> Any:
        if kind == "slow":
            await asyncio.Event().wait()  # never answers
        if kind == "huge":
            return JSONResponse({"keys": [{"kty": "RSA", "n": "A" * 2_000_000}]})
        from starlette.responses import Response

        return Response("[" * 100_000 + "]" * 100_000, media_type="application/json")

    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=Starlette(routes=[Route("/jwks", jwks)]))
    )
    settings = AuthSettings(
        mode=AuthMode.JWT,
        tenant="t",
        jwks_url="http://idp.test/jwks",
        issuer=ISSUER,
        audience=AUDIENCE,
    )
    backend = FacadeAuthentication(settings, http=http)
    key = ec.generate_private_key(ec.SECP256R1())
    # The JWKS deadline ends the wait; the generous bound only ends a test that would hang.
    async with asyncio.timeout(60):
        with pytest.raises(Refused, match="unknown key"):
            await backend.claims(f"Bearer {token(key, headers={'kid': 'k'})}")
    await http.aclose()


def test_no_guid_is_taken_for_a_personnummer() -> None:
    """Object ids (Keycloak's `sub`, Entra's `oid`) are caseworkers: 20 000 random version-4
    GUIDs (a fixed seed; joined across their groups, about five of them would hold a valid
    personnummer by chance) all pass."""
    import random
    import uuid

    from resolvers.caller import is_account_name

    rng = random.Random(19)
    guids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(20_000)]
    assert [guid for guid in guids if not is_account_name(guid)] == []
