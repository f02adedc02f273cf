"""Settings from the environment, validated once at start-up with messages that name the variable.

Unset `SSBTEK_URL` means demo mode: the embedded simulator answers, and the municipality's
identity has demo defaults.
"""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from resolvers.client import ClientConfig, tls_context
from resolvers.contract import SsbtVersion
from resolvers.question import Bitrade, Requester

_N = TypeVar("_N", int, float)

ORGNR = re.compile(r"^\d{4}[2-9]\d{7}$")

DEMO_REQUESTER = Requester(
    organisationsnummer="165550000000",
    namn="Demokommunen",
    aktorsid="demo-aktor",
    syfte="Handläggning av ekonomiskt bistånd (demo)",
    lagtext="11 kap. 11 § socialtjänstlagen (2001:453); demo",
)


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the facade reads from its environment."""

    demo: bool
    client: ClientConfig
    requester: Requester


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every `SSBTEK_*` variable; raise SettingsError naming the first bad one."""
    env = _Env(os.environ if environ is None else environ)
    url = env.get("SSBTEK_URL")
    demo = url is None
    version = env.choice("SSBTEK_VERSION", ("11", "10"), default="11")
    client = ClientConfig(
        url=url or "http://simulator.invalid/ssbtek",
        version=SsbtVersion(version),
        wsdl=env.get("SSBTEK_WSDL"),
        connect_timeout_s=env.positive_float("SSBTEK_CONNECT_TIMEOUT_S", 5.0),
        timeout_s=env.positive_float("SSBTEK_TIMEOUT_S", 30.0),
        max_concurrency=env.positive_int("SSBTEK_MAX_CONCURRENCY", 8),
        # The embedded simulator of demo mode is reached in-process: TLS settings do not apply.
        cert_file=None if demo else env.file("SSBTEK_CERT_FILE"),
        key_file=None if demo else env.file("SSBTEK_KEY_FILE"),
        ca_file=None if demo else env.file("SSBTEK_CA_FILE"),
    )
    if client.key_file and not client.cert_file:
        raise SettingsError("SSBTEK_KEY_FILE is set but SSBTEK_CERT_FILE is not")
    _check_tls(client)
    return Settings(demo=demo, client=client, requester=_requester(env, demo))


def _check_tls(client: ClientConfig) -> None:
    """Load the TLS files once now, so that a bad one stops start-up with its variable named."""
    if client.ca_file:
        try:
            ssl.create_default_context(cafile=client.ca_file)
        except (ssl.SSLError, OSError, ValueError):
            raise SettingsError("SSBTEK_CA_FILE could not be loaded as CA certificates") from None
    if client.cert_file:
        try:
            tls_context(client)
        except (ssl.SSLError, OSError, ValueError):
            raise SettingsError(
                "SSBTEK_CERT_FILE and SSBTEK_KEY_FILE could not be loaded as a client certificate "
                "and its key"
            ) from None


def _requester(env: _Env, demo: bool) -> Requester:
    def value(name: str, default: str) -> str:
        given = env.get(name)
        if given is not None:
            return given
        if demo:
            return default
        raise SettingsError(f"{name} must be set when SSBTEK_URL is set")

    orgnr = value("SSBTEK_INGIVARE_ORGNR", DEMO_REQUESTER.organisationsnummer)
    if not ORGNR.match(orgnr):
        raise SettingsError("SSBTEK_INGIVARE_ORGNR must be 12 digits with 2-9 as the fifth digit")
    return Requester(
        organisationsnummer=orgnr,
        namn=value("SSBTEK_INGIVARE_NAMN", DEMO_REQUESTER.namn),
        aktorsid=value("SSBTEK_AKTORSID", DEMO_REQUESTER.aktorsid),
        syfte=value("SSBTEK_SYFTE", DEMO_REQUESTER.syfte),
        lagtext=value("SSBTEK_LAGTEXT", DEMO_REQUESTER.lagtext),
        bitraden=parse_bitraden(env.get("SSBTEK_PERSONUPPGIFTSBITRADE") or ""),
        lefi_version=env.get("SSBTEK_LEFI_VERSION") or "v9",
    )


def parse_bitraden(text: str) -> tuple[Bitrade, ...]:
    """`ORGNR:Namn;ORGNR:Namn` into processors, numbered in the order given."""
    bitraden = []
    for index, item in enumerate(filter(None, (p.strip() for p in text.split(";"))), start=1):
        orgnr, sep, namn = item.partition(":")
        if not sep or not ORGNR.match(orgnr.strip()) or not namn.strip():
            raise SettingsError(
                "SSBTEK_PERSONUPPGIFTSBITRADE must be 'ORGNR:Namn' items separated by ';', each "
                "ORGNR 12 digits with 2-9 as the fifth digit"
            )
        bitraden.append(Bitrade(orgnr.strip(), namn.strip(), ordningsnummer=index))
    return tuple(bitraden)


class _Env:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def get(self, name: str) -> str | None:
        value = self.environ.get(name)
        return value.strip() if value is not None and value.strip() else None

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.get(name) or default
        if value not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}")
        return value

    def positive_float(self, name: str, default: float) -> float:
        return self._positive(name, default, float, "a number of seconds")

    def positive_int(self, name: str, default: int) -> int:
        return self._positive(name, default, int, "a whole number")

    def _positive(self, name: str, default: _N, kind: Callable[[str], _N], what: str) -> _N:
        raw = self.get(name)
        try:
            value = kind(raw) if raw is not None else default
        except ValueError:
            raise SettingsError(f"{name} must be {what}") from None
        if value <= 0:
            raise SettingsError(f"{name} must be greater than zero")
        return value

    def file(self, name: str) -> str | None:
        value = self.get(name)
        if value is not None and not Path(value).is_file():
            raise SettingsError(f"{name} names a file that does not exist")
        return value
