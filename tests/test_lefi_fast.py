"""The fast LEFI decoder answers exactly what the decoder before it answered (issue 23).

`resolvers.decode.lefi.decode` reads the base64 without copying it first, the JSON by msgspec
(numbers with a fraction as the Decimal of their text), and the document by readers compiled
once per model type; the decoder before it (`decode_before` here: base64 after taking out
blanks, the json module with Decimal, and `reference_normalise`, the general reading value by
value) is the definition it must keep. Both read the same FK `data` element, and what
they answer must be identical: the same dicts with their keys in the same order, values of the
same types (a Decimal with the same digits, a bool never an int), and the same `ovriga_falt`
entries, in the same order, with the same paths and JSON texts; or the same error.

What they read: every LEFI answer the simulator gives (every scenario person and 40 generated
people, over a year and over two, asked for every group and type of every class), those answers
with odd values put in at random places (wrong kinds, lists of one, left-out and unknown
properties), crafted answers (LEFI's own example deviations, numbers with digits a float would
lose, codes, amounts, extents and periods in other shapes), and documents of any shape
hypothesis makes.
"""

from __future__ import annotations

import base64
import json
import random
from collections import OrderedDict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from resolvers.contract import SsbtVersion
from resolvers.decode import lefi
from resolvers.xmlread import PayloadError, base64_of, parse_xml
from simulator.app import SimulatorConfig
from simulator.scenarios import SCENARIO_PEOPLE, Scenario
from tests.support import Simulator
from tests.support.raw_soap import answer_element, envelope, everything, hamta_question
from tests.test_lefi_decoder import _model_shaped, json_values
from tests.test_simulator_conformance import NO_ANSWER, PERIODS, generated_people

SSBT = "http://schema.forsakringskassan.se/integration/ssbt/11"
ROOT = "LefiExternFormansinformationSvar"
OBJECT_TYPES = sorted(
    name for name, spec in lefi.lefi_model()["types"].items() if spec["kind"] == "object"
)


def decode_before(data: etree._Element) -> dict[str, Any]:
    """The decoder before issue 23, from its parts that are still here."""
    document = lefi.read_json(base64_of(data, "lefiJsonSvar", "lefiJsonSvar"))
    if not isinstance(document, dict):
        raise PayloadError("lefiJsonSvar is not a JSON object")
    return lefi.reference_normalise(document, ROOT)


