"""`utbetalningar`, `manadssummor` and `hushall`: every figure is checked against values this test
computes itself from the simulator's own answer (the SOAP bytes SSBTEK sent, read here with lxml,
base64 and json: none of the facade's decoders), and the question sent for payments is checked
class by class."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

import resolvers.client
from schema.lefi_fields import fk_group_codes, pm_group_codes
from tests.support import Facade, Simulator, facade, facade_env, valid_personnummer
from tests.support.queries import codes

ALLA = "198503151238"  # every agency: FK, PM, an a-kassa and CSN all pay
INGENTING = "199001011239"  # every agency answers with nothing
PM_DOWN = "194808081238"  # LEFI answers, but PM's provider is unavailable
SLOW = "196509091234"  # slower than the facade's timeout
PAYMENT_CLASSES = ("preliminaraUtbetalningar", "utbetalningar")

ROWS = """query($pnr: Personnummer!, $p: PeriodInput!, $kallor: [Utbetalningskalla!]) {
  person(personnummer: $pnr, period: $p, arende: "A") {
    utbetalningar(kallor: $kallor) {
      kalla utbetalare forman { kod } delforman { kod } utbetalningsdatum avser { from tom }
      brutto skatt ovrigaAvdrag netto nettoEfterSkatt dagar preliminar
      delar { slag belopp beloppstyp { kod } }
    }
  } }"""
SUMS = """query($pnr: Personnummer!, $p: PeriodInput!, $kallor: [Utbetalningskalla!]) {
  person(personnummer: $pnr, period: $p, arende: "A") {
    manadssummor(kallor: $kallor) {
      manad kalla forman { kod } brutto skatt ovrigaAvdrag netto antal } } }"""


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The raw SOAP answers SSBTEK (the simulator) sends during the test."""
    received: list[bytes] = []
    original = resolvers.client._answer_element

    def keep(status: int, content: bytes, operation: str) -> Any:
        received.append(content)
        return original(status, content, operation)

    monkeypatch.setattr(resolvers.client, "_answer_element", keep)
    return received


def _months_around_today(before: int, after: int) -> dict[str, str]:
    """A period from the first day `before` months ago to the last day `after` months ahead."""
    first = date.today().replace(day=1)
    for _ in range(before):
        first = (first - timedelta(days=1)).replace(day=1)
    last = date.today().replace(day=1)
    for _ in range(after + 1):
        last = (last + timedelta(days=31)).replace(day=1)
    return {"from": first.isoformat(), "tom": (last - timedelta(days=1)).isoformat()}


# -- what the simulator sent, read here ---------------------------------------------------------


def _local(element: Any, name: str) -> list[Any]:
    return element.xpath(f".//*[local-name()='{name}']")


def _text(element: Any, name: str) -> str | None:
    """The text of a child element (any namespace)."""
    found = element.xpath(f"./*[local-name()='{name}']")
    return found[0].text if found else None


def raw_lefi(content: bytes) -> dict[str, Any]:
    [payload] = _local(etree.fromstring(content), "lefiJsonSvar")
    return json.loads(base64.b64decode(payload.text), parse_float=Decimal)


