"""`utbetalningar`, `manadssummor` and `hushall`: every figure is checked against values this test
computes itself from the simulator's own answer (the SOAP bytes SSBTEK sent, read here with lxml,
base64 and json: none of the facade's decoders), and the question sent for payments is checked
class by class."""

from __future__ import annotations

import base64
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from schema.lefi_fields import fk_group_codes, pm_group_codes
from tests.support import Facade, Simulator, facade, facade_env, valid_personnummer
from tests.support.queries import codes

ALLA = "198503151238"  # every agency: FK, PM, an a-kassa and CSN all pay
INGENTING = "199001011239"  # every agency answers with nothing
PM_DOWN = "194808081238"  # LEFI answers, but PM's provider is unavailable
SLOW = "196509091234"  # slower than the facade's timeout
PAYMENT_CLASSES = ("preliminaraUtbetalningar", "utbetalningar")

ROW_FIELDS = """kalla rapporteradAv utbetalare forman { kod } delforman { kod } typ { kod }
      utbetalningsdatum avser { from tom } brutto skatt ovrigaAvdrag netto nettoEfterSkatt
      varavBidrag varavLan dagar preliminar delar { slag belopp beloppstyp { kod } stodslag }"""
ROWS = (
    "query($pnr: Personnummer!, $p: PeriodInput!, $kallor: [Utbetalningskalla!]) {"
    ' person(personnummer: $pnr, period: $p, arende: "A") {'
    f" utbetalningar(kallor: $kallor) {{ rader {{ {ROW_FIELDS} }}"
    " saknade { kalla kod felkod orsak } } } }"
)
SUM_FIELDS = "manad kalla brutto skatt ovrigaAvdrag netto varavBidrag varavLan antal ofullstandiga"
SUMS = (
    "query($pnr: Personnummer!, $p: PeriodInput!, $kallor: [Utbetalningskalla!]) {"
    ' person(personnummer: $pnr, period: $p, arende: "A") {'
    f" manadssummor(kallor: $kallor) {{ rader {{ forman {{ kod }} {SUM_FIELDS} }}"
    f" totaler {{ {SUM_FIELDS} }} saknade {{ kalla kod felkod }} }} }} }}"
)
AMOUNT_FIELDS = ("brutto", "skatt", "ovrigaAvdrag", "netto", "varavBidrag", "varavLan")


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


# The contract's words, written out here (not imported from the facade): LEFI's tax deduction
# codes, and CSN's `beloppstyp` codes of a loan and of a grant (csntyper).
TAX_CODES = ("PS", "PST", "SS", "SST", "PF")
CSN_LOANS = ("GRUNDL", "GRUNFL", "MERKL", "TILL", "HUT", "OSSLÅN")
CSN_GRANTS = ("GRUNDB", "GRUNDF", "TILB", "EXTRA", "INACK", "STUDB", "LÄRERS", "STÖDB", "STÖDT",
              "OSSBID")  # fmt: skip


def _day(text: str | None, last: bool = False) -> str | None:
    """A LEFI FranTill end as a day: `YYYY-MM` is the month's first day (its last for `till`)."""
    if text is None or len(text) != 7:
        return text
    first = date.fromisoformat(f"{text}-01")
    if not last:
        return first.isoformat()
    return ((first + timedelta(days=31)).replace(day=1) - timedelta(days=1)).isoformat()


def _row_of(**values: Any) -> dict[str, Any]:
    base = {"typ": None, "foretag": None, "bidrag": None, "lan": None, "kallor": [values["kalla"]],
            "netto_efter_skatt": None, "dagar": None, "till": None}  # fmt: skip
    return {**base, **values}


