"""The simulated LEFI answer writes its codes as LEFI does: each code with its Swedish words
(`beskrivning`), never the code again, and a code whose meaning the contract does not give
says so in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.lefi import lefi_answer, model
from simulator.lefi_words import ENUMS, GROUPS, OVRIG_INFORMATION, UNKNOWN
from simulator.people import person_for
from simulator.scenarios import Scenario
from tests.support.raw_soap import EVERY_LEFI_CODE

ALLA = "198503151238"
PERIOD = {"from": "2025-07-01", "tom": "2026-06-30"}
# Groups and types answered with an avvikelse, so that those carry words too.
OBEHORIGA = frozenset({"FK:EJO", "PM:EF", "PM:PU"})


def every_code_answer() -> dict[str, Any]:
    """The LEFI answer for the person who has every group and type, asked everything."""
    question = {"period": PERIOD, **EVERY_LEFI_CODE}
    return lefi_answer(question, person_for(ALLA, Scenario.ALLA), Scenario.ALLA, OBEHORIGA)


def coded(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, code, words) of every `{kod|id, beskrivning}` in an answer."""
    if isinstance(value, dict):
        code = value.get("kod", value.get("id"))
        if code is not None and "beskrivning" in value:
            yield path, str(code), value["beskrivning"]
        for key, item in value.items():
            yield from coded(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from coded(item, f"{path}[{index}]")


def parroted(answer: Any) -> list[tuple[str, str, Any]]:
    """The codes whose words are no words: missing, the code again (with or without its
    prefix), or a placeholder."""
    return [
        (path, code, words)
        for path, code, words in coded(answer)
        if not isinstance(words, str)
        or words.strip() in (code, code.split(":")[-1], "")
        or words.startswith("Beskrivning av")
    ]


@pytest.fixture(scope="module")
def answer() -> dict[str, Any]:
    return every_code_answer()


def test_every_code_has_words_of_its_own(answer: dict[str, Any]) -> None:
    found = list(coded(answer))
    assert len(found) > 1000  # codes of every kind: groups, payments, decisions, cases
    assert parroted(answer) == []


def test_the_check_finds_codes_written_again() -> None:
    """The simulator's codes before: the group, family and placeholder words."""
    before = {
        "formansfamilj": {"id": "SJP", "beskrivning": "SJP"},
        "formansgrupp": {"kod": "PM:AP", "beskrivning": "PM:AP"},
        "ovrigInformationstyp": {"kod": "FK:GEPI", "beskrivning": "GEPI"},
        "periodicitet": {"id": 3, "beskrivning": "Beskrivning av 3"},
        "forman": {"id": "SJP", "beskrivning": None},
    }
    assert len(parroted(before)) == len(before)


def test_groups_and_payments_carry_the_contracts_words(answer: dict[str, Any]) -> None:
    # (the last two names of the path, code): words
    words = {
        ("/".join(re.sub(r"\[\d+\]", "", path).split("/")[-2:]), code): text
        for path, code, text in coded(answer)
    }
    assert words[("utbetalningsuppgift/formansfamilj", "SJP")] == "Sjukpenning"
    assert words[("utbetalningsuppgift/formansfamilj", "BOB")] == "Bostadsbidrag"
    assert words[("utbetalningsuppgift/typ", "1")] == "Månad"
    assert words[("utbetalningsuppgift/foretag", "1001")] == "Försäkringskassan"
    assert words[("utbetalningsuppgift/foretag", "1003")] == "Pensionsmyndigheten"
    assert words[("utbetalningsdetalj/beloppstyp", "PS")] == "Preliminär skatt"
    assert words[("utbetalningsdetalj/beloppstyp", "PST")] == "Preliminär skatt tidigare år"
    assert words[("utbetalningsrader/formansgrupp", "PM:AP")] == "Allmän pension"
    assert words[("avdrag/avdragstyp", "PM:PS")] == "Preliminär skatt"
    assert words[("ovrigInformation/informationstyp", "PM:LINT")] == "Levnadsintyg"
    # A group LEFI lists without saying what it is says so, in Swedish.
    assert "innebörd inte anges" in words[("utbetalningar/formansgrupp", "FK:EJO")]


def test_every_group_and_type_has_words() -> None:
    enums = model()["enums"]
    assert set(GROUPS) == set(enums["LefiExternFormanGruppKod"])
    assert set(OVRIG_INFORMATION) == set(enums["LefiExternOvrigInformationTypKod"])
    every_code = {code for codes in enums.values() for code in codes}
    for enum, words in ENUMS.items():
        assert enum in enums
        assert set(words) <= every_code, enum  # words only for codes the contract has
        assert UNKNOWN not in words.values()
