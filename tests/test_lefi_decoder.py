"""Lenient, lossless reading of the LEFI JSON inside the FK part."""

from __future__ import annotations

import base64
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resolvers.agencies import Agency
from resolvers.decode import lefi
from resolvers.decode.answer import Kalla, decode_answer
from resolvers.decode.lefi import normalise
from resolvers.xmlread import PayloadError, UnknownValue, parse_xml
from schema.lefi_fields import FK_FIELDS

SSBT = "http://schema.forsakringskassan.se/integration/ssbt/11"


def fk_data(payload: bytes | str) -> object:
    text = payload if isinstance(payload, str) else base64.b64encode(payload).decode()
    return parse_xml(
        f'<s:data xmlns:s="{SSBT}"><s:lefiJsonSvar>{text}</s:lefiJsonSvar></s:data>', "test"
    )


def decode(document: dict) -> dict:
    return lefi.decode(fk_data(json.dumps(document).encode()))


def test_the_spec_examples_deviations_are_read() -> None:
    answer = decode(
        {
            "avvikelser": [],
            "formansinformation": {
                "sjukpenningarende": [
                    {
                        "startades": "2024-01-02",
                        "aktivt": True,
                        "avslaget": False,
                        "beslut": {
                            "fattades": "2024-01-05",
                            "ersattning": {"id": 101, "beskrivning": "Sjukpenning"},
                            "forman": "SJP",
                            "omfattning": {"taljare": 3, "namnare": 4},
                            "period": {"fran": "2024-01"},
                        },
                    }
                ]
            },
        }
    )
    assert answer["avvikelser"]["formansinformation"] == []
    [case] = answer["formansinformation"]["sjukpenningarende"]
    assert case["ovriga_falt"] == [UnknownValue("avslaget", "false")]
    [beslut] = case["beslut"]  # one object where the schema has a list
    assert beslut["ersattning"] == "101"
    assert beslut["ovriga_falt"] == [
        UnknownValue("ersattning", '{"id": 101, "beskrivning": "Sjukpenning"}')
    ]
    assert beslut["forman"] == {"kod": "SJP", "beskrivning": None}
    assert beslut["omfattning"] == {"taljare": 3, "namnare": 4, "andel": Decimal("0.75")}
    assert beslut["period"]["fran_datum"] == date(2024, 1, 1)
    assert beslut["period"]["till_datum"] is None


def test_amounts_are_decimals_and_codes_take_both_shapes() -> None:
    answer = decode(
        {
            "formansinformation": {
                "utbetalningsuppgift": [
                    {
                        "typ": {"id": 1, "beskrivning": "Månad"},
                        "formansfamilj": "SJP",
                        "bruttobelopp": {"summa": 1250.5, "valuta": "SEK"},
                        "period": {"fran": "2024-02", "till": "2024-02"},
                    }
                ]
            }
        }
    )
    [payment] = answer["formansinformation"]["utbetalningsuppgift"]
    assert payment["bruttobelopp"]["summa"] == Decimal("1250.5")
    assert isinstance(payment["bruttobelopp"]["summa"], Decimal)
    assert payment["typ"] == {"kod": "1", "beskrivning": "Månad"}
    assert payment["formansfamilj"] == {"kod": "SJP", "beskrivning": None}
    assert payment["period"]["till_datum"] == date(2024, 2, 29)


def test_unknown_properties_and_wrong_kinds_are_kept() -> None:
    answer = decode(
        {
            "nyttFalt": {"a": 1},
            "ansprak": [{"ankomstdatum": "not a date", "ansprakid": "A1"}],
            "utbetalningar": [{"bruttobelopp": "1200", "nettobelopp": 1.5}],
        }
    )
    assert UnknownValue("nyttFalt", '{"a": 1}') in answer["ovriga_falt"]
    [claim] = answer["ansprak"]
    assert claim["ankomstdatum"] is None
    assert claim["ovriga_falt"] == [UnknownValue("ankomstdatum", '"not a date"')]
    [payment] = answer["utbetalningar"]
    assert payment["bruttobelopp"] == 1200
    assert payment["nettobelopp"] is None
    assert payment["ovriga_falt"] == [UnknownValue("nettobelopp", "1.5")]  # still a number


