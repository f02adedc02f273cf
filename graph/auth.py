"""Authentication: who is behind a request to `/graphql`, decided before strawberry runs.

Three modes (`SSBTEK_AUTH`):
- `jwt`: a bearer JWT signed by a configured public key or a key from a JWKS URL, with `iss`,
  `aud`, `exp` and `nbf` checked and the algorithm pinned to the key's type;
- `none`: a gateway in front has authenticated the caller and names the caseworker in the
  `X-Handlaggare` header;
- demo mode (no `SSBTEK_URL`, no `SSBTEK_AUTH`): every request is the fixed demo caller.

A refusal is HTTP 401 with a GraphQL error coded `UNAUTHENTICATED` and `WWW-Authenticate:
Bearer`, and an audit line. Starlette's `AuthenticationMiddleware` runs the backend.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    BaseUser,
)
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from graph.http_errors import graphql_error
from resolvers.audit import AuditTrail
from resolvers.caller import Caller, is_account_name
from resolvers.client import read_capped
from resolvers.codes import ErrorCode

log = logging.getLogger(__name__)


class AuthMode(StrEnum):
    """How callers are authenticated."""

    DEMO = "demo"
    JWT = "jwt"
    GATEWAY = "none"


@dataclass(frozen=True)
class AuthSettings:
    """The `SSBTEK_AUTH` and `SSBTEK_JWT_*` settings."""

    mode: AuthMode
    tenant: str
    public_key_file: str | None = None
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    caseworker_claim: str = "sub"
    role: str = "ssbtek.read"
    tenant_claim: str | None = None
    leeway_s: int = 30


DEMO_CALLER = Caller(tenant="demo", handlaggare="demo-handlaggare")

# A JWKS fetch, all of it, and its size: a slow or huge identity provider answer must not hold
# the requests waiting for a new key (or start-up) for long, nor fill memory.
JWKS_DEADLINE_S = 10.0
JWKS_MAX_BYTES = 1_000_000

RSA_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}


class UnusableKey(ValueError):
    """A configured key cannot verify tokens (wrong type, unreadable)."""


def algorithms_for(key: object) -> tuple[str, ...]:
    """The signature algorithms a public key may verify: pinned to its type, never HS* or none."""
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise UnusableKey("an RSA key shorter than 2048 bits")
        return RSA_ALGORITHMS
    if isinstance(key, ec.EllipticCurvePublicKey):
        algorithm = EC_ALGORITHMS.get(key.curve.name)
        if algorithm is None:
            raise UnusableKey(f"an EC key on the unsupported curve {key.curve.name}")
        return (algorithm,)
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return ("EdDSA",)
    raise UnusableKey(f"a key of type {type(key).__name__}, which cannot verify JWTs here")


@dataclass(frozen=True)
class VerifyingKey:
    """One public key and the algorithms it may verify."""

    key: Any
    algorithms: tuple[str, ...]


def load_public_key_file(path: str) -> VerifyingKey:
    """The PEM public key in `path`; raises UnusableKey if it cannot verify JWTs."""
    try:
        with open(path, "rb") as handle:
            key = load_pem_public_key(handle.read())
    except (OSError, ValueError, TypeError) as exc:
        raise UnusableKey(f"not a PEM public key ({type(exc).__name__})") from None
    return VerifyingKey(key, algorithms_for(key))


class JwksKeys:
    """Keys from a JWKS URL, cached; an unknown `kid` refreshes the set at most once per
    `min_refresh_s`, and the set is refreshed in any case after `max_age_s`."""

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        max_age_s: float = 300.0,
        min_refresh_s: float = 30.0,
    ) -> None:
        self.url = url
        self.http = http
        self.max_age_s = max_age_s
        self.min_refresh_s = min_refresh_s
        self._keys: dict[str | None, VerifyingKey] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> VerifyingKey | None:
        """The key with this `kid` (or the only key, for a token without `kid`)."""
        if time.monotonic() - self._fetched_at > self.max_age_s:
            await self._refresh(force=True)
        found = self._find(kid)
        if found is None:
            await self._refresh(force=False)
            found = self._find(kid)
        return found

    @property
    def held(self) -> int:
        """How many usable keys are held."""
        return len(self._keys)

    def _find(self, kid: str | None) -> VerifyingKey | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    async def _refresh(self, force: bool) -> None:
        async with self._lock:
            since = time.monotonic() - self._fetched_at
            if since < self.min_refresh_s or (force and since <= self.max_age_s):
                return  # another request refreshed it meanwhile, or too soon to ask again
            self._fetched_at = time.monotonic()
            try:
                async with asyncio.timeout(JWKS_DEADLINE_S):
                    document = await self._read()
                keys = dict(_verifying_keys(json.loads(document)))
                if not keys:
                    raise ValueError("the JWKS holds no usable signing key")
                self._keys = keys
            except Exception as exc:  # any failure of an outside service: keep the keys held
                # A JWKS outage must not log everyone out at once.
                log.warning("the JWKS could not be refreshed: %s", type(exc).__name__)

    async def _read(self) -> bytes:
        """The JWKS document, refused when it grows past JWKS_MAX_BYTES."""
        async with self.http.stream("GET", self.url) as response:
            response.raise_for_status()
            body = await read_capped(response, JWKS_MAX_BYTES)
        if body is None:
            raise ValueError("the JWKS document is too large")
        return body


def _verifying_keys(document: object) -> Iterable[tuple[str | None, VerifyingKey]]:
    """The usable signature keys of a JWKS document, by `kid`; symmetric keys are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    for entry in document["keys"]:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        if entry.get("kty") not in ("RSA", "EC", "OKP"):
            continue  # "oct" (HS*) keys are never accepted
        try:
            key = jwt.PyJWK.from_dict(entry).key
            algorithms = algorithms_for(key)
        except (jwt.PyJWTError, UnusableKey, ValueError, TypeError):
            continue
        named = entry.get("alg")
        if isinstance(named, str):
            if named not in algorithms:
                continue
            algorithms = (named,)
        kid = entry.get("kid")
        yield (kid if isinstance(kid, str) else None), VerifyingKey(key, algorithms)