def _fk_rows(lefi: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    info = lefi.get("formansinformation") or {}
    for preliminary, name in ((False, "utbetalningsuppgift"), (True, "preliminarautbetalningar")):
        for item in info.get(name) or []:
            details = item.get("utbetalningsdetalj") or []
            later_taxes = sum(
                Decimal(d["avdragsbelopp"]["summa"])
                for d in details
                if d["beloppstyp"]["id"] in TAX_CODES and "avdragsbelopp" in d
            )
            tax = Decimal(item["skattebelopp"]["summa"]) + later_taxes
            rows.append(_row_of(
                kalla="FK", forman=item["formansfamilj"]["id"], datum=item["datum"],
                avser=_day(item["period"].get("fran")),
                till=_day(item["period"].get("till"), last=True),
                preliminar=preliminary, typ=str(item["typ"]["id"]),
                foretag=str(item["foretag"]["id"]),
                brutto=Decimal(item["bruttobelopp"]["summa"]), skatt=tax,
                ovriga=Decimal(item["avdragsbelopp"]["summa"]) - tax,
                netto=Decimal(item["nettobelopp"]["summa"]),
            ))  # fmt: skip
    return rows


def _pm_rows(lefi: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for preliminary, name in ((False, "utbetalningar"), (True, "preliminaraUtbetalningar")):
        for item in lefi.get(name) or []:
            # The simulator writes PM deductions as negative numbers.
            assert all(a["belopp"] <= 0 for a in item["avdrag"])
            tax = -sum(
                Decimal(a["belopp"])
                for a in item["avdrag"]
                if a["avdragstyp"]["kod"].removeprefix("PM:") in TAX_CODES
            )
            other = -sum(Decimal(a["belopp"]) for a in item["avdrag"]) - tax
            parts = [Decimal(r["belopp"]) for r in item["utbetalningsrader"]]
            gross = Decimal(item["bruttobelopp"]) if "bruttobelopp" in item else sum(parts)
            rows.append(_row_of(
                kalla="PM", forman=item["utbetalningsrader"][0]["formansgrupp"]["kod"],
                datum=item["utbetalningsdatum"], avser=item["utbetalningsperiod"]["from"],
                till=item["utbetalningsperiod"].get("tom"), preliminar=preliminary,
                brutto=gross, skatt=tax, ovriga=other, netto=Decimal(item["nettobelopp"]),
            ))  # fmt: skip
    return rows


def _akassa_rows(root: Any) -> list[dict[str, Any]]:
    rows = []
    for paid in _local(root, "Utbetalningar"):
        if _text(paid, "NettoEfterAvdrag") is None:
            continue  # LEFI's JSON has no XML elements; these are the a-kassor's
        after_tax = Decimal(_text(paid, "NettoEfterSkatt"))
        after_all = Decimal(_text(paid, "NettoEfterAvdrag"))
        rows.append(_row_of(
            kalla="AKASSA", forman="ARBETSLOSHETSERSATTNING",
            datum=_text(paid, "Utbetalningsdatum"), avser=_text(paid, "AvserFrom"),
            till=_text(paid, "AvserTom"), preliminar=False, brutto=None, skatt=None,
            ovriga=after_tax - after_all, netto=after_all, netto_efter_skatt=after_tax,
            dagar=Decimal(_text(paid, "Ersattningsdagar")),
        ))  # fmt: skip
    return rows


def _csn_rows(root: Any) -> list[dict[str, Any]]:
    rows = []
    for part in _local(root, "CSN"):
        svar = _text(_local(part, "data")[0], "svar") if _local(part, "data") else None
        if svar is None:
            continue
        csn = etree.fromstring(base64.b64decode(svar))
        for arende in _local(csn, "Arende"):
            for planned in _local(arende, "Utbetalning"):
                day = _text(planned, "utbetdatum")
                total = Decimal(_text(planned, "totbelopp"))
                kinds: dict[str, Decimal] = defaultdict(Decimal)
                for belopp in _local(planned, "Belopp"):
                    code = _text(belopp, "beloppstyp")
                    kind = "lan" if code in CSN_LOANS else "bidrag" if code in CSN_GRANTS else "?"
                    kinds[kind] += Decimal(_text(belopp, "belopp"))
                rows.append(_row_of(
                    kalla="CSN", forman=_text(arende, "stodform"),
                    datum=f"{day[:4]}-{day[4:6]}-{day[6:]}", avser=None,
                    preliminar=_text(planned, "utbetstatus") == "Planerad",
                    brutto=total, skatt=None, ovriga=None, netto=total,
                    bidrag=kinds["bidrag"], lan=kinds["lan"],
                ))  # fmt: skip
    return rows


def expected_rows(content: bytes) -> list[dict[str, Any]]:
    """Every payment in a raw answer, each once, by the rules the issue states: a preliminary
    FK or PM payment that repeats an effected one (same förmån and period, same pay date or
    amounts, not retroactive) left out; an FK payment of payer 1003 that PM reports too (same
    date and amounts) one row, PM's, reported by both."""
    root = etree.fromstring(content)
    rows: list[dict[str, Any]] = []
    if [p for p in _local(root, "FK") if _local(p, "lefiJsonSvar")]:
        lefi = raw_lefi(content)
        rows += _fk_rows(lefi) + _pm_rows(lefi)
    rows += _akassa_rows(root) + _csn_rows(root)

    def same(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["kalla"], row["forman"], row["avser"], row["till"])

    def paid_already(row: dict[str, Any]) -> bool:
        return (
            row["preliminar"] and row["kalla"] in ("FK", "PM") and row["avser"] is not None
            and row["typ"] != "3"
            and any(
                not paid["preliminar"] and same(paid) == same(row)
                and (paid["datum"] == row["datum"]
                     or (paid["brutto"], paid["netto"]) == (row["brutto"], row["netto"]))
                for paid in rows
            )
        )  # fmt: skip

    rows = [row for row in rows if not paid_already(row)]
    for pm in [r for r in rows if r["kalla"] == "PM"]:
        copy = next(
            (
                r for r in rows
                if r["kalla"] == "FK" and r["foretag"] == "1003"
                and (r["datum"], r["preliminar"], r["brutto"], r["netto"])
                == (pm["datum"], pm["preliminar"], pm["brutto"], pm["netto"])
            ),
            None,
        )  # fmt: skip
        if copy is not None:
            rows.remove(copy)
            pm["kallor"] = ["FK", "PM"]
    return rows


def expected_month_totals(
    rows: list[dict[str, Any]], period: dict[str, str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (YYYY-MM, source): the sums of the amounts known (None when no row has one), the
    amounts some row lacks, and the count, for the rows paid within the period."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if period["from"] <= row["datum"] <= period["tom"]:
            grouped[(row["datum"][:7], row["kalla"])].append(row)
    totals = {}
    for key, chosen in grouped.items():
        total: dict[str, Any] = {"antal": len(chosen), "ofullstandiga": set()}
        for name in ("brutto", "skatt", "ovriga", "netto"):
            known = [r[name] for r in chosen if r[name] is not None]
            total[name] = sum(known, Decimal(0)) if known else None
            if len(known) < len(chosen):
                total["ofullstandiga"].add(name)
        totals[key] = total
    return totals


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _asked(api: Facade, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = api.query(query, variables)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]["person"]


def _rows(api: Facade, variables: dict[str, Any]) -> list[dict[str, Any]]:
    view = _asked(api, ROWS, variables)["utbetalningar"]
    assert view["saknade"] == []
    return view["rader"]


# -- the rows ------------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [(3, 2), (5, -2)], ids=["into the future", "in the past"])
def test_every_payment_is_one_row_with_the_sources_own_figures(
    api: Facade, answers: list[bytes], months: tuple[int, int]
) -> None:
    period = _months_around_today(*months)
    rows = _rows(api, {"pnr": ALLA, "p": period})
    expected = [
        r for r in expected_rows(answers[-1]) if period["from"] <= r["datum"] <= period["tom"]
    ]
    assert len(rows) == len(expected)
    assert {r["kalla"] for r in rows} == {"FK", "PM", "AKASSA", "CSN"}
    got = sorted(
        (r["kalla"], (r["forman"] or {}).get("kod"), r["utbetalningsdatum"], r["preliminar"],
         _dec(r["brutto"]), _dec(r["skatt"]), _dec(r["ovrigaAvdrag"]), _dec(r["netto"]),
         r["rapporteradAv"], _dec(r["varavBidrag"]), _dec(r["varavLan"]))
        for r in rows
    )  # fmt: skip
    want = sorted(
        (r["kalla"], r["forman"], r["datum"], r["preliminar"], r["brutto"], r["skatt"],
         r["ovriga"], r["netto"], r["kallor"], r["bidrag"], r["lan"])
        for r in expected
    )  # fmt: skip
    assert got == want
    # Newest pay date first, then source in its fixed order: a stable order.
    order = ["FK", "PM", "AKASSA", "CSN"]
    keys = [(r["utbetalningsdatum"], -order.index(r["kalla"])) for r in rows]
    assert keys == sorted(keys, reverse=True)


def test_amounts_are_written_with_two_decimals(api: Facade) -> None:
    rows = _rows(api, {"pnr": ALLA, "p": _months_around_today(3, 2)})
    amounts = [r[name] for r in rows for name in AMOUNT_FIELDS if r[name] is not None]
    amounts += [d["belopp"] for r in rows for d in r["delar"] if d["belopp"] is not None]
    assert amounts and all(re.fullmatch(r"-?\d+\.\d\d", value) for value in amounts), amounts


def test_a_preliminary_payment_already_paid_is_counted_once(
    api: Facade, answers: list[bytes]
) -> None:
    """In the past, LEFI still lists the last month's payment as planned too (the simulator
    does, as LEFI can): the row is the effected one."""
    period = _months_around_today(4, -2)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["FK", "PM"]})
    lefi = raw_lefi(answers[-1])
    listed_twice = lefi["formansinformation"]["preliminarautbetalningar"]
    assert listed_twice, "the simulator lists a paid payment as planned too"
    assert not any(r["preliminar"] for r in rows)
    fk_paid = lefi["formansinformation"]["utbetalningsuppgift"]
    copies = [p for p in fk_paid if p["foretag"]["id"] == 1003]
    assert copies, "FK reports PM's pension too"
    assert len(rows) == len(fk_paid) - len(copies) + len(lefi["utbetalningar"])


def test_a_planned_payment_paid_a_day_early_is_the_paid_one(
    api: Facade, answers: list[bytes]
) -> None:
    """25 April 2026 is a Saturday: FK paid on Friday the 24th, and the planned list read before
    still names the 25th. Same förmån, period and amounts: one payment."""
    period = {"from": "2026-02-01", "tom": "2026-04-30"}
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["FK"]})
    lefi = raw_lefi(answers[-1])["formansinformation"]
    planned = [p for p in lefi["preliminarautbetalningar"] if p["datum"] == "2026-04-25"]
    paid = [p for p in lefi["utbetalningsuppgift"] if p["datum"] == "2026-04-24"]
    assert planned and len(planned) == len(paid), "the simulator pays before a weekend"
    assert not any(r["preliminar"] for r in rows)
    assert len(rows) == len(lefi["utbetalningsuppgift"])