@pytest.mark.parametrize(
    ("payload", "why"),
    [("!!!not base64", "base64"), (base64.b64encode(b"{broken").decode(), "JSON")],
)
def test_a_broken_payload_is_the_agencys_fel(payload: str, why: str) -> None:
    with pytest.raises(PayloadError, match=why):
        lefi.decode(fk_data(payload))
    response = parse_xml(
        f'<s:r xmlns:s="{SSBT}"><s:svarsdata><s:FK><s:data><s:lefiJsonSvar>{payload}'
        "</s:lefiJsonSvar></s:data></s:FK></s:svarsdata></s:r>",
        "test",
    )
    fel = decode_answer(response, [Agency.FK]).parts[Agency.FK].fel
    assert (fel.kalla, fel.felkod) == (Kalla.FACADE, "INVALID_PAYLOAD")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(["utlamnare", "avvikelser", "formansinformation",
                                        "ansprak", "beslut", "x"]), json_values))  # fmt: skip
def test_any_json_reads_without_crashing(document: dict) -> None:
    result = normalise(document, "LefiExternFormansinformationSvar")
    assert isinstance(result["utlamnare"], list)
    assert isinstance(result["ovriga_falt"], list)
    given_utlamnare = document.get("utlamnare")
    items = (
        []
        if given_utlamnare is None
        else given_utlamnare
        if isinstance(given_utlamnare, list)
        else [given_utlamnare]
    )
    assert len(result["utlamnare"]) == len(items)  # one entry per item sent, none lost
    for item, read in zip(items, result["utlamnare"], strict=True):
        if isinstance(item, list):  # a list where an object belongs: each element kept
            assert read["ovriga_falt"] == [
                UnknownValue(f"[{i}]", json.dumps(element, ensure_ascii=False))
                for i, element in enumerate(item)
            ]
        elif not isinstance(item, dict):  # a scalar where an object belongs: kept whole
            assert read["ovriga_falt"] == [UnknownValue("", json.dumps(item, ensure_ascii=False))]
        else:  # properties the model does not know: kept whole
            for key, value in item.items():
                if key not in ("utlamnare", "tillstand"):
                    kept = UnknownValue(key, json.dumps(value, ensure_ascii=False))
                    assert kept in read["ovriga_falt"]
    if "x" in document:  # a property the model does not know: kept whole, as JSON
        kept = UnknownValue("x", json.dumps(document["x"], ensure_ascii=False))
        assert kept in result["ovriga_falt"]


def _model_shaped(type_name: str, depth: int = 0) -> st.SearchStrategy:
    """Documents shaped like the LEFI model, with odd values where any value may come."""
    from resolvers.decode.lefi import lefi_model

    spec = lefi_model()["types"][type_name]
    odd = st.sampled_from(
        ["", "2026-13", "2026-00", "0000-05", "2026-02-30", "x", "-1", "1e400", "NaN"]
    ) | st.integers(-(10**12), 10**12) | st.booleans() | st.none() | st.decimals(
        allow_nan=False, allow_infinity=False, places=2
    )  # fmt: skip
    if spec["kind"] != "object" or depth > 3:
        shaped = {
            "code": st.fixed_dictionaries({}, optional={"kod": odd, "id": odd, "beskrivning": odd}),
            "belopp": st.fixed_dictionaries({}, optional={"summa": odd, "valuta": odd}),
            "omfattning": st.fixed_dictionaries({}, optional={"taljare": odd, "namnare": odd}),
            "frantill": st.fixed_dictionaries({}, optional={"fran": odd, "till": odd}),
        }.get(spec["kind"], st.just({}))
        return shaped | odd
    optional = {}
    for field in spec["fields"]:
        inner = field["type"]
        value = (
            odd
            if inner in ("string", "integer", "number", "boolean", "date", "datetime")
            else st.deferred(lambda t=inner: _model_shaped(t, depth + 1))
        )
        optional[field["name"]] = (
            st.lists(value, max_size=2) | value if field.get("list") else value
        )
    return st.fixed_dictionaries({}, optional=optional)