class CallerUser(BaseUser):
    """The starlette user of an authenticated request."""

    def __init__(self, caller: Caller) -> None:
        self.caller = caller

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.caller.handlaggare


class Refused(AuthenticationError):
    """The request is not authenticated; the message says why, without any token content."""


class FacadeAuthentication(AuthenticationBackend):
    """The authentication backend for `/graphql`. A GET without a query string (the GraphiQL
    page, which holds no data) needs no credentials; every other request does."""

    def __init__(self, settings: AuthSettings, http: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.static_key: VerifyingKey | None = None
        self.jwks: JwksKeys | None = None
        self._own_http: httpx.AsyncClient | None = None
        if settings.mode is AuthMode.JWT:
            if settings.public_key_file:
                self.static_key = load_public_key_file(settings.public_key_file)
            elif settings.jwks_url:
                if http is None:
                    http = self._own_http = httpx.AsyncClient(timeout=5.0)
                self.jwks = JwksKeys(settings.jwks_url, http)

    async def prefetch(self) -> None:
        """Fetch the JWKS once at start-up, so that an unreachable identity provider shows in the
        log before the first caller does (failures are logged, not raised)."""
        if self.jwks is not None:
            await self.jwks.key(None)
            if not self.jwks.held:
                log.warning("no usable signing key could be read from SSBTEK_JWT_JWKS_URL yet")

    async def aclose(self) -> None:
        """Close the JWKS connections this backend opened."""
        if self._own_http is not None:
            await self._own_http.aclose()

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        if conn.scope.get("method") in ("GET", "HEAD") and not conn.url.query:
            return None
        caller = await self.caller(conn)
        return AuthCredentials(), CallerUser(caller)

    async def caller(self, conn: HTTPConnection) -> Caller:
        """The caller behind the request; raises Refused."""
        mode = self.settings.mode
        if mode is AuthMode.DEMO:
            return DEMO_CALLER
        if mode is AuthMode.GATEWAY:
            given = conn.headers.getlist("x-handlaggare")
            if not given:
                raise Refused("the X-Handlaggare header is required")
            if len(given) > 1:
                raise Refused("the X-Handlaggare header must be given once")
            caseworker = given[0]
            if not is_account_name(caseworker):
                raise Refused("the X-Handlaggare header is not a usable account name")
            return Caller(tenant=self.settings.tenant, handlaggare=caseworker)
        authorization = conn.headers.getlist("authorization")
        if len(authorization) > 1:
            raise Refused("the Authorization header must be given once")
        return self.caller_of_claims(await self.claims(authorization[0] if authorization else None))

    async def claims(self, authorization: str | None) -> dict[str, Any]:
        """The verified claims of the bearer token in an `Authorization` header."""
        if authorization is None:
            raise Refused("a bearer token is required")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Refused("the Authorization header must be 'Bearer <token>'")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Refused("the bearer token is not a JWT") from None
        key = await self.key_for(header.get("kid"))
        if key is None:
            raise Refused("the bearer token is signed by an unknown key")
        if header.get("alg") not in key.algorithms:
            raise Refused("the bearer token's algorithm is not allowed for its key")
        settings = self.settings
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=list(key.algorithms),
                audience=settings.audience,
                issuer=settings.issuer,
                leeway=settings.leeway_s,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Refused("the bearer token has expired") from None
        except jwt.ImmatureSignatureError:
            raise Refused("the bearer token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise Refused("the bearer token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise Refused("the bearer token is from another issuer") from None
        except jwt.InvalidSignatureError:
            raise Refused("the bearer token's signature does not verify") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Refused(f"the bearer token lacks the claim {exc.claim}") from None
        except jwt.PyJWTError:
            raise Refused("the bearer token is not valid") from None

    async def key_for(self, kid: object) -> VerifyingKey | None:
        """The key that may verify a token with this `kid` header."""
        if self.static_key is not None:
            return self.static_key
        if self.jwks is None or not (kid is None or isinstance(kid, str)):
            return None
        return await self.jwks.key(kid)

    def caller_of_claims(self, claims: dict[str, Any]) -> Caller:
        """The caller named by verified claims: caseworker, tenant and whether it may read."""
        settings = self.settings
        caseworker = claims.get(settings.caseworker_claim)
        if not is_account_name(caseworker):
            raise Refused(
                f"the bearer token's {settings.caseworker_claim} claim is not a usable "
                "caseworker account name"
            )
        tenant = settings.tenant
        if settings.tenant_claim:
            claimed = claims.get(settings.tenant_claim)
            if not is_account_name(claimed):
                raise Refused(f"the bearer token's {settings.tenant_claim} claim is not a tenant")
            tenant = claimed
        return Caller(
            tenant=tenant,
            handlaggare=caseworker,
            may_read_people=settings.role in roles_of(claims),
        )


class NotAuthenticated(Exception):
    """A request reached the GraphQL view without an authenticated caller."""


def caller_of(request: Request) -> Caller:
    """The caller behind a request; authentication runs before the view, so this holds."""
    user = request.scope.get("user")
    if not isinstance(user, CallerUser):
        raise NotAuthenticated("the request has no authenticated caller")
    return user.caller


def is_authenticated(request: Request) -> bool:
    """Whether authentication put a caller on the request."""
    return isinstance(request.scope.get("user"), CallerUser)


def roles_of(claims: dict[str, Any]) -> set[str]:
    """The roles a token grants: its `roles` list and its space-separated `scope` (or Entra's
    `scp`)."""
    found: set[str] = set()
    roles = claims.get("roles")
    if isinstance(roles, list):
        found.update(r for r in roles if isinstance(r, str))
    elif isinstance(roles, str):
        found.add(roles)
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
    return found


def refusal_response(
    audit: AuditTrail,
) -> Callable[[HTTPConnection, AuthenticationError], Response]:
    """The `on_error` of the authentication middleware: 401, a coded GraphQL error, an audit
    line."""

    def on_error(_conn: HTTPConnection, exc: AuthenticationError) -> Response:
        # The messages are the facade's own fixed sentences, never token content.
        audit.refused(reason=ErrorCode.UNAUTHENTICATED, detail=str(exc))
        token_given = "authorization" in _conn.headers
        challenge = 'Bearer error="invalid_token"' if token_given else "Bearer"
        return Response(
            graphql_error(str(exc), ErrorCode.UNAUTHENTICATED),
            status_code=401,
            media_type="application/json",
            headers={"WWW-Authenticate": challenge},
        )

    return on_error