def test_a_planned_payment_is_preliminary_and_counted(api: Facade, answers: list[bytes]) -> None:
    period = _months_around_today(0, 2)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["FK"]})
    planned = raw_lefi(answers[-1])["formansinformation"]["preliminarautbetalningar"]
    assert planned and all(p["datum"] > date.today().isoformat() for p in planned)
    preliminary = [r for r in rows if r["preliminar"]]
    assert len(preliminary) == len(planned)
    assert {r["utbetalningsdatum"] for r in preliminary} == {p["datum"] for p in planned}


def test_a_planned_retroactive_payment_for_a_month_already_paid_is_counted(
    api: Facade, answers: list[bytes]
) -> None:
    """FK `typ` 3 (Retro): a further payment for the same förmån and covered period as a paid
    one, with its own date and amount, is a payment of its own."""
    period = _months_around_today(2, 1)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["FK"]})
    lefi = raw_lefi(answers[-1])["formansinformation"]
    retro = [p for p in lefi["preliminarautbetalningar"] if p["typ"]["id"] == 3]
    assert retro, "the simulator plans a retroactive payment for the person ALLA"
    for planned in retro:
        paid = [
            p for p in lefi["utbetalningsuppgift"]
            if p["formansfamilj"]["id"] == planned["formansfamilj"]["id"]
            and p["period"] == planned["period"]
        ]  # fmt: skip
        assert paid, "it covers a period already paid"
        [row] = [
            r for r in rows
            if r["typ"] == {"kod": "3"} and r["utbetalningsdatum"] == planned["datum"]
            and r["forman"]["kod"] == planned["formansfamilj"]["id"]
        ]  # fmt: skip
        assert row["preliminar"]
        assert _dec(row["netto"]) == Decimal(planned["nettobelopp"]["summa"])
    months = _asked(api, SUMS, {"pnr": ALLA, "p": period, "kallor": ["FK"]})["manadssummor"]
    month = retro[0]["datum"][:7]
    [total] = [t for t in months["totaler"] if t["manad"] == month]
    want = sum(
        Decimal(p["nettobelopp"]["summa"])
        for p in lefi["utbetalningsuppgift"] + lefi["preliminarautbetalningar"]
        if p["datum"][:7] == month
    )
    assert _dec(total["netto"]) == want


