"""Settings: validated at start-up, every message names its variable."""

from __future__ import annotations

import pytest

from graph.app import create_app
from graph.settings import SettingsError, load_settings
from resolvers.contract import SsbtVersion
from tests.support import facade_env


def test_demo_mode_has_defaults() -> None:
    settings = load_settings({})
    assert settings.demo
    assert settings.client.version is SsbtVersion.V11
    assert settings.requester.namn == "Demokommunen"


def test_a_real_service_needs_the_municipality() -> None:
    with pytest.raises(SettingsError, match="SSBTEK_INGIVARE_ORGNR"):
        load_settings({"SSBTEK_URL": "https://ssbtek.example/ssbtek"})


def test_full_configuration_is_read() -> None:
    settings = load_settings(
        facade_env(
            "https://ssbtek.example/ssbtek",
            SSBTEK_VERSION="10",
            SSBTEK_TIMEOUT_S="12.5",
            SSBTEK_MAX_CONCURRENCY="3",
            SSBTEK_PERSONUPPGIFTSBITRADE="165560000001:Biträdet AB; 165560000002:Två AB",
        )
    )
    assert not settings.demo
    assert settings.client.version is SsbtVersion.V10
    assert settings.client.timeout_s == 12.5
    assert settings.client.max_concurrency == 3
    assert [
        (b.ordningsnummer, b.organisationsnummer, b.namn) for b in settings.requester.bitraden
    ] == [
        (1, "165560000001", "Biträdet AB"),
        (2, "165560000002", "Två AB"),
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SSBTEK_VERSION", "12"),
        ("SSBTEK_TIMEOUT_S", "soon"),
        ("SSBTEK_CONNECT_TIMEOUT_S", "0"),
        ("SSBTEK_MAX_CONCURRENCY", "-1"),
        ("SSBTEK_INGIVARE_ORGNR", "162100000010"),
        ("SSBTEK_PERSONUPPGIFTSBITRADE", "165560000001"),
        ("SSBTEK_CERT_FILE", "/nonexistent/cert.pem"),
        ("SSBTEK_CA_FILE", "/nonexistent/ca.pem"),
        ("SSBTEK_HEADER_TIMEOUT_S", "0"),
        ("SSBTEK_BODY_TIMEOUT_S", "soon"),
        ("SSBTEK_KEEPALIVE_TIMEOUT_S", "301"),
        ("SSBTEK_MAX_CONNECTIONS", "0"),
    ],
)
def test_bad_values_name_their_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings(facade_env("https://ssbtek.example/ssbtek", **{name: value}))


def test_a_key_without_a_certificate_is_refused(tmp_path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not used")
    with pytest.raises(SettingsError, match="SSBTEK_CERT_FILE"):
        load_settings(facade_env("https://ssbtek.example/ssbtek", SSBTEK_KEY_FILE=str(key)))


def test_demo_mode_ignores_tls_settings() -> None:
    settings = load_settings({"SSBTEK_CERT_FILE": "/nonexistent/cert.pem"})
    assert settings.demo and settings.client.cert_file is None


def test_a_wsdl_that_cannot_be_loaded_names_the_setting() -> None:
    env = facade_env("http://127.0.0.1:9/ssbtek", SSBTEK_WSDL="http://127.0.0.1:9/ssbtek?wsdl")
    with pytest.raises(SettingsError, match="SSBTEK_WSDL"):
        create_app(load_settings(env))


def test_an_unreadable_certificate_names_the_settings(tmp_path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate")
    with pytest.raises(SettingsError, match="SSBTEK_CERT_FILE"):
        load_settings(facade_env("https://ssbtek.example/ssbtek", SSBTEK_CERT_FILE=str(cert)))


def _problems(environ: dict[str, str]) -> list[str]:
    """What one start says is wrong, one sentence a line, as `serve` prints it."""
    with pytest.raises(SettingsError) as raised:
        load_settings(environ)
    return str(raised.value).splitlines()


def test_every_bad_value_is_named_at_once() -> None:
    """Five wrong values: one start names all five, each in a sentence of its own."""
    bad = {
        "SSBTEK_TIMEOUT_S": "soon",
        "SSBTEK_MAX_CONCURRENCY": "-1",
        "SSBTEK_CACHE_TTL_S": "4000",
        "SSBTEK_METRICS": "maybe",
        "SSBTEK_LOG_FORMAT": "xml",
    }
    problems = _problems(facade_env("https://ssbtek.example/ssbtek", **bad))
    named = [next(name for name in bad if name in line) for line in problems]
    assert sorted(named) == sorted(bad), problems


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        # A key file that does not exist is that problem, not also "needs exactly one of".
        (
            {"SSBTEK_AUTH": "jwt", "SSBTEK_JWT_PUBLIC_KEY_FILE": "/nonexistent/key.pem"},
            ["SSBTEK_JWT_PUBLIC_KEY_FILE names", "SSBTEK_JWT_ISSUER", "SSBTEK_JWT_AUDIENCE"],
        ),
        # An unknown mode is named; what `jwt` would need is not asked for.
        ({"SSBTEK_AUTH": "basic"}, ["SSBTEK_AUTH must be one of"]),
        # Whether Redis needs a key depends on the TTL: an unreadable TTL is the one problem.
        (
            {"SSBTEK_CACHE_URL": "redis://r:6379", "SSBTEK_CACHE_TTL_S": "soon"},
            ["SSBTEK_CACHE_TTL_S must be"],
        ),
        # A certificate file that does not exist is not "not set", nor loaded with its key.
        (
            {"SSBTEK_CERT_FILE": "/nonexistent/cert.pem", "SSBTEK_KEY_FILE": __file__},
            ["SSBTEK_CERT_FILE names"],
        ),
    ],
)
def test_checks_that_depend_on_a_bad_value_are_left_out(
    overrides: dict[str, str], named: list[str]
) -> None:
    problems = _problems(facade_env("https://ssbtek.example/ssbtek", **overrides))
    assert len(problems) == len(named), problems
    assert all(start in line for start, line in zip(named, problems, strict=True)), problems