@settings(suppress_health_check=list(HealthCheck), deadline=None, max_examples=60)
@given(_model_shaped("LefiFormansinformation"))
def test_model_shaped_documents_never_fail_the_whole_answer(document: dict) -> None:
    result = normalise({"formansinformation": document}, "LefiExternFormansinformationSvar")
    assert isinstance(result["formansinformation"], dict)
    read = result["formansinformation"]
    for name, value in document.items():  # every list field: one entry per item sent
        sent = len(value) if isinstance(value, list) else 1
        if ("LefiFormansinformation", name) in lefi.AT_MOST_ONE:  # one read, more kept
            assert len(read[name]) == min(sent, 1), name
            kept = [u.path for u in read["ovriga_falt"] if u.path.startswith(f"{name}[")]
            assert kept == [f"{name}[{i}]" for i in range(1, sent)]
        else:
            assert len(read[name]) == sent, name
    # odd values stay in the item they came in
    assert all(u.path.startswith("generellPersoninformation[") for u in read["ovriga_falt"])
    assert result["ovriga_falt"] == []


def test_a_bad_month_in_one_period_stays_in_that_period() -> None:
    answer = decode(
        {
            "formansinformation": {
                "sjukpenningarende": [
                    {"beslut": [{"period": {"fran": "2026-01", "till": "2026-13"}}]}
                ],
                "barnbidragsarende": [{"beslut": [{"period": {"fran": "2026-01"}}]}],
            }
        }
    )
    period = answer["formansinformation"]["sjukpenningarende"][0]["beslut"][0]["period"]
    assert period["till"] == "2026-13" and period["till_datum"] is None
    assert period["fran_datum"] == date(2026, 1, 1)
    other = answer["formansinformation"]["barnbidragsarende"][0]["beslut"][0]["period"]
    assert other["fran_datum"] == date(2026, 1, 1)
    assert (other["till"], other["till_datum"]) == (None, None)


def test_lefi_date_strings_are_dates_and_a_bad_one_is_kept() -> None:
    """Properties LEFI types as strings but describes as calendar days are read as dates; a
    value that is no date is null and kept in `ovriga_falt`, never dropped."""
    good = normalise({"ersattningsdatum": "2026-03-04"}, "LefiSjukpenningDag")
    assert good["ersattningsdatum"] == date(2026, 3, 4)
    assert good["ovriga_falt"] == []
    bad = normalise({"ersattningsdatum": "den fjärde"}, "LefiSjukpenningDag")
    assert bad["ersattningsdatum"] is None
    assert [(u.path, u.value) for u in bad["ovriga_falt"]] == [("ersattningsdatum", '"den fjärde"')]


def test_kept_values_name_their_place_in_lists_and_amounts() -> None:
    """Paths of kept values: a list item by its index, a part of an amount after a slash."""
    payment = normalise(
        {"bruttobelopp": {"summa": "abc", "valuta": "SEK", "extra": 1}}, "LefiUtbetalningUppgift"
    )
    assert payment["ovriga_falt"] == [
        UnknownValue("bruttobelopp/summa", '"abc"'),
        UnknownValue("bruttobelopp/extra", "1"),
    ]
    earned = normalise({"poang": [Decimal("1.5"), "x"]}, "LefiIntjanandeUppgift")
    assert earned["poang"] == [Decimal("1.5"), None]
    assert earned["ovriga_falt"] == [UnknownValue("poang[1]", '"x"')]