def test_a_pension_reported_by_fk_and_pm_is_one_payment(api: Facade, answers: list[bytes]) -> None:
    period = _months_around_today(3, 1)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["FK", "PM"]})
    lefi = raw_lefi(answers[-1])
    copies = [
        p for p in lefi["formansinformation"]["utbetalningsuppgift"]
        + lefi["formansinformation"]["preliminarautbetalningar"]
        if p["foretag"]["id"] == 1003
    ]  # fmt: skip
    assert copies, "FK reports Pensionsmyndigheten's payments (payer 1003)"
    for copy in copies:
        same_day = [r for r in rows if r["utbetalningsdatum"] == copy["datum"]]
        matching = [
            r for r in same_day
            if _dec(r["netto"]) == Decimal(copy["nettobelopp"]["summa"])
            and _dec(r["brutto"]) == Decimal(copy["bruttobelopp"]["summa"])
        ]  # fmt: skip
        assert len(matching) == 1, copy["datum"]
        assert matching[0]["kalla"] == "PM" and matching[0]["rapporteradAv"] == ["FK", "PM"]
    # Counted once in the month sums too.
    months = _asked(api, SUMS, {"pnr": ALLA, "p": period, "kallor": ["FK", "PM"]})["manadssummor"]
    pension_month = copies[0]["datum"][:7]
    fk_total = next(
        t for t in months["totaler"] if t["manad"] == pension_month and t["kalla"] == "FK"
    )
    fk_own = [
        p for p in lefi["formansinformation"]["utbetalningsuppgift"]
        + lefi["formansinformation"]["preliminarautbetalningar"]
        if p["datum"][:7] == pension_month and p["foretag"]["id"] != 1003
    ]  # fmt: skip
    paid_twice = [  # the stale planned copies of paid payments
        p for p in fk_own
        if p in lefi["formansinformation"]["preliminarautbetalningar"]
        and any(q["datum"] == p["datum"] and q["formansfamilj"] == p["formansfamilj"]
                for q in lefi["formansinformation"]["utbetalningsuppgift"])
    ]  # fmt: skip
    assert fk_total["antal"] == len(fk_own) - len(paid_twice)


