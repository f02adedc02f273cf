"""mTLS to SSBTEK for real: the simulator over TLS requiring a client certificate, certificates
made here with trustme, and the facade connecting with its own."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import trustme

from graph.cli import main
from simulator.app import SimulatorConfig
from simulator.app import create_app as create_simulator
from tests.support import PERIOD, Facade, command, facade, facade_env, free_port, serving
from tests.support.network import ServedSimulator

ALLA = "198503151238"

QUERY = """
query($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "A-1") {
    personnummer
    transportstyrelsen { fel { kalla felkod } resultat }
  }
}
"""


@dataclass(frozen=True)
class Pki:
    """PEM files for one test run: SSBTEK's CA and server certificate, and client certificates."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_ca: Path
    stranger_cert: Path
    stranger_key: Path

    def client_context(self) -> ssl.SSLContext:
        """A client context as the facade's own: trusts the CA, shows the right certificate."""
        context = ssl.create_default_context(cafile=str(self.ca))
        context.load_cert_chain(str(self.client_cert), str(self.client_key))
        return context


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca, other_ca = trustme.CA(), trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    client = ca.issue_cert("facade.kommun.example")
    stranger = other_ca.issue_cert("facade.kommun.example")

    def write(name: str, blob: trustme.Blob) -> Path:
        path = folder / name
        blob.write_to_path(str(path))
        return path

    return Pki(
        ca=write("ca.pem", ca.cert_pem),
        server_cert=write("server.pem", server.cert_chain_pems[0]),
        server_key=write("server.key", server.private_key_pem),
        client_cert=write("client.pem", client.cert_chain_pems[0]),
        client_key=write("client.key", client.private_key_pem),
        other_ca=write("other-ca.pem", other_ca.cert_pem),
        stranger_cert=write("stranger.pem", stranger.cert_chain_pems[0]),
        stranger_key=write("stranger.key", stranger.private_key_pem),
    )


@pytest.fixture(scope="module")
def tls_sim(pki: Pki) -> Iterator[ServedSimulator]:
    """The simulator over HTTPS, requiring a client certificate from `pki.ca`."""
    with serving(
        create_simulator(SimulatorConfig(slow_seconds=10)),
        ssl_certfile=str(pki.server_cert),
        ssl_keyfile=str(pki.server_key),
        ssl_ca_certs=str(pki.ca),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
    ) as base:
        yield ServedSimulator(base, verify=pki.client_context())


def ask(api: Facade) -> dict:
    return api.query(QUERY, {"pnr": ALLA, "period": PERIOD})


def assert_nothing_secret_logged(caplog: pytest.LogCaptureFixture, pki: Pki) -> None:
    for record in caplog.records:
        text = record.getMessage()
        assert "BEGIN" not in text, text
        assert ALLA not in text and ALLA[2:] not in text, text
        for path in (pki.client_key, pki.client_cert, pki.stranger_key, pki.ca, pki.other_ca):
            assert str(path) not in text and path.name not in text, text


def tls_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "resolvers.client" and r.levelno == logging.WARNING
    ]


def test_the_right_client_certificate_gets_an_answer(
    tls_sim: ServedSimulator, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    tls_sim.clear()
    env = facade_env(
        tls_sim.url,
        SSBTEK_CERT_FILE=str(pki.client_cert),
        SSBTEK_KEY_FILE=str(pki.client_key),
        SSBTEK_CA_FILE=str(pki.ca),
    )
    with facade(env) as api:
        answer = ask(api)
    assert "errors" not in answer, answer
    assert answer["data"]["person"]["transportstyrelsen"] == {"fel": None, "resultat": "OK"}
    [question] = tls_sim.questions()
    assert question["personidentitet"] == ALLA
    assert tls_warnings(caplog) == []
    assert_nothing_secret_logged(caplog, pki)


@pytest.mark.parametrize(
    "tls_files",
    [
        pytest.param({"SSBTEK_CA_FILE": "ca"}, id="no-client-certificate"),
        pytest.param(
            {
                "SSBTEK_CERT_FILE": "stranger_cert",
                "SSBTEK_KEY_FILE": "stranger_key",
                "SSBTEK_CA_FILE": "ca",
            },
            id="client-certificate-from-another-ca",
        ),
        pytest.param(
            {
                "SSBTEK_CERT_FILE": "client_cert",
                "SSBTEK_KEY_FILE": "client_key",
                "SSBTEK_CA_FILE": "other_ca",
            },
            id="server-ca-not-trusted",
        ),
    ],
)
def test_a_tls_failure_is_upstream_unavailable_and_logged_as_tls(
    tls_sim: ServedSimulator,
    pki: Pki,
    caplog: pytest.LogCaptureFixture,
    tls_files: dict[str, str],
) -> None:
    caplog.set_level(logging.INFO)
    tls_sim.clear()
    env = {variable: str(getattr(pki, field)) for variable, field in tls_files.items()}
    with facade(facade_env(tls_sim.url, **env)) as api:
        answer = ask(api)
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"UPSTREAM_UNAVAILABLE"}
    assert "TLS" in answer["errors"][0]["message"]
    assert ALLA not in json.dumps(answer["errors"])
    warnings = tls_warnings(caplog)
    assert warnings, [r.getMessage() for r in caplog.records]
    assert all("TLS failed" in w for w in warnings), warnings
    assert tls_sim.questions() == []
    assert_nothing_secret_logged(caplog, pki)


def test_a_dropped_plain_connection_is_not_called_tls(caplog: pytest.LogCaptureFixture) -> None:
    """Only a connection that has just finished its TLS handshake counts as refused by TLS."""
    caplog.set_level(logging.INFO)
    stop = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.1)

        def drop_every_connection() -> None:
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                with connection:
                    connection.recv(65536)

        dropper = threading.Thread(target=drop_every_connection, daemon=True)
        dropper.start()
        try:
            url = f"http://127.0.0.1:{listener.getsockname()[1]}/ssbtek"
            with facade(facade_env(url)) as api:
                answer = ask(api)
        finally:
            stop.set()
            dropper.join(timeout=5)
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"UPSTREAM_UNAVAILABLE"}
    assert "TLS" not in answer["errors"][0]["message"]
    assert tls_warnings(caplog) == []


def test_the_simulator_command_takes_the_tls_options(pki: Pki) -> None:
    port = free_port()
    tls = ["--certfile", str(pki.server_cert), "--keyfile", str(pki.server_key)]
    url = f"https://127.0.0.1:{port}/ssbtek"
    with command(
        ["simulator", "--port", str(port), *tls, "--client-ca", str(pki.ca)],
        f"{url}?wsdl",
        verify=pki.client_context(),
    ):
        response = httpx.get(url, params={"wsdl": ""}, verify=pki.client_context())
        assert response.status_code == 200
        assert url in response.text
        no_certificate = ssl.create_default_context(cafile=str(pki.ca))
        with pytest.raises(httpx.TransportError):
            httpx.get(url, params={"wsdl": ""}, verify=no_certificate)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--keyfile", "server.key"], "--keyfile needs --certfile"),
        (["--client-ca", "ca.pem"], "--client-ca needs --certfile"),
        (["--certfile", "missing.pem"], "--certfile/--keyfile could not be loaded"),
    ],
)
def test_simulator_tls_options_are_checked(
    options: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["simulator", *options])
    assert stopped.value.code == 2
    assert error in capsys.readouterr().err