def expected_rows(content: bytes) -> list[dict[str, Any]]:
    """Every payment in a raw answer, by the sources' rules as the issue states them, with the
    preliminary FK or PM payments that repeat an effected one (same förmån and period) left out."""
    root = etree.fromstring(content)
    rows: list[dict[str, Any]] = []
    fk_parts = [p for p in _local(root, "FK") if _local(p, "lefiJsonSvar")]
    if fk_parts:
        lefi = raw_lefi(content)
        info = lefi.get("formansinformation") or {}
        for preliminary, name in (
            (False, "utbetalningsuppgift"),
            (True, "preliminarautbetalningar"),
        ):
            for item in info.get(name) or []:
                tax = Decimal(item["skattebelopp"]["summa"])
                rows.append({
                    "kalla": "FK", "forman": item["formansfamilj"]["id"], "datum": item["datum"],
                    "avser": item["period"].get("fran"), "preliminar": preliminary,
                    "brutto": Decimal(item["bruttobelopp"]["summa"]), "skatt": tax,
                    "ovriga": Decimal(item["avdragsbelopp"]["summa"]) - tax,
                    "netto": Decimal(item["nettobelopp"]["summa"]),
                })  # fmt: skip
        for preliminary, name in ((False, "utbetalningar"), (True, "preliminaraUtbetalningar")):
            for item in lefi.get(name) or []:
                # The simulator writes PM deductions as negative numbers.
                tax = -sum(
                    Decimal(a["belopp"])
                    for a in item["avdrag"]
                    if a["avdragstyp"]["kod"] in ("PM:PS", "PM:PST", "PM:SS", "PM:SST")
                )
                other = -sum(Decimal(a["belopp"]) for a in item["avdrag"]) - tax
                rows.append({
                    "kalla": "PM", "forman": item["utbetalningsrader"][0]["formansgrupp"]["kod"],
                    "datum": item["utbetalningsdatum"], "avser": item["utbetalningsperiod"]["from"],
                    "preliminar": preliminary, "brutto": Decimal(item["bruttobelopp"]),
                    "skatt": tax, "ovriga": other, "netto": Decimal(item["nettobelopp"]),
                })  # fmt: skip
    for paid in _local(root, "Utbetalningar"):
        if _text(paid, "NettoEfterAvdrag") is None:
            continue  # LEFI's JSON has no XML elements; these are the a-kassor's
        after_tax = Decimal(_text(paid, "NettoEfterSkatt"))
        after_all = Decimal(_text(paid, "NettoEfterAvdrag"))
        rows.append({
            "kalla": "AKASSA", "forman": "ARBETSLOSHETSERSATTNING",
            "datum": _text(paid, "Utbetalningsdatum"), "avser": _text(paid, "AvserFrom"),
            "preliminar": False, "brutto": None, "skatt": None, "ovriga": after_tax - after_all,
            "netto": after_all, "netto_efter_skatt": after_tax,
            "dagar": Decimal(_text(paid, "Ersattningsdagar")),
        })  # fmt: skip
    for part in _local(root, "CSN"):
        svar = _text(_local(part, "data")[0], "svar") if _local(part, "data") else None
        if svar is None:
            continue
        csn = etree.fromstring(base64.b64decode(svar))
        for arende in _local(csn, "Arende"):
            for planned in _local(arende, "Utbetalning"):
                day = _text(planned, "utbetdatum")
                total = Decimal(_text(planned, "totbelopp"))
                rows.append({
                    "kalla": "CSN", "forman": _text(arende, "stodform"),
                    "datum": f"{day[:4]}-{day[4:6]}-{day[6:]}", "avser": None,
                    "preliminar": _text(planned, "utbetstatus") == "Planerad",
                    "brutto": total, "skatt": None, "ovriga": None, "netto": total,
                })  # fmt: skip
    effected = {(r["kalla"], r["forman"], r["avser"]) for r in rows if not r["preliminar"]}
    return [
        r for r in rows
        if not (r["preliminar"] and r["kalla"] in ("FK", "PM")
                and (r["kalla"], r["forman"], r["avser"]) in effected)
    ]  # fmt: skip