def test_pm_tax_and_negative_deductions_come_out_as_amounts_withheld(
    api: Facade, answers: list[bytes]
) -> None:
    period = _months_around_today(6, -1)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["PM"]})
    raw = raw_lefi(answers[-1])["utbetalningar"]
    negative = [a for item in raw for a in item["avdrag"] if a["belopp"] < 0]
    assert negative, "the simulator writes PM deductions as negative numbers"
    without_gross = [item for item in raw if "bruttobelopp" not in item]
    assert without_gross, "and sends some payments without bruttobelopp"
    for row in rows:
        assert _dec(row["skatt"]) > 0
        assert _dec(row["brutto"]) - _dec(row["skatt"]) - _dec(row["ovrigaAvdrag"]) == _dec(
            row["netto"]
        )
        taxes = [d for d in row["delar"] if d["slag"] == "SKATT"]
        assert [d["beloppstyp"]["kod"] for d in taxes] == ["PM:PS"]
        assert all(_dec(d["belopp"]) > 0 for d in row["delar"])
    assert any(_dec(r["ovrigaAvdrag"]) > 0 for r in rows), "an utmätning in the period"


def test_fk_tax_is_every_tax_deduction(api: Facade, answers: list[bytes]) -> None:
    """PST (preliminary tax of earlier years) comes as an FK deduction row, not in
    `skattebelopp`: it is tax all the same, as PM's PST is."""
    period = _months_around_today(3, 0)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["FK"]})
    paid = raw_lefi(answers[-1])["formansinformation"]["utbetalningsuppgift"]
    with_pst = [
        p for p in paid
        if any(d["beloppstyp"]["id"] == "PST" for d in p["utbetalningsdetalj"])
    ]  # fmt: skip
    assert with_pst, "the simulator pays sjuk- och aktivitetsersättning with a PST row"
    for item in with_pst:
        pst = sum(
            Decimal(d["avdragsbelopp"]["summa"])
            for d in item["utbetalningsdetalj"]
            if d["beloppstyp"]["id"] == "PST"
        )
        [row] = [
            r for r in rows
            if r["utbetalningsdatum"] == item["datum"] and not r["preliminar"]
            and r["forman"]["kod"] == item["formansfamilj"]["id"]
        ]  # fmt: skip
        assert _dec(row["skatt"]) == Decimal(item["skattebelopp"]["summa"]) + pst
        assert _dec(row["ovrigaAvdrag"]) == Decimal(item["avdragsbelopp"]["summa"]) - _dec(
            row["skatt"]
        )
        assert "PST" in [d["beloppstyp"]["kod"] for d in row["delar"] if d["slag"] == "SKATT"]