def test_values_of_the_wrong_kind_are_kept_and_the_rest_stays_typed() -> None:
    """A crafted answer with values of kinds LEFI does not allow: each is kept in `ovriga_falt`
    of the object it came in, with its path and as it came; every other value is typed."""
    answer = decode(
        {
            "formansinformation": {
                "utbetalningsuppgift": [
                    {
                        "typ": {"id": "M", "beskrivning": "Månad"},  # LefiSifferkod: a number
                        "foretag": {"id": 1001, "beskrivning": "Försäkringskassan"},
                        "formansfamilj": {"id": 5, "beskrivning": "SJP"},  # Bokstavskod: text
                        "datum": "2026-01-25",
                        "period": {"fran": 20260101, "till": "2026-01-31", "tom": "x"},
                        "bruttobelopp": {"summa": "mycket", "valuta": "SEK"},
                        "nettobelopp": {"summa": 1250.5, "valuta": "SEK"},
                        "utbetalningsdetalj": [
                            {
                                "forman": {"id": "SJP", "beskrivning": {"sv": "Sjukpenning"}},
                                "period": {"fran": "2026-01", "till": {"dag": 31}},
                                "dagar": "trettio",
                                "timmar": 8,
                            }
                        ],
                    }
                ],
                "generellPersoninformation": [
                    {
                        "personnummer": "198503151238",
                        "skyddad": "kanske",
                        "civilstand": {"id": "G", "beskrivning": "Gift"},
                    }
                ],
            }
        }
    )
    fk = answer["formansinformation"]
    [payment] = fk["utbetalningsuppgift"]
    assert set(payment["ovriga_falt"]) == {
        UnknownValue("typ/id", '"M"'),
        UnknownValue("formansfamilj/id", "5"),
        UnknownValue("period/fran", "20260101"),
        UnknownValue("period/tom", '"x"'),
        UnknownValue("bruttobelopp/summa", '"mycket"'),
    }
    assert len(payment["ovriga_falt"]) == 5
    assert payment["typ"] == {"kod": "M", "beskrivning": "Månad"}
    assert payment["foretag"] == {"kod": "1001", "beskrivning": "Försäkringskassan"}
    assert payment["formansfamilj"] == {"kod": "5", "beskrivning": "SJP"}
    assert payment["datum"] == date(2026, 1, 25)
    assert payment["period"] == {
        "fran": None,
        "till": "2026-01-31",
        "fran_datum": None,
        "till_datum": date(2026, 1, 31),
    }
    assert payment["bruttobelopp"] == {"summa": None, "valuta": "SEK"}
    assert payment["nettobelopp"] == {"summa": Decimal("1250.5"), "valuta": "SEK"}
    [row] = payment["utbetalningsdetalj"]
    assert row["ovriga_falt"] == [
        UnknownValue("forman/beskrivning", '{"sv": "Sjukpenning"}'),
        UnknownValue("period/till", '{"dag": 31}'),
        UnknownValue("dagar", '"trettio"'),
    ]
    assert row["forman"] == {"kod": "SJP", "beskrivning": None}
    assert row["period"]["fran_datum"] == date(2026, 1, 1)
    assert (row["period"]["till"], row["period"]["till_datum"]) == (None, None)
    assert (row["dagar"], row["timmar"]) == (None, 8)
    [person] = fk["generellPersoninformation"]
    assert set(person["ovriga_falt"]) == {
        UnknownValue("civilstand/id", '"G"'),
        UnknownValue("skyddad", '"kanske"'),
    }
    assert person["personnummer"] == "198503151238"
    assert (person["skyddad"], person["civilstand"]["kod"]) == (None, "G")


def test_codes_of_the_right_kind_keep_nothing() -> None:
    """The simulator's shapes (LefiBokstavskod `id` text, LefiSifferkod `id` a number) leave
    `ovriga_falt` empty."""
    payment = normalise(
        {
            "typ": {"id": 1, "beskrivning": "Månad"},
            "formansfamilj": {"id": "SJP", "beskrivning": "Sjukpenning"},
            "period": {"fran": "2026-01-01", "till": "2026-01-31"},
        },
        "LefiUtbetalningUppgift",
    )
    assert payment["ovriga_falt"] == []
    assert (payment["typ"]["kod"], payment["formansfamilj"]["kod"]) == ("1", "SJP")