def expected_month_totals(
    rows: list[dict[str, Any]], period: dict[str, str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (YYYY-MM, source): the sums and the count, for the rows paid within the period."""
    totals: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"brutto": Decimal(0), "skatt": Decimal(0), "ovriga": Decimal(0),
                 "netto": Decimal(0), "antal": 0}
    )  # fmt: skip
    for row in rows:
        if not period["from"] <= row["datum"] <= period["tom"]:
            continue
        total = totals[(row["datum"][:7], row["kalla"])]
        total["antal"] += 1
        for name in ("brutto", "skatt", "ovriga", "netto"):
            if total[name] is not None:
                total[name] = None if row[name] is None else total[name] + row[name]
    return totals


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _asked(api: Facade, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = api.query(query, variables)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]["person"]


# -- the rows ------------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [(3, 2), (5, -2)], ids=["into the future", "in the past"])
def test_every_payment_is_one_row_with_the_sources_own_figures(
    api: Facade, answers: list[bytes], months: tuple[int, int]
) -> None:
    period = _months_around_today(*months)
    rows = _asked(api, ROWS, {"pnr": ALLA, "p": period})["utbetalningar"]
    expected = [
        r for r in expected_rows(answers[-1]) if period["from"] <= r["datum"] <= period["tom"]
    ]
    assert len(rows) == len(expected)
    assert {r["kalla"] for r in rows} == {"FK", "PM", "AKASSA", "CSN"}
    got = sorted(
        (r["kalla"], (r["forman"] or {}).get("kod"), r["utbetalningsdatum"], r["preliminar"],
         _dec(r["brutto"]), _dec(r["skatt"]), _dec(r["ovrigaAvdrag"]), _dec(r["netto"]))
        for r in rows
    )  # fmt: skip
    want = sorted(
        (r["kalla"], r["forman"], r["datum"], r["preliminar"], r["brutto"], r["skatt"],
         r["ovriga"], r["netto"])
        for r in expected
    )  # fmt: skip
    assert got == want
    # Newest pay date first, then source in its fixed order: a stable order.
    order = ["FK", "PM", "AKASSA", "CSN"]
    keys = [(r["utbetalningsdatum"], -order.index(r["kalla"])) for r in rows]
    assert keys == sorted(keys, reverse=True)


def test_a_preliminary_payment_already_paid_is_counted_once(
    api: Facade, answers: list[bytes]
) -> None:
    """In the past, LEFI still lists the last month's payment as planned too (the simulator
    does, as LEFI can): the row is the effected one."""
    period = _months_around_today(4, -2)
    rows = _asked(api, ROWS, {"pnr": ALLA, "p": period, "kallor": ["FK", "PM"]})["utbetalningar"]
    lefi = raw_lefi(answers[-1])
    listed_twice = lefi["formansinformation"]["preliminarautbetalningar"]
    assert listed_twice, "the simulator lists a paid payment as planned too"
    assert not any(r["preliminar"] for r in rows)
    paid = lefi["formansinformation"]["utbetalningsuppgift"] + lefi["utbetalningar"]
    assert len(rows) == len(paid)


def test_a_planned_payment_is_preliminary_and_counted(api: Facade, answers: list[bytes]) -> None:
    period = _months_around_today(0, 2)
    rows = _asked(api, ROWS, {"pnr": ALLA, "p": period, "kallor": ["FK"]})["utbetalningar"]
    planned = raw_lefi(answers[-1])["formansinformation"]["preliminarautbetalningar"]
    assert planned and all(p["datum"] > date.today().isoformat() for p in planned)
    preliminary = [r for r in rows if r["preliminar"]]
    assert len(preliminary) == len(planned)
    assert {r["utbetalningsdatum"] for r in preliminary} == {p["datum"] for p in planned}


def test_pm_tax_and_negative_deductions_come_out_as_amounts_withheld(
    api: Facade, answers: list[bytes]
) -> None:
    period = _months_around_today(6, -1)
    rows = _asked(api, ROWS, {"pnr": ALLA, "p": period, "kallor": ["PM"]})["utbetalningar"]
    raw = raw_lefi(answers[-1])["utbetalningar"]
    negative = [a for item in raw for a in item["avdrag"] if a["belopp"] < 0]
    assert negative, "the simulator writes PM deductions as negative numbers"
    for row in rows:
        assert _dec(row["skatt"]) > 0
        assert _dec(row["brutto"]) - _dec(row["skatt"]) - _dec(row["ovrigaAvdrag"]) == _dec(
            row["netto"]
        )
        taxes = [d for d in row["delar"] if d["slag"] == "SKATT"]
        assert [d["beloppstyp"]["kod"] for d in taxes] == ["PM:PS"]
    assert any(_dec(r["ovrigaAvdrag"]) > 0 for r in rows), "an utmätning in the period"


def test_an_akassa_payment_keeps_both_nets(api: Facade, answers: list[bytes]) -> None:
    period = _months_around_today(4, -1)
    rows = _asked(api, ROWS, {"pnr": ALLA, "p": period, "kallor": ["AKASSA"]})["utbetalningar"]
    raw = [r for r in expected_rows(answers[-1]) if r["kalla"] == "AKASSA"]
    assert len(rows) == len(raw) > 0
    for row, want in zip(rows, sorted(raw, key=lambda r: r["datum"], reverse=True), strict=True):
        assert row["utbetalare"] == "Unionens a-kassa"
        assert _dec(row["netto"]) == want["netto"]
        assert _dec(row["nettoEfterSkatt"]) == want["netto_efter_skatt"]
        assert _dec(row["dagar"]) == want["dagar"]
        assert row["brutto"] is None and row["skatt"] is None
        assert row["avser"]["from"] == want["avser"]
    assert any(_dec(r["ovrigaAvdrag"]) > 0 for r in rows), "a deduction after tax"


def test_a_csn_plan_row_is_one_payment_with_its_amounts(api: Facade, answers: list[bytes]) -> None:
    period = _months_around_today(2, 1)
    rows = _asked(api, ROWS, {"pnr": ALLA, "p": period, "kallor": ["CSN"]})["utbetalningar"]
    raw = [r for r in expected_rows(answers[-1]) if r["kalla"] == "CSN"]
    assert len(rows) == len(raw) > 0
    for row in rows:
        parts = sum(_dec(d["belopp"]) for d in row["delar"])
        assert parts == _dec(row["brutto"]) == _dec(row["netto"])
        assert row["skatt"] is None
    assert {r["preliminar"] for r in rows} == {True, False}  # paid and planned


# -- the months ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [ALLA, INGENTING])
def test_month_sums_match_the_sums_of_the_sources_figures(
    api: Facade, answers: list[bytes], number: str
) -> None:
    period = _months_around_today(3, 2)
    sums = _asked(api, SUMS, {"pnr": number, "p": period})["manadssummor"]
    totals = expected_month_totals(expected_rows(answers[-1]), period)
    months = sorted({s["manad"] for s in sums})
    assert len(months) == 6  # three before this month, this month, two after
    for summa in sums:
        if summa["forman"] is not None:
            continue
        want = totals.get((summa["manad"], summa["kalla"]))
        if want is None:  # nothing paid: zeros, never a missing month
            assert summa["antal"] == 0
            assert {summa[n] for n in ("brutto", "skatt", "ovrigaAvdrag", "netto")} == {"0"}
            continue
        assert summa["antal"] == want["antal"]
        for name, key in (("brutto", "brutto"), ("skatt", "skatt"), ("ovrigaAvdrag", "ovriga"),
                          ("netto", "netto")):  # fmt: skip
            assert _dec(summa[name]) == want[key], (summa["manad"], summa["kalla"], name)
    # Each source's förmån rows add up to its total.
    by_key: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for summa in sums:
        if summa["forman"] is not None:
            by_key[(summa["manad"], summa["kalla"])] += _dec(summa["netto"])
    for summa in sums:
        if summa["forman"] is None and summa["antal"]:
            assert by_key[(summa["manad"], summa["kalla"])] == _dec(summa["netto"])


def test_a_month_with_nothing_paid_is_there_with_zeros(api: Facade) -> None:
    """Every source pays by the 25th: from the 26th to the month's end nothing is paid."""
    first = _months_around_today(4, -2)["from"]
    start = date.fromisoformat(first).replace(day=26)
    period = {"from": start.isoformat(), "tom": _months_around_today(4, -2)["tom"]}
    sums = _asked(api, SUMS, {"pnr": ALLA, "p": period})["manadssummor"]
    first_month = [s for s in sums if s["manad"] == start.strftime("%Y-%m")]
    assert {s["kalla"] for s in first_month} == {"FK", "PM", "AKASSA", "CSN"}
    assert all(s["antal"] == 0 and s["netto"] == "0" for s in first_month)
    assert any(s["antal"] for s in sums), "later months have payments"


# -- what is asked -------------------------------------------------------------------------------


def test_payments_ask_ssbtek_for_the_payment_classes_only(api: Facade, fresh: Simulator) -> None:
    period = _months_around_today(2, 0)
    _asked(api, SUMS, {"pnr": ALLA, "p": period})
    [question] = fresh.questions()
    assert question["included"] == ["CSN", "FK", "SO"]
    lefi = question["lefiQuestion"]
    every_group = sorted(fk_group_codes() + pm_group_codes())
    assert {name: lefi[name] for name in PAYMENT_CLASSES} == dict.fromkeys(
        PAYMENT_CLASSES, every_group
    )
    assert set(lefi) == {"personnummer", "period", *PAYMENT_CLASSES}


def test_kallor_narrow_what_is_asked(api: Facade, fresh: Simulator) -> None:
    period = _months_around_today(2, 0)
    rows = _asked(api, ROWS, {"pnr": ALLA, "p": period, "kallor": ["PM"]})["utbetalningar"]
    assert {r["kalla"] for r in rows} == {"PM"}
    [question] = fresh.questions()
    assert question["included"] == ["FK"]
    assert question["lefiQuestion"]["utbetalningar"] == sorted(pm_group_codes())


def test_payments_share_the_persons_one_call(api: Facade, fresh: Simulator) -> None:
    period = _months_around_today(2, 0)
    query = """query($pnr: Personnummer!, $p: PeriodInput!) {
      person(personnummer: $pnr, period: $p, arende: "A") {
        transportstyrelsen { resultat } utbetalningar(kallor: [AKASSA]) { netto }
        manadssummor(kallor: [AKASSA]) { netto } } }"""
    _asked(api, query, {"pnr": ALLA, "p": period})
    [question] = fresh.questions()
    assert question["included"] == ["SO", "TNS"]


@pytest.mark.parametrize(
    "selection",
    [
        "forsakringskassan { utbetalningsuppgifter(formansgrupper: [SJP]) { datum } } "
        "utbetalningar { netto }",
        'akassorna(period: {from: "2026-01-01", tom: "2026-01-31"}) { fel { felkod } } '
        "utbetalningar(kallor: [AKASSA]) { netto }",
        'utbetalningar(period: {from: "2025-01-01", tom: "2025-12-31"}) { netto }',
        "utbetalningar(kallor: []) { netto }",
    ],
    ids=["two FK narrowings", "two a-kassa periods", "outside the person's period", "no source"],
)
def test_a_payments_question_that_cannot_be_asked_is_refused_before_any_call(
    api: Facade, fresh: Simulator, selection: str
) -> None:
    answer = api.query(
        'query { person(personnummer: "198503151238", period: {from: "2026-01-01", '
        f'tom: "2026-06-30"}}, arende: "A") {{ {selection} }} }}'
    )
    assert codes(answer) == {"BAD_USER_INPUT"}
    assert fresh.questions() == []


def test_a_source_that_could_not_answer_is_not_a_silent_gap(api: Facade) -> None:
    period = _months_around_today(2, 0)
    answer = api.query(ROWS, {"pnr": PM_DOWN, "p": period})
    assert codes(answer) == {"SOURCE_UNAVAILABLE"}
    assert answer["data"]["person"] is None or answer["data"]["person"]["utbetalningar"] is None
    fk_only = _asked(api, ROWS, {"pnr": PM_DOWN, "p": period, "kallor": ["FK", "AKASSA"]})
    assert fk_only["utbetalningar"] is not None


# -- the household -------------------------------------------------------------------------------

HOUSEHOLD = """query($s: Personnummer!, $m: Personnummer, $b: [Personnummer!], $p: PeriodInput!) {
  hushall(sokande: $s, medsokande: $m, barn: $b, period: $p, arende: "A") {
    medlemmar { roll personnummer fel { kod } person { utbetalningar(kallor: [AKASSA]) { netto } } }
    manadssummor(kallor: [AKASSA]) {
      rader { manad kalla forman { kod } netto antal } saknade { roll fel { kod } } }
  } }"""


def _household_members() -> tuple[str, str, str]:
    """Synthetic people: an applicant, a co-applicant and a child."""
    return (
        valid_personnummer(date(1982, 2, 21), 123),
        valid_personnummer(date(1984, 7, 2), 456),
        valid_personnummer(date(2012, 9, 30), 789),
    )


@pytest.fixture(scope="module")
def quick(sim: Simulator) -> Iterator[Facade]:
    """A facade that gives up on SSBTEK after a second (the slow person waits longer)."""
    env = facade_env(sim.url, SSBTEK_TIMEOUT_S="1", SSBTEK_CONNECT_TIMEOUT_S="1")
    with facade(env) as running:
        yield running


def test_a_household_is_read_concurrently_one_question_each_and_summed(
    api: Facade, fresh: Simulator, answers: list[bytes]
) -> None:
    sokande, medsokande, barn = _household_members()
    period = _months_around_today(3, 0)
    variables = {"s": sokande, "m": medsokande, "b": [barn], "p": period}
    answer = api.query(HOUSEHOLD, variables)
    assert "errors" not in answer, answer["errors"]
    household = answer["data"]["hushall"]
    assert [m["roll"] for m in household["medlemmar"]] == ["SOKANDE", "MEDSOKANDE", "BARN"]
    assert sorted(q["personidentitet"] for q in fresh.questions()) == sorted(
        [sokande, medsokande, barn]
    )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for content in answers:
        for month_source, total in expected_month_totals(expected_rows(content), period).items():
            totals[month_source[0]] += total["netto"]
    rader = household["manadssummor"]["rader"]
    for rad in rader:
        if rad["forman"] is None:
            assert _dec(rad["netto"]) == totals.get(rad["manad"], Decimal(0)), rad["manad"]
    assert household["manadssummor"]["saknade"] == []


def test_a_member_who_cannot_be_read_has_fel_and_the_others_answer(quick: Facade) -> None:
    sokande, _, barn = _household_members()
    period = _months_around_today(2, 0)
    variables = {"s": sokande, "m": SLOW, "b": [barn], "p": period}
    household = quick.query(HOUSEHOLD, variables)["data"]["hushall"]
    slow = household["medlemmar"][1]
    assert slow["fel"]["kod"] == "UPSTREAM_TIMEOUT" and slow["person"] is None
    assert household["medlemmar"][0]["person"] is not None
    assert household["manadssummor"]["saknade"] == [
        {"roll": "MEDSOKANDE", "fel": {"kod": "UPSTREAM_TIMEOUT"}}
    ]


def test_an_applicant_who_cannot_be_read_errors_the_household(quick: Facade) -> None:
    period = _months_around_today(2, 0)
    answer = quick.query(HOUSEHOLD, {"s": SLOW, "b": [ALLA], "p": period})
    assert codes(answer) == {"UPSTREAM_TIMEOUT"}
    assert answer["data"]["hushall"] is None


def test_a_household_member_given_twice_is_refused(api: Facade, fresh: Simulator) -> None:
    period = _months_around_today(2, 0)
    answer = api.query(HOUSEHOLD, {"s": ALLA, "m": ALLA, "p": period})
    assert codes(answer) == {"BAD_USER_INPUT"}
    assert fresh.questions() == []


def test_only_the_members_numbers_ask_nothing(api: Facade, fresh: Simulator) -> None:
    query = """query($p: PeriodInput!) { hushall(sokande: "198503151238", barn: ["199001011239"],
      period: $p, arende: "A") { medlemmar { roll personnummer fel { kod } } } }"""
    answer = api.query(query, {"p": _months_around_today(1, 0)})
    assert [m["fel"] for m in answer["data"]["hushall"]["medlemmar"]] == [None, None]
    assert fresh.questions() == []


def _row(preliminar: bool, start: date | None, forman: str = "PM:AP") -> Any:
    from resolvers.payments import Datumperiod, Kod, Utbetalning, Utbetalningskalla

    return Utbetalning(
        kalla=Utbetalningskalla.PM, utbetalare="Pensionsmyndigheten", forman=Kod(forman),
        delforman=None, utbetalningsdatum=date(2026, 5, 19), avser=Datumperiod(start, None),
        brutto=Decimal(100), skatt=Decimal(0), ovriga_avdrag=Decimal(0), netto=Decimal(100),
        netto_efter_skatt=None, dagar=None, preliminar=preliminar,
    )  # fmt: skip


def test_one_members_paid_payment_never_stands_for_anothers_planned_one() -> None:
    from resolvers.payments import household_rows, payment_list
    from resolvers.plan import Period

    may = Period(date(2026, 5, 1), date(2026, 5, 31))
    applicant = [_row(False, date(2026, 5, 1))]
    co_applicant = [_row(True, date(2026, 5, 1))]
    assert len(household_rows([applicant, co_applicant], may)) == 2
    # Within one person the planned one is the paid one, listed twice.
    assert len(payment_list(applicant + co_applicant, may)) == 1


def test_a_row_without_a_known_period_is_never_taken_for_another() -> None:
    from resolvers.payments import payment_list
    from resolvers.plan import Period

    may = Period(date(2026, 5, 1), date(2026, 5, 31))
    rows = [_row(False, None), _row(True, None)]
    assert len(payment_list(rows, may)) == 2