def differences(before: Any, after: Any, where: str = "answer") -> list[str]:
    """Where two decoded answers differ: types, key order, Decimal digits, values."""
    if type(before) is not type(after):
        return [f"{where}: {type(before).__name__} {before!r} vs {type(after).__name__} {after!r}"]
    if isinstance(before, dict):
        if list(before) != list(after):
            return [f"{where}: keys {list(before)} vs {list(after)}"]
        return [d for key in before for d in differences(before[key], after[key], f"{where}.{key}")]
    if isinstance(before, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items vs {len(after)}"]
        return [
            d
            for index, (old, new) in enumerate(zip(before, after, strict=True))
            for d in differences(old, new, f"{where}[{index}]")
        ]
    same = repr(before) == repr(after) if isinstance(before, Decimal | float) else before == after
    return [] if same else [f"{where}: {before!r} vs {after!r}"]


def outcome(decoder: Any, data: etree._Element) -> Any:
    """What a decoder answers, or the error it raises (its class, and a PayloadError's message:
    the answer's `fel` says it)."""
    try:
        return decoder(data)
    except PayloadError as exc:
        return ("PayloadError", str(exc))
    except RecursionError:
        return ("RecursionError",)


def assert_decoded_as_before(data: etree._Element) -> dict[str, Any]:
    """Decode `data` both ways; they must answer identically."""
    before, after = outcome(decode_before, data), outcome(lefi.decode, data)
    found = differences(before, after)
    assert found == [], "\n".join(found[:20])
    return after


def fk_data(payload: bytes | str) -> etree._Element:
    """An FK `data` element holding `payload` (bytes are base64-encoded first)."""
    encoded = payload if isinstance(payload, str) else base64.b64encode(payload).decode()
    return parse_xml(
        f'<s:data xmlns:s="{SSBT}"><s:lefiJsonSvar>{encoded}</s:lefiJsonSvar></s:data>', "test"
    )


# --- every answer the simulator gives --------------------------------------------------------


@pytest.fixture(scope="module")
def sim() -> Simulator:
    """A simulator whose slow person does not wait."""
    return Simulator(SimulatorConfig(slow_seconds=0))


def simulator_answer(sim: Simulator, number: str, period: dict[str, str]) -> etree._Element | None:
    """The FK `data` of the simulator's answer to everything, or None when FK answered an error."""
    version = SsbtVersion.V11
    question = hamta_question(
        version.namespace, number, period, everything(version, number, period)
    )
    response = sim.call("POST", content=envelope(question), headers={"content-type": "text/xml"})
    assert response.status_code == 200, response.text[:300]
    return answer_element(response.content).find("{*}svarsdata/{*}FK/{*}data")


@pytest.mark.parametrize(
    "number",
    [n for n, s in SCENARIO_PEOPLE.items() if s not in NO_ANSWER],
    ids=lambda n: SCENARIO_PEOPLE[n].value,
)
def test_every_scenario_persons_answer_decodes_as_before(sim: Simulator, number: str) -> None:
    for period in PERIODS:
        data = simulator_answer(sim, number, period)
        if SCENARIO_PEOPLE[number] in (Scenario.FEL_BT, Scenario.FEL_SSBT):
            assert data is None  # LEFI's error: nothing to decode
            continue
        assert data is not None
        assert_decoded_as_before(data)


def test_generated_peoples_answers_decode_as_before(sim: Simulator) -> None:
    for number in generated_people(40):
        for period in PERIODS:
            data = simulator_answer(sim, number, period)
            assert data is not None
            assert_decoded_as_before(data)


# --- the same answers with odd values at random places ---------------------------------------

ODD: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    7,
    2**64,
    Decimal("1250.50"),
    Decimal("0.1000000000000000055511151231257827"),
    Decimal("1E+5"),
    Decimal("-0.0"),
    Decimal("3.0"),
    "",
    "x",
    " 12 ",
    "1,5",
    "true",
    "2026-13",
    "2026-02-30",
    "2026-03-04+01:00",
    "2026-03-04T10:00:00",
    " 2026-01 ",
    "2026-W01-1",
    "٢٠٢٦-٠١-٠١",
    [],
    [None],
    ["2026-01-01", 3],
    {},
    {"id": 1},
    {"id": "B", "kod": "A", "beskrivning": "två nycklar"},
    {"kod": 5, "beskrivning": {"sv": "text"}, "extra": [1, 2]},
    {"id": Decimal("2.0"), "beskrivning": None},
    {"summa": "12,50", "valuta": "SEK"},
    {"summa": 12, "valuta": "SEK"},
    {"summa": Decimal("1.10")},
    {"summa": Decimal("9.99"), "valuta": "SEK", "moms": Decimal("0.00")},
    {"taljare": 1, "namnare": 0},
    {"taljare": "3", "namnare": 4},
    {"taljare": 3, "namnare": 4, "skala": "procent"},
    {"fran": 20260101, "till": "2026-01"},
    {"fran": "2026-01", "till": None, "tom": "x"},
    {"fran": "", "till": "2026-02"},
    {"nested": {"a": [Decimal("1.0"), 7, True, None]}},
]


