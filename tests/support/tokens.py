"""Bearer tokens for tests of `SSBTEK_AUTH=jwt`: a facade environment that trusts a public key
file, and tokens signed with the matching private key."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from tests.support.env import facade_env

ISSUER = "https://idp.test/realms/kommun"
AUDIENCE = "ssbtek-graphql"


def pem_public(key: Any) -> bytes:
    """The public half of a private key, as PEM (for `SSBTEK_JWT_PUBLIC_KEY_FILE`)."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def token(key: Any, algorithm: str = "ES256", headers: dict | None = None, **claims: Any) -> str:
    """A signed token with sensible defaults; a claim given as None is left out."""
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "anna.svensson",
        "iat": now,
        "exp": now + 300,
        "roles": ["ssbtek.read"],
        **claims,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm=algorithm, headers=headers)


def jwt_env(ssbtek_url: str, key_file: Path, **overrides: str) -> dict[str, str]:
    """A facade environment that takes bearer tokens verified with the key in `key_file`."""
    return facade_env(
        ssbtek_url,
        SSBTEK_AUTH="jwt",
        SSBTEK_JWT_PUBLIC_KEY_FILE=str(key_file),
        SSBTEK_JWT_ISSUER=ISSUER,
        SSBTEK_JWT_AUDIENCE=AUDIENCE,
        **overrides,
    )