def test_kept_numbers_are_written_as_lefi_sent_them() -> None:
    """A number kept in `ovrigaFalt` keeps its digits: no trip through float (issue 18)."""
    raw = (
        b'{"formansinformation": {"sjukpenningarende": [{"okand": 1250.50, '
        b'"lang": 0.1000000000000000055511151231257827, "nested": {"a": [1.0, 7, true, null]}}]}}'
    )
    [case] = lefi.decode(fk_data(raw))["formansinformation"]["sjukpenningarende"]
    assert case["ovriga_falt"] == [
        UnknownValue("okand", "1250.50"),
        UnknownValue("lang", "0.1000000000000000055511151231257827"),
        UnknownValue("nested", '{"a": [1.0, 7, true, null]}'),
    ]


def test_what_lefi_leaves_out_is_null_and_extra_parts_are_kept() -> None:
    """An extent without `taljare`/`namnare` is null, not 0; properties a code, an amount, an
    extent or a period does not have are kept; a null in a list of texts stays null."""
    beslut = normalise(
        {
            "omfattning": {"namnare": 4, "skala": "procent"},
            "period": {"fran": "2026-01-01", "till": None, "typ": 3},
            "forman": {"id": "A", "kod": "B", "beskrivning": "A eller B"},
            "beslutatBruttobelopp": {"summa": Decimal("10.50"), "valuta": {"kod": "SEK"}},
        },
        "LefiHandikappersattningBeslut",
    )
    assert beslut["omfattning"] == {"taljare": None, "namnare": 4, "andel": None}
    assert beslut["period"]["fran"] == "2026-01-01" and beslut["period"]["till"] is None
    assert beslut["forman"] == {"kod": "A", "beskrivning": "A eller B"}
    assert beslut["beslutatBruttobelopp"] == {"summa": Decimal("10.50"), "valuta": None}
    assert beslut["ovriga_falt"] == [
        UnknownValue("forman/kod", '"B"'),
        UnknownValue("period/typ", "3"),
        UnknownValue("beslutatBruttobelopp/valuta", '{"kod": "SEK"}'),
        UnknownValue("omfattning/skala", '"procent"'),
    ]
    person = normalise({"avled": ["2020-01-01", None]}, "LefiPerson")
    assert person["avled"] == ["2020-01-01", None]


def test_a_date_with_more_than_a_day_is_kept_not_cut() -> None:
    day = normalise({"ersattningsdatum": "2026-03-04T10:00:00"}, "LefiSjukpenningDag")
    assert day["ersattningsdatum"] is None
    assert day["ovriga_falt"] == [UnknownValue("ersattningsdatum", '"2026-03-04T10:00:00"')]
    offset = normalise({"ersattningsdatum": "2026-03-04+01:00"}, "LefiSjukpenningDag")
    assert offset["ersattningsdatum"] == date(2026, 3, 4) and offset["ovriga_falt"] == []


def test_a_second_general_person_information_is_kept() -> None:
    """`generellPersoninformation` may hold one item (the contract's maxItems 1), shown as one
    object: a second one LEFI sends is kept as sent, not dropped."""
    info = normalise(
        {
            "generellPersoninformation": [
                {"namn": "Första"},
                {"namn": "Andra", "x": Decimal("1.50")},
            ]
        },
        "LefiFormansinformation",
    )
    assert [item["namn"] for item in info["generellPersoninformation"]] == ["Första"]
    assert info["ovriga_falt"] == [
        UnknownValue("generellPersoninformation[1]", '{"namn": "Andra", "x": 1.50}')
    ]
    single = {f.source for f in FK_FIELDS if f.single}
    assert single == {
        name for type_name, name in lefi.AT_MOST_ONE if type_name == "LefiFormansinformation"
    }