def mutated(value: Any, rng: random.Random, rate: float) -> Any:
    """`value` with odd values put in at random: a property's value replaced by one of `ODD`,
    wrapped in a list of one, or left out; an unknown property added; an odd item put into a
    list; a list given as its first item."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            draw = rng.random()
            if draw < rate:
                out[key] = rng.choice(ODD)
            elif draw < 2 * rate:
                out[key] = [mutated(item, rng, rate)]
            elif draw >= 3 * rate:
                out[key] = mutated(item, rng, rate)
        if rng.random() < rate:
            out[f"okand{rng.randint(0, 9)}"] = rng.choice(ODD)
        return out
    if isinstance(value, list):
        items = [mutated(item, rng, rate) for item in value]
        if items and rng.random() < rate:
            items.insert(rng.randrange(len(items)), rng.choice(ODD))
        if rng.random() < rate / 2:
            return items[0] if items else None
        return items
    return value


@pytest.fixture(scope="module")
def raw_answers(sim: Simulator) -> list[bytes]:
    """LEFI answers of the simulator, their JSON: a scenario person with every group, one with
    several MB, and two generated people."""
    found = []
    for number in ["198503151238", "195804121233", *generated_people(2)]:
        data = simulator_answer(sim, number, PERIODS[0])
        assert data is not None
        found.append(base64_of(data, "lefiJsonSvar", "lefiJsonSvar"))
    return found


@pytest.fixture(scope="module")
def documents(raw_answers: list[bytes]) -> list[dict[str, Any]]:
    """Those answers as JSON read with Decimal by the json module."""
    return [lefi.read_json(raw) for raw in raw_answers]


def sent(document: Any) -> etree._Element:
    """An FK `data` element with `document` as LEFI JSON, numbers with the digits they have."""
    return fk_data(lefi.json_text(document).encode())


@pytest.mark.parametrize("seed", range(12))
def test_answers_with_odd_values_decode_as_before(
    documents: list[dict[str, Any]], seed: int
) -> None:
    rng = random.Random(seed)
    document = documents[seed % len(documents)]
    rate = (0.01, 0.05, 0.2)[seed % 3]
    answer = assert_decoded_as_before(sent(mutated(document, rng, rate)))
    kept = list(kept_values(answer))
    assert kept, "the odd values are kept somewhere"


def kept_values(value: Any) -> Iterator[Any]:
    """Every `ovriga_falt` entry of a decoded answer."""
    if isinstance(value, dict):
        yield from value.get(lefi.UNKNOWN, [])
        for item in value.values():
            yield from kept_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from kept_values(item)


# --- crafted answers ---------------------------------------------------------------------------

CRAFTED = {
    "the spec example's deviations": """{"avvikelser": [], "formansinformation": {
        "sjukpenningarende": [{"startades": "2024-01-02", "aktivt": true, "avslaget": false,
        "beslut": {"fattades": "2024-01-05", "ersattning": {"id": 101, "beskrivning": "S"},
        "forman": "SJP", "omfattning": {"taljare": 3, "namnare": 4},
        "period": {"fran": "2024-01"}}}]}}""",
    "numbers a float would change": """{"formansinformation": {"sjukpenningarende": [
        {"okand": 1250.50, "lang": 0.1000000000000000055511151231257827, "exp": 1e5,
         "E": 1E+16, "noll": -0.0, "stor": 18446744073709551616,
         "nested": {"a": [1.0, 7, true, null, 1.10]},
         "beslut": [{"dagar": 3.0, "beslutatBruttobelopp": {"summa": 1250.50, "valuta": "SEK"},
                     "omfattning": {"taljare": 1.0, "namnare": 2}}]}],
        "utbetalningsuppgift": [{"bruttobelopp": {"summa": 100, "valuta": "SEK"},
          "nettobelopp": {"summa": 1e2}, "skattebelopp": {"summa": "99,50", "valuta": "SEK"},
          "typ": {"id": 1.0, "beskrivning": "Månad"}}]},
        "utbetalningar": [{"bruttobelopp": 1200, "nettobelopp": 1.50,
                           "utbetalningsrader": [{"belopp": -0.0}]}]}""",
    "NaN and Infinity, which the json module reads": """{"utbetalningar": [
        {"bruttobelopp": NaN, "nettobelopp": Infinity, "x": -Infinity}]}""",
    "codes in every shape": """{"formansinformation": {"utbetalningsuppgift": [
        {"typ": {"id": "M", "beskrivning": "Månad"}, "foretag": {"kod": 1001},
         "formansfamilj": {"id": 5, "beskrivning": "SJP"}, "utbetalningsdetalj": [
           {"forman": {"id": "SJP", "beskrivning": {"sv": "Sjukpenning"}}},
           {"forman": {"kod": "SJP", "id": "X", "beskrivning": "b"}},
           {"forman": {"beskrivning": "ingen kod"}}, {"forman": ["SJP"]}, {"forman": [["SJP"]]},
           {"forman": 17}, {"forman": true}, {"forman": null}, {"forman": {"id": null}},
           {"beloppstyp": {"id": "A", "beskrivning": null}}, {"beloppstyp": {"id": "A"}}]}],
        "generellPersoninformation": [{"civilstand": {"id": "G", "beskrivning": "Gift"},
          "adress": [{"roller": [{"id": 1}, 2, "3", null, {"id": "x"}, [4]],
                      "utdelningadress": ["a", null, 3, {"rad": 1}, true]}]},
          {"namn": "Andra"}]}}""",
    "extents, amounts and periods in other shapes": """{"formansinformation": {
        "sjukpenningarende": [{"beslut": [
          {"omfattning": {"taljare": 1, "namnare": 0}}, {"omfattning": {"namnare": 4}},
          {"omfattning": {"taljare": 3, "namnare": 4, "skala": "procent"}},
          {"omfattning": "75%"}, {"omfattning": [{"taljare": 1, "namnare": 2}]},
          {"period": {"fran": "2026-01", "till": "2026-13"}}, {"period": {"fran": 20260101}},
          {"period": {"typ": 3, "fran": "2026-02-01", "till": {"dag": 31}}},
          {"period": {"fran": " 2026-02 ", "till": ""}}, {"period": "2026"},
          {"period": {"fran": "0000-05", "till": "2026-02-30"}},
          {"beslutatBruttobelopp": {"summa": "abc", "valuta": "SEK", "extra": 1}},
          {"beslutatBruttobelopp": 12.5}, {"beslutatBruttobelopp": "12,5"},
          {"beslutatBruttobelopp": {"valuta": {"kod": "SEK"}, "summa": 1}},
          {"beslutatBruttobelopp": [1, 2]}]}]}}""",
    "dates and days": """{"formansinformation": {"sjukpenningarende": [{"beslut": [
        {"ersattningsdagar": [{"ersattningsdatum": "2026-03-04"},
          {"ersattningsdatum": "2026-03-04+01:00"}, {"ersattningsdatum": "2026-03-04Z"},
          {"ersattningsdatum": " 2026-03-05 "}, {"ersattningsdatum": "2026-03-04T10:00:00"},
          {"ersattningsdatum": "den fjärde"}, {"ersattningsdatum": 20260304},
          {"ersattningsdatum": ["2026-03-06"]}, {"ersattningsdatum": ["a", "b"]},
          {"ersattningsdatum": "2026-W10-3"}, {"ersattningsdatum": "2026-02-30"}]}]}]}}""",
    "objects where lists belong, and the other way": """{"utlamnare": {"utlamnare":
        {"kod": "FK"}}, "avvikelser": {"formansinformation": {"avvikelse": {"kod": "OBEHORIG"}}},
        "ansprak": [null, 3, "x", [1, 2], {"ansprakid": ["A1"]}], "beslut": "inget",
        "formansinformation": [{"a": 1}, 2], "okand": {"djup": [[[1.50]]]}}""",
    "keys twice": """{"utbetalningar": [{"nettobelopp": 1, "nettobelopp": 2.50, "x": 1,
        "x": 2}]}""",
    "not an object": "[1, 2]",
    "not JSON": "{broken",
    "empty": "",
    "deep": "[" * 5000 + "]" * 5000,
    "deep in an unknown property": '{"okand": ' + "[" * 300 + "]" * 300 + "}",
    "too deep in an unknown property": '{"okand": ' + "[" * 950 + "]" * 950 + "}",
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_answers_decode_as_before(name: str) -> None:
    assert_decoded_as_before(fk_data(CRAFTED[name].encode()))


# JSON texts msgspec refuses and the json module reads, or refuses otherwise: both decoders must
# end the same way (msgspec's refusal is never the answer).
REFUSED_BY_MSGSPEC = {
    "a byte order mark": b'\xef\xbb\xbf{"utbetalningar": [{"bruttobelopp": 1.50}]}',
    "UTF-16": '{"utbetalningar": [{"nettobelopp": 2.50}]}'.encode("utf-16"),
    "UTF-32": '{"okand": "å"}'.encode("utf-32"),
    "an escaped lone surrogate": b'{"okand": "\\ud800", "ansprak": [{"ansprakid": "\\udfff"}]}',
    "an encoded surrogate": b'{"okand": "\xed\xa0\x80"}',
    "bytes that are not UTF-8": b'{"okand": "\xc3"}',
    "an integer of 5,000 digits": b'{"okand": ' + b"1" * 5000 + b"}",
    "an exponent no Decimal holds": b'{"utbetalningar": [{"bruttobelopp": 1e9999999999999999999}]}',
    "a trailing comma": b'{"okand": [1, 2,]}',
}


@pytest.mark.parametrize("name", list(REFUSED_BY_MSGSPEC))
def test_what_msgspec_refuses_decodes_as_before(name: str) -> None:
    data = fk_data(REFUSED_BY_MSGSPEC[name])
    try:
        assert_decoded_as_before(data)
    except (ValueError, ArithmeticError) as exc:  # what the decoder before raised, as it did
        with pytest.raises(type(exc)):
            decode_before(data)


@pytest.mark.parametrize(
    "payload",
    [
        "\n".join(base64.encodebytes(b'{"utbetalningar": [{"bruttobelopp": 1}]}').decode().split()),
        "  " + base64.b64encode(b"{}").decode() + "\n",
        base64.b64encode(b'{"a": 1}').decode()[:-1],
        "!!!not base64",
        "e30=å",
        "",
    ],
    ids=["lines", "blanks", "padding", "not base64", "not ASCII", "empty"],
)
def test_base64_is_read_as_before(payload: str) -> None:
    assert_decoded_as_before(fk_data(payload))


def test_a_missing_or_nil_payload_is_refused_as_before() -> None:
    for xml in (
        f'<s:data xmlns:s="{SSBT}"/>',
        f'<s:data xmlns:s="{SSBT}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<s:lefiJsonSvar xsi:nil="true"/></s:data>',
    ):
        data = parse_xml(xml, "test")
        assert outcome(lefi.decode, data) == outcome(decode_before, data)
        assert outcome(lefi.decode, data) == ("PayloadError", "lefiJsonSvar is missing")


# --- any document, read as any type -------------------------------------------------------------


def assert_read_as_before(value: Any, type_name: str) -> None:
    found = differences(
        lefi.reference_normalise(value, type_name), lefi.normalise(value, type_name)
    )
    assert found == [], "\n".join(found[:20])


@settings(suppress_health_check=list(HealthCheck), deadline=None, max_examples=150)
@given(st.sampled_from(OBJECT_TYPES).flatmap(lambda t: st.tuples(st.just(t), _model_shaped(t))))
def test_model_shaped_documents_read_as_before(typed: tuple[str, Any]) -> None:
    type_name, document = typed
    assert_read_as_before(document, type_name)


@settings(suppress_health_check=list(HealthCheck), deadline=None, max_examples=100)
@given(st.sampled_from(OBJECT_TYPES), json_values)
def test_any_json_reads_as_before(type_name: str, document: Any) -> None:
    assert_read_as_before(document, type_name)


@pytest.mark.parametrize(
    "value",
    [
        [],
        [1, {"a": 1}],
        5,
        "x",
        None,
        True,
        Decimal("1.50"),
        OrderedDict([("namn", "N"), ("x", 1)]),
        {"namn": "N", "avled": "2020-01-01", "okand": date(2020, 1, 1).isoformat()},
    ],
)
def test_odd_values_of_an_object_type_read_as_before(value: Any) -> None:
    for type_name in ("LefiPerson", ROOT, "LefiFormansinformation"):
        assert_read_as_before(value, type_name)


# --- the fast paths are LEFI's own shapes -------------------------------------------------------


def test_the_simulators_answers_take_only_fast_paths(
    raw_answers: list[bytes], documents: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer in the shapes LEFI sends (the simulator's conform to LEFI's schema) is read
    by msgspec, not the json module, and without the general reading: no value goes to
    `_value`, but a date text seen for the first time (then remembered) and a date-time (a few
    in an answer, read as before)."""

    def refused(raw: bytes) -> Any:
        raise AssertionError("msgspec refused a simulator answer")

    with monkeypatch.context() as patched:
        patched.setattr(lefi, "read_json", refused)
        read = [lefi.json_document(raw) for raw in raw_answers]
    assert differences(documents, read) == []

    general: list[tuple[Any, Any]] = []
    value = lefi._value

    def counted(raw: Any, field: dict[str, Any], path: Any, unknown: list[Any]) -> Any:
        if field["type"] not in ("date", "datetime") or raw in lefi._DAYS:
            general.append((field["name"], raw))
        return value(raw, field, path, unknown)

    monkeypatch.setattr(lefi, "_value", counted)
    lefi._readers.cache_clear()
    try:
        for document in documents:
            lefi.normalise(document, ROOT)
    finally:
        lefi._readers.cache_clear()
    assert general == []