def test_an_akassa_payment_keeps_both_nets(api: Facade, answers: list[bytes]) -> None:
    period = _months_around_today(4, -1)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["AKASSA"]})
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


def test_a_csn_plan_row_tells_grant_and_loan_apart(api: Facade, answers: list[bytes]) -> None:
    period = _months_around_today(2, 1)
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["CSN"]})
    raw = [r for r in expected_rows(answers[-1]) if r["kalla"] == "CSN"]
    assert len(rows) == len(raw) > 0
    for row in rows:
        parts = sum(_dec(d["belopp"]) for d in row["delar"])
        assert parts == _dec(row["brutto"]) == _dec(row["netto"])
        assert _dec(row["varavBidrag"]) + _dec(row["varavLan"]) == _dec(row["brutto"])
        assert row["skatt"] is None
        for part in row["delar"]:
            code = part["beloppstyp"]["kod"]
            assert part["stodslag"] == ("LAN" if code in CSN_LOANS else "BIDRAG"), code
    assert {r["preliminar"] for r in rows} == {True, False}  # paid and planned
    studiemedel = [r for r in rows if r["forman"]["kod"] == "GRUND"]
    assert studiemedel and all(
        _dec(r["varavLan"]) > 0 < _dec(r["varavBidrag"]) for r in studiemedel
    )


# -- the months ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [ALLA, INGENTING])
def test_month_totals_match_the_sums_of_the_sources_figures(
    api: Facade, answers: list[bytes], number: str
) -> None:
    period = _months_around_today(3, 2)
    view = _asked(api, SUMS, {"pnr": number, "p": period})["manadssummor"]
    totals = expected_month_totals(expected_rows(answers[-1]), period)
    assert len({s["manad"] for s in view["totaler"]}) == 6  # three before, this month, two after
    names = (("brutto", "brutto"), ("skatt", "skatt"), ("ovrigaAvdrag", "ovriga"),
             ("netto", "netto"))  # fmt: skip
    for total in view["totaler"]:
        want = totals.get((total["manad"], total["kalla"]))
        if want is None:  # nothing paid: zeros, never a missing month
            assert total["antal"] == 0 and total["ofullstandiga"] == []
            assert {total[n] for n, _ in names} == {"0.00"}
            continue
        assert total["antal"] == want["antal"]
        for name, key in names:
            assert _dec(total[name]) == want[key], (total["manad"], total["kalla"], name)
        assert {GRAPHQL_COLUMNS[n] for n in want["ofullstandiga"]} == set(total["ofullstandiga"])


GRAPHQL_COLUMNS = {"brutto": "BRUTTO", "skatt": "SKATT", "ovriga": "OVRIGA_AVDRAG",
                   "netto": "NETTO"}  # fmt: skip


def test_month_rows_add_up_to_the_totals_and_none_is_a_total(api: Facade) -> None:
    """A BI tool sums any amount column over a month's rows and gets the month's total: no row
    is the sum of others."""
    view = _asked(api, SUMS, {"pnr": ALLA, "p": _months_around_today(3, 2)})["manadssummor"]
    assert all(row["forman"] is not None for row in view["rader"])
    for total in view["totaler"]:
        rows = [
            r for r in view["rader"] if (r["manad"], r["kalla"]) == (total["manad"], total["kalla"])
        ]
        assert sum(r["antal"] for r in rows) == total["antal"]
        for name in AMOUNT_FIELDS:
            known = [_dec(r[name]) for r in rows if r[name] is not None]
            assert (sum(known, Decimal(0)) if known else None) == _dec(total[name]), name
    month = view["totaler"][0]["manad"]
    every_row = [r for r in view["rader"] if r["manad"] == month]
    month_total = sum(_dec(t["netto"]) for t in view["totaler"] if t["manad"] == month)
    assert sum(_dec(r["netto"]) for r in every_row) == month_total


