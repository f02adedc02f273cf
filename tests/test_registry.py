"""The agency registry is complete in every layer, and `docs/architecture.md`'s recipes for adding
an agency or a benefit field name the files that really hold each piece."""

from __future__ import annotations

import importlib
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from resolvers.agencies import Agency
from resolvers.client import ClientConfig, SsbtekClient
from resolvers.contract import CONTRACT_AGENCIES, SsbtVersion
from resolvers.decode.answer import decode_answer, decode_probe
from resolvers.plan import FetchPlan, Period, QuestionKey
from resolvers.question import build_question
from resolvers.xmlread import child
from schema.lefi_fields import FK_FIELDS, PM_FIELDS
from schema.person import PERSON_FIELDS
from simulator.agencies import SIM_AGENCIES
from simulator.latency import DEFAULT_AGENCY_LATENCY
from tests.support import CASEWORKER, REQUESTER, Simulator

ROOT = Path(__file__).resolve().parent.parent
ALLA = "198503151238"  # a scenario person with data from every agency
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_enum_names_the_registry_rows_in_contract_order() -> None:
    assert [a.value for a in Agency] == [row.element for row in CONTRACT_AGENCIES]
    assert len({row.name for row in CONTRACT_AGENCIES}) == len(CONTRACT_AGENCIES)


@pytest.mark.parametrize("agency", list(Agency))
def test_every_layer_has_the_agencys_module(agency: Agency) -> None:
    name = agency.module_name
    decoder = importlib.import_module(f"resolvers.decode.{name}")
    assert callable(decoder.decode)
    schema_module = importlib.import_module(f"schema.{name}")
    assert schema_module.PERSON_FIELDS
    for field_name in schema_module.PERSON_FIELDS:
        assert PERSON_FIELDS[field_name].reads == {agency}
    simulator_module = importlib.import_module(f"simulator.{name}")
    assert callable(simulator_module.build)
    assert SIM_AGENCIES[agency.value].latency == simulator_module.LATENCY
    assert DEFAULT_AGENCY_LATENCY[agency.value] == simulator_module.LATENCY


async def test_the_simulator_answers_for_exactly_the_registry(sim: Simulator) -> None:
    """A question that includes every agency gets one part per registry row, in the contract's
    order, each read as data; the probe answers for exactly the rows with a test service."""
    plan = FetchPlan()
    for agency in Agency:
        plan.include(agency)
    key = QuestionKey("162120000010", ALLA, Period(date(2026, 1, 1), date(2026, 6, 30)), "EKB-1")
    client = SsbtekClient(ClientConfig(url=sim.url), transport=sim.transport())
    try:
        answer = await client.hamta(
            build_question(key, plan, REQUESTER, CASEWORKER, SsbtVersion.V11)
        )
        probe = await client.testa()
    finally:
        await client.aclose()
    answered = [etree.QName(part).localname for part in child(answer, "svarsdata")]
    assert answered == [row.element for row in CONTRACT_AGENCIES]
    parts = decode_answer(answer, list(Agency)).parts
    assert all(part.fel is None and part.data is not None for part in parts.values()), parts
    probed = [result.agency.value for result in decode_probe(probe)]
    assert probed == [row.element for row in CONTRACT_AGENCIES if row.test_service]


def _recipe(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", ARCHITECTURE, re.M | re.S)
    assert match, f"docs/architecture.md has no section '## {title}'"
    return match.group(1)


def _paths(recipe: str) -> set[str]:
    return set(re.findall(r"`((?:resolvers|schema|simulator|docs|tests)/[^`\s]+)`", recipe))


def test_the_agency_recipe_names_files_that_exist_for_every_agency() -> None:
    paths = _paths(_recipe("Adding an agency"))
    per_agency = {p for p in paths if "<name>" in p}
    assert per_agency >= {
        "resolvers/decode/<name>.py",
        "schema/<name>.py",
        "simulator/<name>.py",
    }
    assert {"resolvers/contract.py", "resolvers/agencies.py"} <= paths
    for agency in Agency:
        for path in per_agency:
            assert (ROOT / path.replace("<name>", agency.module_name)).is_file(), path
    for path in paths - per_agency:
        assert (ROOT / path.split(":")[0]).exists(), path


def test_the_benefit_field_recipe_names_where_fields_live() -> None:
    recipe = _recipe("Adding a benefit field")
    paths = _paths(recipe)
    assert {"schema/lefi_fields.py", "docs/lefi-fields.md"} <= paths
    for path in paths:
        assert (ROOT / path).exists(), path
    assert "FK_FIELDS" in recipe and "PM_FIELDS" in recipe
    assert FK_FIELDS and PM_FIELDS


def test_an_agency_takes_a_period_argument_exactly_when_the_registry_says_so() -> None:
    from schema.build import build_schema

    person = build_schema().graphql_schema.get_type("Person")
    for name, person_field in PERSON_FIELDS.items():
        if len(person_field.reads) != 1:
            continue  # a field across agencies (payments): its period counts rows
        [agency] = person_field.reads
        if agency is not Agency.FK and agency is not Agency.SKV:
            assert ("period" in person.fields[name].args) == agency.accepts_own_period, name


def test_the_xml_field_recipe_names_the_one_file_a_field_is_declared_in() -> None:
    recipe = _recipe("Adding a field of an XML agency")
    paths = _paths(recipe)
    assert {"resolvers/decode/<name>.py", "tests/test_declarations.py"} <= paths
    for agency in set(Agency) - {Agency.FK}:
        for path in paths:
            assert (ROOT / path.replace("<name>", agency.module_name)).is_file(), path