# --- a large JSON text read a piece at a time ---------------------------------------------------

_JSON_TEXTS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=25,
)


@settings(suppress_health_check=list(HealthCheck), deadline=None, max_examples=200)
@given(_JSON_TEXTS, st.sampled_from([b"", b" ", b"\n"]), st.integers(0, 40))
def test_a_json_text_read_in_pieces_is_read_as_whole(
    value: Any, blank: bytes, piece_bytes: int
) -> None:
    """Read a piece at a time (here pieces of a few bytes: every object and array read as its
    members' texts first), any JSON text gives what one msgspec call gives: the same values and
    types, keys in the same order, numbers with a fraction as the Decimal of their text."""
    text = blank + json.dumps(value).encode() + blank
    original = lefi.JSON_PIECE_BYTES
    lefi.JSON_PIECE_BYTES = piece_bytes
    try:
        whole, pieces = outcome(lefi._JSON.decode, text), outcome(lefi._in_pieces, text)
    finally:
        lefi.JSON_PIECE_BYTES = original
    assert repr(pieces) == repr(whole)


def test_a_duplicate_key_read_in_pieces_keeps_the_last_value_where_it_first_stood() -> None:
    text = b'{"a": [1.50, {"b": 2}], "c": "x", "a": {"d": [0.10, 3]}}'
    original = lefi.JSON_PIECE_BYTES
    lefi.JSON_PIECE_BYTES = 1
    try:
        pieces = lefi._in_pieces(text)
    finally:
        lefi.JSON_PIECE_BYTES = original
    assert repr(pieces) == repr(lefi._JSON.decode(text))
    assert list(pieces) == ["a", "c"] and pieces["a"]["d"][0] == Decimal("0.10")