def test_an_amount_is_null_only_when_nothing_is_known(api: Facade) -> None:
    view = _asked(api, SUMS, {"pnr": ALLA, "p": _months_around_today(3, 0)})["manadssummor"]
    akassa = [t for t in view["totaler"] if t["kalla"] == "AKASSA" and t["antal"]]
    assert akassa
    for total in akassa:  # the a-kassor send no gross and no tax: unknown, and said so
        assert total["brutto"] is None and total["skatt"] is None
        assert {"BRUTTO", "SKATT"} <= set(total["ofullstandiga"])
        assert _dec(total["netto"]) > 0
    fk = [t for t in view["totaler"] if t["kalla"] == "FK" and t["antal"]]
    assert fk and all(t["ofullstandiga"] == [] and t["brutto"] is not None for t in fk)
    amounts = [t[n] for t in view["totaler"] + view["rader"] for n in AMOUNT_FIELDS]
    assert all(re.fullmatch(r"\d+\.\d\d", a) for a in amounts if a is not None)


def test_a_month_with_nothing_paid_is_there_with_zeros(api: Facade) -> None:
    """Every source pays by the 25th: from the 26th to the month's end nothing is paid."""
    first = _months_around_today(4, -2)["from"]
    start = date.fromisoformat(first).replace(day=26)
    period = {"from": start.isoformat(), "tom": _months_around_today(4, -2)["tom"]}
    view = _asked(api, SUMS, {"pnr": ALLA, "p": period})["manadssummor"]
    first_month = [s for s in view["totaler"] if s["manad"] == start.strftime("%Y-%m")]
    assert {s["kalla"] for s in first_month} == {"FK", "PM", "AKASSA", "CSN"}
    assert all(s["antal"] == 0 and s["netto"] == "0.00" for s in first_month)
    assert any(s["antal"] for s in view["totaler"]), "later months have payments"


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
    rows = _rows(api, {"pnr": ALLA, "p": period, "kallor": ["PM"]})
    assert {r["kalla"] for r in rows} == {"PM"}
    [question] = fresh.questions()
    assert question["included"] == ["FK"]
    assert question["lefiQuestion"]["utbetalningar"] == sorted(pm_group_codes())


def test_payments_share_the_persons_one_call(api: Facade, fresh: Simulator) -> None:
    period = _months_around_today(2, 0)
    query = """query($pnr: Personnummer!, $p: PeriodInput!) {
      person(personnummer: $pnr, period: $p, arende: "A") {
        transportstyrelsen { resultat } utbetalningar(kallor: [AKASSA]) { rader { netto } }
        manadssummor(kallor: [AKASSA]) { totaler { netto } } } }"""
    _asked(api, query, {"pnr": ALLA, "p": period})
    [question] = fresh.questions()
    assert question["included"] == ["SO", "TNS"]


