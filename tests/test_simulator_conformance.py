"""The simulator answers only as the contract allows. Every answer it gives, asked over SOAP as
SSBTEK is asked (every agency; LEFI for every group and type of every information class), for
every scenario person and 200 generated people, over a year and over the longest LEFI period
(two years), in ssbt/11 and ssbt/10, is checked against the project's own schemas of the
contract:

- the SOAP answer (`SammansattBastjanstSvar`, with the AF, SO, TNS, MIV and SKV parts) against
  `resolvers/contract/ssbt-<version>.xsd` and the agency XSDs it imports;
- the LEFI JSON answer in FK's `lefiJsonSvar` against `lefi-v9-answer.schema.json` (JSON Schema
  2020-12, with `date` and `date-time` formats checked);
- CSN's `CSNSvar` document in `svar` against `agencies/csn-kommunfraga-4.xsd`.

A scenario person may break a rule only where breaking it is the point of the scenario: those
deviations are listed in `DEVIATIONS`, each must occur exactly as listed, and nothing else may.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jsonschema
import pytest
from lxml import etree

from resolvers.contract import (
    AF_NS,
    CONTRACT_DIR,
    LEFI_SCHEMA_PATH,
    SOAP_ENV_NS,
    SsbtVersion,
    csn_schema,
    ssbt_schema,
)
from resolvers.decode.lefi import lefi_model
from simulator.app import SimulatorConfig
from simulator.scenarios import SCENARIO_PEOPLE, Scenario
from tests.support import Simulator, valid_personnummer
from tests.support.raw_soap import answer_element, envelope, everything, hamta_question, payload

YEAR = {"from": "2025-07-01", "tom": "2026-06-30"}
TWO_YEARS = {"from": "2024-07-01", "tom": "2026-06-30"}  # the longest period LEFI answers
PERIODS = (YEAR, TWO_YEARS)
SYNTHETIC = 200
CHUNKS = 8


def generated_people(count: int = SYNTHETIC) -> list[str]:
    """`count` valid numbers, the same every run: born 1935-2012, one in five a
    samordningsnummer (day of birth + 60), none a scenario person."""
    rng = random.Random(18)
    people: list[str] = []
    while len(people) < count:
        birth = date(rng.randint(1935, 2012), rng.randint(1, 12), rng.randint(1, 28))
        number = valid_personnummer(birth, rng.randint(0, 999), rng.random() < 0.2)
        if number not in SCENARIO_PEOPLE and number not in people:
            people.append(number)
    return people


# What a scenario person's answer may break, because breaking it is the point: (check, pattern
# that one violation matches). Each must occur; no other violation may.
AF_WITHOUT_FRAGA = ("ssbt", rf"\{{{re.escape(AF_NS)}\}}Svar'.*Expected is .*Fraga")
DEVIATIONS: dict[Scenario, tuple[tuple[str, str], ...]] = {
    # Real AF answers lack the Fraga the XSD requires (domain/ssbtek.md); the facade must read
    # them, and these two people are how the simulator shows it.
    Scenario.INGENTING: (
        AF_WITHOUT_FRAGA,
        # LEFI's own example answers `avvikelser: []` where its schema has an object.
        ("lefi", r"^avvikelser: \[\] is not of type 'object'"),
    ),
    Scenario.SKYDDAD: (AF_WITHOUT_FRAGA,),
    # Payloads that cannot be read are the point: CSN's svar is no base64 (so no CSNSvar to
    # check), FK's is base64 of broken JSON (so no LEFI answer to check).
    Scenario.TRASIGT_INNEHALL: (
        ("ssbt", r"svar'.*not a valid value of the atomic type 'xs:base64Binary'"),
        ("lefi", r"^not JSON"),
        ("csn", r"^not base64"),
    ),
}
# Whole-call failures: no SOAP answer to check (`test_whole_call_failures_are_what_they_say`).
NO_ANSWER = {Scenario.SOAP_FAULT, Scenario.OTILLGANGLIG, Scenario.TRASIG}


@dataclass
class Checked:
    """The violations found per check, and how many payloads of each kind were checked."""

    violations: list[tuple[str, str]] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=lambda: {"ssbt": 0, "lefi": 0, "csn": 0})

    def add(self, check: str, messages: list[str]) -> None:
        """Count one checked payload and keep its violations."""
        self.checked[check] += 1
        self.violations.extend((check, message) for message in messages)


@pytest.fixture(scope="module")
def conforming() -> Iterator[Simulator]:
    """A simulator whose slow person does not wait, so that its answer is checked too."""
    yield Simulator(SimulatorConfig(slow_seconds=0))


@pytest.fixture(scope="module")
def lefi_validator() -> jsonschema.protocols.Validator:
    """A validator of LEFI answers against the project's JSON Schema, formats checked."""
    checker = jsonschema.FormatChecker()
    assert {"date", "date-time"} <= set(checker.checkers), "date-time needs rfc3339-validator"
    schema = json.loads(LEFI_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def ask(
    sim: Simulator,
    number: str,
    period: dict[str, str],
    version: SsbtVersion,
    aktorsid: str = "test-aktor",
) -> Any:
    """One hamtaBastjanstInformation for everything, answered by the simulator over SOAP."""
    question = hamta_question(
        version.namespace, number, period, everything(version, number, period, aktorsid)
    )
    return sim.call("POST", content=envelope(question), headers={"content-type": "text/xml"})


def _xsd_violations(schema: etree.XMLSchema, element: etree._Element) -> list[str]:
    if schema.validate(element):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def check_answer(
    content: bytes, version: SsbtVersion, lefi: jsonschema.protocols.Validator, found: Checked
) -> None:
    """Check one raw SOAP answer: the answer element, its LEFI answer and its CSN document."""
    answer = answer_element(content)
    found.add("ssbt", _xsd_violations(ssbt_schema(version), answer))
    fk = answer.find("{*}svarsdata/{*}FK/{*}data/{*}lefiJsonSvar")
    if fk is not None:
        try:
            document = json.loads(payload(answer, "FK", "lefiJsonSvar") or b"")
        except ValueError:
            found.add("lefi", ["not JSON"])
        else:
            found.add(
                "lefi",
                [
                    f"{error.json_path.removeprefix('$.')}: {error.message}"
                    for error in lefi.iter_errors(document)
                ],
            )
    if answer.find("{*}svarsdata/{*}CSN/{*}data/{*}svar") is not None:
        try:
            csn = payload(answer, "CSN", "svar") or b""
        except ValueError:
            found.add("csn", ["not base64"])
        else:
            found.add("csn", _xsd_violations(csn_schema(), etree.fromstring(csn)))


def unexpected(scenario: Scenario | None, found: Checked) -> list[tuple[str, str]]:
    """The violations of one answer that are not the listed deviations of the scenario, and a
    line for each listed deviation that did not occur exactly once."""
    left = list(found.violations)
    missing: list[tuple[str, str]] = []
    for check, pattern in DEVIATIONS.get(scenario, ()) if scenario else ():
        matches = [v for v in left if v[0] == check and re.search(pattern, v[1])]
        if len(matches) != 1:
            missing.append((check, f"expected once, found {len(matches)}: {pattern}"))
        left = [v for v in left if v not in matches]
    return left + missing


@pytest.mark.parametrize("version", list(SsbtVersion), ids=lambda v: f"ssbt{v.value}")
@pytest.mark.parametrize(
    "number",
    [n for n, s in SCENARIO_PEOPLE.items() if s not in NO_ANSWER],
    ids=lambda n: SCENARIO_PEOPLE[n].value,
)
def test_every_scenario_answer_conforms(
    conforming: Simulator,
    lefi_validator: jsonschema.protocols.Validator,
    number: str,
    version: SsbtVersion,
) -> None:
    scenario = SCENARIO_PEOPLE[number]
    for period in PERIODS:
        found = Checked()
        response = ask(conforming, number, period, version)
        assert response.status_code == 200, response.text[:300]
        check_answer(response.content, version, lefi_validator, found)
        assert unexpected(scenario, found) == [], period
        if scenario not in (Scenario.FEL_BT, Scenario.FEL_SSBT):  # those answer errors only
            assert found.checked == dict.fromkeys(("ssbt", "lefi", "csn"), 1)


def test_answers_with_lefi_deviations_conform(
    conforming: Simulator, lefi_validator: jsonschema.protocols.Validator
) -> None:
    """`avvikelser` (OBEHORIG for the groups an actor may not see) has the contract's shape."""
    found = Checked()
    number = next(n for n, s in SCENARIO_PEOPLE.items() if s is Scenario.ALLA)
    response = ask(conforming, number, YEAR, SsbtVersion.V11, aktorsid="begransad-aktor")
    check_answer(response.content, SsbtVersion.V11, lefi_validator, found)
    assert found.violations == []
    lefi = json.loads(payload(answer_element(response.content), "FK", "lefiJsonSvar") or b"")
    assert lefi["avvikelser"]["ovrigInformation"], "the restricted actor saw no avvikelse"


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_generated_answer_conforms(
    conforming: Simulator, lefi_validator: jsonschema.protocols.Validator, chunk: int
) -> None:
    """Each generated person is asked for both periods, once in each contract generation."""
    people = generated_people()[chunk::CHUNKS]
    found = Checked()
    for number in people:
        for period, version in zip(PERIODS, SsbtVersion, strict=True):
            response = ask(conforming, number, period, version)
            assert response.status_code == 200, response.text[:300]
            check_answer(response.content, version, lefi_validator, found)
    assert found.violations == []
    assert found.checked == dict.fromkeys(("ssbt", "lefi", "csn"), len(people) * len(PERIODS))


def test_generated_people_include_samordningsnummer() -> None:
    people = generated_people()
    assert len(set(people)) == SYNTHETIC
    assert sum(int(number[6:8]) > 60 for number in people) >= SYNTHETIC // 10


def test_whole_call_failures_are_what_they_say(conforming: Simulator) -> None:
    """The people whose whole call fails give no answer to check; the one that faults gives
    a fault whose detail the contract defines."""
    by_scenario = {s: n for n, s in SCENARIO_PEOPLE.items()}
    for version in SsbtVersion:
        fault = ask(conforming, by_scenario[Scenario.SOAP_FAULT], YEAR, version)
        assert fault.status_code == 500
        detail = etree.fromstring(fault.content).find(
            f"{{{SOAP_ENV_NS}}}Body/{{{SOAP_ENV_NS}}}Fault/detail"
        )
        assert detail is not None and len(detail) == 1
        assert _xsd_violations(ssbt_schema(version), detail[0]) == []
    unavailable = ask(conforming, by_scenario[Scenario.OTILLGANGLIG], YEAR, SsbtVersion.V11)
    assert unavailable.status_code == 503
    broken = ask(conforming, by_scenario[Scenario.TRASIG], YEAR, SsbtVersion.V11)
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(broken.content)


def test_the_lefi_schema_is_a_json_schema() -> None:
    schema = json.loads(LEFI_SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$ref"] == f"#/$defs/{lefi_model()['root']}"


SCALAR_RULES = {
    "string": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
}
SPECIAL_PROPERTIES = {
    "belopp": ["summa", "valuta"],
    "omfattning": ["taljare", "namnare"],
    "frantill": ["fran", "till"],
}


def test_the_lefi_schema_and_model_agree() -> None:
    """Where the model (what the facade reads) and the JSON Schema (what LEFI allows) say the
    same thing, they say it alike: the same types, fields in the same order, kinds, lists,
    references, enumerations and the kinds of code keys."""
    schema = json.loads(LEFI_SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]
    # The model file as derived (the decoder's `lefi_model` types some of its strings as dates).
    model = json.loads((CONTRACT_DIR / "lefi-v9-model.json").read_text(encoding="utf-8"))
    assert set(schema) == set(model["types"]) | set(model["enums"])
    for name, values in model["enums"].items():
        assert schema[name]["enum"] == values, name
    for name, spec in model["types"].items():
        properties = schema[name]["properties"]
        if spec["kind"] == "code":
            key = properties[spec["key"]]
            kind = schema[key["$ref"].removeprefix("#/$defs/")] if "$ref" in key else key
            assert kind["type"] == spec["keyType"], name
            assert key.get("$ref", "").removeprefix("#/$defs/") == spec.get("enum", ""), name
            continue
        if spec["kind"] in SPECIAL_PROPERTIES:
            assert list(properties) == SPECIAL_PROPERTIES[spec["kind"]], name
            continue
        assert [f["name"] for f in spec["fields"]] == list(properties), name
        for f in spec["fields"]:
            rule = properties[f["name"]]
            if f.get("list"):
                assert rule["type"] == "array", (name, f["name"])
                rule = rule["items"]
            if "enum" in f:
                assert rule == {"$ref": f"#/$defs/{f['enum']}"}, (name, f["name"])
            elif f["type"] in SCALAR_RULES:
                kept = {k: rule[k] for k in ("type", "format") if k in rule}
                if kept.get("format") in ("double", "float"):
                    del kept["format"]
                assert kept == SCALAR_RULES[f["type"]], (name, f["name"])
            else:
                assert rule == {"$ref": f"#/$defs/{f['type']}"}, (name, f["name"])
