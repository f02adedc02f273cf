"""Trusted documents: a client may name a known operation by its SHA-256 instead of sending it,
and with SSBTEK_TRUSTED_ONLY nothing else runs (a stolen token cannot run arbitrary queries)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.settings import SettingsError, load_settings
from graph.trusted import sha256
from tests.support import PERIOD, Facade, Simulator, facade, facade_env
from tests.support.node import node_project
from tests.support.queries import QUERY, codes

ROOT = Path(__file__).parent.parent
CODEGEN = Path(__file__).parent / "codegen"
ALLA = "198503151238"
VEHICLES = """query Fordon($pnr: Personnummer!, $period: PeriodInput!) {
  person(personnummer: $pnr, period: $period, arende: "A") { transportstyrelsen { resultat } }
}"""
VARIABLES = {"pnr": ALLA, "period": PERIOD}


def _codegen_manifest(tmp_path: Path) -> str:
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({sha256(VEHICLES): VEHICLES}), encoding="utf-8")
    return str(path)


def _apollo_manifest(tmp_path: Path) -> str:
    path = tmp_path / "persisted-query-manifest.json"
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": sha256(VEHICLES), "name": "Fordon", "type": "query", "body": VEHICLES}
        ],
    }
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return str(path)


@pytest.fixture
def trusted_only(sim: Simulator, tmp_path: Path) -> Iterator[Facade]:
    env = facade_env(
        sim.url, SSBTEK_TRUSTED_DOCUMENTS=_codegen_manifest(tmp_path), SSBTEK_TRUSTED_ONLY="true"
    )
    with facade(env) as running:
        yield running


@pytest.mark.parametrize(
    "naming",
    [
        {"documentId": sha256(VEHICLES)},
        {"documentId": f"sha256:{sha256(VEHICLES)}"},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(VEHICLES)}}},
    ],
    ids=["documentId", "sha256: prefix", "Apollo persistedQuery"],
)
def test_a_trusted_document_runs_by_its_id(trusted_only: Facade, naming: dict[str, Any]) -> None:
    response = trusted_only.post({**naming, "variables": VARIABLES})
    assert response.status_code == 200
    assert response.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}


def test_trusted_only_refuses_any_other_document_before_ssbtek(
    trusted_only: Facade, fresh: Simulator, audit_lines: list[dict[str, Any]]
) -> None:
    response = trusted_only.post({"query": QUERY, "variables": VARIABLES})
    assert response.status_code == 403
    assert codes(response.json()) == {"PERSISTED_QUERY_NOT_TRUSTED"}
    assert fresh.requests() == []
    assert any(line.get("reason") == "PERSISTED_QUERY_NOT_TRUSTED" for line in audit_lines)
    # The exact text of a trusted document is that document.
    same = trusted_only.post({"query": VEHICLES, "variables": VARIABLES})
    assert same.status_code == 200 and "errors" not in same.json()


def test_an_unknown_id_or_a_text_that_is_not_its_document_is_refused(
    trusted_only: Facade, fresh: Simulator
) -> None:
    unknown = trusted_only.post({"documentId": "0" * 64, "variables": VARIABLES})
    assert unknown.status_code == 400
    assert codes(unknown.json()) == {"PERSISTED_QUERY_NOT_FOUND"}
    other = trusted_only.post(
        {"documentId": sha256(VEHICLES), "query": QUERY, "variables": VARIABLES}
    )
    assert other.status_code == 400 and codes(other.json()) == {"BAD_REQUEST"}
    assert fresh.requests() == []


def test_without_trusted_only_any_document_runs_and_ids_still_work(
    sim: Simulator, tmp_path: Path
) -> None:
    env = facade_env(sim.url, SSBTEK_TRUSTED_DOCUMENTS=_apollo_manifest(tmp_path))
    with facade(env) as api:
        free = api.query(QUERY, VARIABLES)
        assert free["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}
        named = api.post({"documentId": sha256(VEHICLES), "variables": VARIABLES})
        assert named.json()["data"]["person"]["transportstyrelsen"] == {"resultat": "OK"}


def test_no_manifest_means_no_id_is_known(api: Facade) -> None:
    response = api.post({"documentId": sha256(VEHICLES), "variables": VARIABLES})
    assert codes(response.json()) == {"PERSISTED_QUERY_NOT_FOUND"}


def test_a_manifest_that_does_not_hold_is_a_configuration_error(tmp_path: Path) -> None:
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({sha256(VEHICLES): QUERY}), encoding="utf-8")
    with pytest.raises(SettingsError, match="SSBTEK_TRUSTED_DOCUMENTS"):
        load_settings(facade_env("http://x/ssbtek", SSBTEK_TRUSTED_DOCUMENTS=str(forged)))
    with pytest.raises(SettingsError, match="SSBTEK_TRUSTED_ONLY"):
        load_settings(facade_env("http://x/ssbtek", SSBTEK_TRUSTED_ONLY="true"))
    sha1 = tmp_path / "sha1.json"  # the client preset's hashAlgorithm: "sha1"
    sha1.write_text(json.dumps({"0" * 40: VEHICLES}), encoding="utf-8")
    with pytest.raises(SettingsError, match="hashAlgorithm sha256"):
        load_settings(facade_env("http://x/ssbtek", SSBTEK_TRUSTED_DOCUMENTS=str(sha1)))


def _run_by_id(api: Facade, document_ids: list[str]) -> None:
    """Each id runs its document of the manifest, as a client sends it (`documentId`)."""
    for document_id in document_ids:
        response = api.post({"documentId": document_id, "variables": VARIABLES})
        assert response.status_code == 200, response.text
        answer = response.json()
        assert "errors" not in answer and answer["data"], document_id


def test_a_manifest_as_the_client_preset_writes_it_is_taken(sim: Simulator) -> None:
    """graphql-codegen's client preset (6.x) keys its manifest `sha256:<hex>`, and its documents
    send that same string as `documentId`. tests/codegen/persisted-documents.json is what it
    wrote for tests/codegen/src (the test below checks that it still writes that)."""
    manifest = CODEGEN / "persisted-documents.json"
    written = json.loads(manifest.read_text(encoding="utf-8"))
    assert written and all(key.startswith("sha256:") for key in written)
    env = facade_env(sim.url, SSBTEK_TRUSTED_DOCUMENTS=str(manifest), SSBTEK_TRUSTED_ONLY="true")
    with facade(env) as api:
        _run_by_id(api, list(written))


@pytest.fixture(scope="module")
def codegen() -> Path:
    """graphql-codegen with its client preset (tests/codegen/package-lock.json pins them) in
    build/codegen, with the operations of tests/codegen."""
    return node_project(
        "codegen", ("codegen.ts", "src"), "the committed manifest stands for what it writes"
    )


def test_graphql_codegen_writes_a_manifest_the_facade_takes(codegen: Path, sim: Simulator) -> None:
    """The client preset run on the repository's schema.graphql: its manifest is the committed
    one, each of its documents sends an id the manifest holds, and the facade, started with
    the manifest as written, runs each by that id."""
    subprocess.run(
        [str(codegen / "node_modules" / ".bin" / "graphql-codegen"), "--config", "codegen.ts"],
        cwd=codegen, check=True, timeout=300, capture_output=True,
        env={**os.environ, "SCHEMA": str(ROOT / "schema.graphql")},
    )  # fmt: skip
    manifest = codegen / "src" / "gql" / "persisted-documents.json"
    written = json.loads(manifest.read_text(encoding="utf-8"))
    assert written == json.loads((CODEGEN / "persisted-documents.json").read_text("utf-8"))
    generated = (codegen / "src" / "gql" / "graphql.ts").read_text(encoding="utf-8")
    sent = re.findall(r'"__meta__":\{"hash":"([^"]+)"\}', generated)
    assert sorted(sent) == sorted(written)
    env = facade_env(sim.url, SSBTEK_TRUSTED_DOCUMENTS=str(manifest), SSBTEK_TRUSTED_ONLY="true")
    with facade(env) as api:
        _run_by_id(api, sent)


def test_a_trusted_document_over_the_document_size_limit_stops_start_up(tmp_path: Path) -> None:
    """A trusted document larger than SSBTEK_MAX_DOCUMENT_BYTES would be refused every time:
    the facade does not start, and says which limit to raise."""
    manifest = _codegen_manifest(tmp_path)
    env = facade_env("https://ssbtek.example/ssbtek", SSBTEK_TRUSTED_DOCUMENTS=manifest)
    assert load_settings(env).http.trusted.documents
    with pytest.raises(SettingsError, match="more than SSBTEK_MAX_DOCUMENT_BYTES"):
        load_settings({**env, "SSBTEK_MAX_DOCUMENT_BYTES": "50"})