@pytest.mark.parametrize(
    "selection",
    [
        "forsakringskassan { utbetalningsuppgifter(formansgrupper: [SJP]) { datum } } "
        "utbetalningar { rader { netto } }",
        'akassorna(period: {from: "2026-01-01", tom: "2026-01-31"}) { fel { felkod } } '
        "utbetalningar(kallor: [AKASSA]) { rader { netto } }",
        'utbetalningar(period: {from: "2025-01-01", tom: "2025-12-31"}) { rader { netto } }',
        "utbetalningar(kallor: []) { rader { netto } }",
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


def test_a_source_that_could_not_answer_is_named_and_the_others_answer(
    api: Facade, answers: list[bytes]
) -> None:
    """LEFI says PM is OTILLGANGLIG: the payments of FK, the a-kassa and CSN are listed, PM is
    named as missing in the data and in `errors`, and FK's copy of the pension stays FK's."""
    period = _months_around_today(2, 0)
    answer = api.query(ROWS, {"pnr": PM_DOWN, "p": period})
    view = answer["data"]["person"]["utbetalningar"]
    assert view["saknade"] == [
        {"kalla": "PM", "kod": "SOURCE_UNAVAILABLE", "felkod": "OTILLGANGLIG",
         "orsak": "LEFI's provider PM is OTILLGANGLIG: its payments are not listed"}
    ]  # fmt: skip
    [error] = answer["errors"]
    assert error["path"] == ["person", "utbetalningar"]
    assert error["extensions"] == {
        "code": "SOURCE_UNAVAILABLE", "kalla": "PM", "felkod": "OTILLGANGLIG"
    }  # fmt: skip
    expected = [
        r for r in expected_rows(answers[-1])
        if period["from"] <= r["datum"] <= period["tom"] and r["kalla"] != "PM"
    ]  # fmt: skip
    assert sorted(
        (r["kalla"], r["utbetalningsdatum"], _dec(r["netto"])) for r in view["rader"]
    ) == (sorted((r["kalla"], r["datum"], r["netto"]) for r in expected))
    assert {r["kalla"] for r in view["rader"]} >= {"FK", "AKASSA"}
    assert any(r["utbetalare"] == "Pensionsmyndigheten" for r in view["rader"])
    months = api.query(SUMS, {"pnr": PM_DOWN, "p": period})["data"]["person"]["manadssummor"]
    assert months["saknade"] == [
        {"kalla": "PM", "kod": "SOURCE_UNAVAILABLE", "felkod": "OTILLGANGLIG"}
    ]
    assert {t["kalla"] for t in months["totaler"]} == {"FK", "AKASSA", "CSN"}


def test_a_view_with_no_source_answered_is_null_with_the_error(api: Facade) -> None:
    period = _months_around_today(2, 0)
    answer = api.query(ROWS, {"pnr": PM_DOWN, "p": period, "kallor": ["PM"]})
    assert answer["data"]["person"]["utbetalningar"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in answer["errors"]] == [
        (["person", "utbetalningar"], "SOURCE_UNAVAILABLE")
    ]


# -- the household -------------------------------------------------------------------------------

HOUSEHOLD = """query($s: Personnummer!, $m: Personnummer, $b: [Personnummer!], $p: PeriodInput!) {
  hushall(sokande: $s, medsokande: $m, barn: $b, period: $p, arende: "A") {
    medlemmar {
      roll personnummer fel { kod } person { utbetalningar(kallor: [AKASSA]) { rader { netto } } }
    }
    manadssummor(kallor: [AKASSA]) {
      rader { manad kalla forman { kod } netto antal } totaler { manad kalla netto antal }
      saknade { roll fel { kod } } saknadeKallor { kalla kod personnummer } }
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
    sums = household["manadssummor"]
    assert sums["totaler"] and {t["kalla"] for t in sums["totaler"]} == {"AKASSA"}
    for total in sums["totaler"]:
        assert _dec(total["netto"]) == totals.get(total["manad"], Decimal(0)), total["manad"]
        rows = [r for r in sums["rader"] if r["manad"] == total["manad"]]
        assert sum((_dec(r["netto"]) for r in rows), Decimal(0)) == _dec(total["netto"])
    assert sums["saknade"] == [] and sums["saknadeKallor"] == []


def test_a_members_missing_source_is_named_and_the_rest_summed(api: Facade) -> None:
    query = """query($s: Personnummer!, $m: Personnummer, $p: PeriodInput!) {
      hushall(sokande: $s, medsokande: $m, period: $p, arende: "A") {
        manadssummor(kallor: [FK, PM]) {
          totaler { manad kalla antal } saknadeKallor { kalla kod felkod personnummer } } } }"""
    answer = api.query(query, {"s": ALLA, "m": PM_DOWN, "p": _months_around_today(2, 0)})
    sums = answer["data"]["hushall"]["manadssummor"]
    assert sums["saknadeKallor"] == [
        {"kalla": "PM", "kod": "SOURCE_UNAVAILABLE", "felkod": "OTILLGANGLIG",
         "personnummer": PM_DOWN}
    ]  # fmt: skip
    assert [(e["path"], e["extensions"]["kalla"]) for e in answer["errors"]] == [
        (["hushall", "manadssummor"], "PM")
    ]
    assert any(t["kalla"] == "PM" and t["antal"] for t in sums["totaler"]), "the applicant's PM"


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
