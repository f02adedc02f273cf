"""LEFI v9 answers for the FK slot: only the asked groups, classes and period, with realistic
per-person mixes. Shapes come from the project's LEFI model; payments and their rows are built
with care (FK amounts with decimals and preliminary tax `PS`, PM whole kronor with negative
deductions), everything else is filled field by field from the model, within the rules of the
project's JSON Schema of the answer (list lengths, patterns), so that every answer is one LEFI v9
allows (`tests/test_simulator_conformance.py`)."""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from lxml import etree

from resolvers.contract import CONTRACT_DIR, LEFI_SCHEMA_PATH
from simulator.lefi_words import (
    FK_DEDUCTIONS,
    MADE_UP,
    PAYERS,
    PAYMENT_KINDS,
    enum_words,
    field_codes,
    group_words,
    kind_of_payment,
)
from simulator.parts import AgencyFailure
from simulator.people import EFTERNAMN, FORNAMN, SimPerson, person_number
from simulator.question import SimPeriod, SimQuestion, month_end
from simulator.scenarios import Scenario
from simulator.xmlbuild import sub

# (base, jitter) in seconds: a rough shape of what production clients report.
LATENCY = (0.60, 0.40)

LEFI_CLASSES = (
    "formansinformation",
    "ansprak",
    "beslut",
    "preliminaraUtbetalningar",
    "utbetalningar",
    "ovrigInformation",
)

# Which FK-model properties each code fills, as this simulated LEFI answers.
FK_GROUP_PROPERTIES: dict[str, tuple[str, ...]] = {
    "FK:ABB": ("barnbidragsarende",),
    "FK:AP": (
        "allmanpensionsarende",
        "intjanandebehallning",
        "intjanandeuppgift",
        "levnadsintygsuppgift",
    ),
    "FK:AS": ("aktivitetsstodsarende",),
    "FK:BOB": ("bostadsbidragsarende",),
    "FK:BST": ("bostadstillaggsarende",),
    "FK:DPE": ("totalforsvarspliktsarende",),
    "FK:ET": ("efterlevandepensionsarende",),
    "FK:FP": ("foraldrapenningarende",),
    "FK:FSJP": ("forebyggandeSjukpenningsarende",),
    "FK:GP": ("graviditetspenningsarende",),
    "FK:HE": ("handikappersattningsarende",),
    "FK:MABB": ("mottagareavbarnbidrag",),
    "FK:MEK": ("merkostnadsersattningsarende",),
    "FK:NP": ("narstaendepenningarende",),
    "FK:OMV": ("omvardnadsbidragsarende",),
    "FK:PJOB": ("programjobdagar",),
    "FK:PROG": ("programersattningsarende",),
    "FK:RBE": ("rehabersattningsarende",),
    "FK:SA": (
        "sjukOchAktivitetsersattningsarende",
        "sjukOchAktivitetsersattningSteglosAvrakningHistorik",
        "sjukOchAktivitetsersattningSteglosAvrakningNulage",
    ),
    "FK:SBP": ("smittbararersattningsarende",),
    "FK:SJP": ("sjukpenningarende",),
    "FK:TFP": ("tillfalligForaldrapenningarende",),
    "FK:US": ("underhallsskuld", "underhallsstodskrav", "underhallsstodsmottag"),
    "FK:VB": ("vardbidragsarende",),
    "FK:YL": (
        "yrkesskadeefterlevandearende",
        "yrkesskadeegenlivrantearende",
        "arbetsskadeefterlevandearende",
        "arbetsskadeegenlivrantearende",
    ),
}
FK_TYPE_PROPERTIES: dict[str, str] = {
    "FK:GEPI": "generellPersoninformation",
    "FK:PANV": "programanvisning",
    "FK:SGI": "sjukpenninggrundandeInkomstuppgift",
    "FK:SKUP": "skatteuppgift",
    "FK:STAV": "studiemedelsavisering",
}
PM_TYPE_BLOCKS = {
    "PM:LINT": "levnadsintyg",
    "PM:PBH": "pensionsbehallning",
    "PM:PU": "pensionsunderlag",
}
# Groups that pay money every month, with a typical monthly gross in kronor.
FK_MONTHLY = {
    "FK:ABB": "1250.00",
    "FK:BOB": "2300.00",
    "FK:SA": "11900.00",
    "FK:US": "1673.00",
    "FK:SJP": "17840.50",
    "FK:FP": "15620.75",
    "FK:AS": "9650.40",
    "FK:AP": "8420.00",
    "FK:HE": "1955.00",
    "FK:VB": "2740.00",
    "FK:TFP": "4210.30",
    "FK:PROG": "7310.00",
}
PM_MONTHLY = {"PM:AP": 14650, "PM:BTI": 3820, "PM:EF": 5210}
DEDUCTIONS = ("INC", "INF", "KVI", "UMG")
EARLIER_YEARS_TAX = frozenset({"FK:SA"})  # paid with a PST row (tax of earlier years)
RETRO_GROUPS = frozenset({"FK:SJP", "FK:FP"})  # planned retroactive payments now and then
PM_WITHOUT_GROSS = frozenset({"PM:BTI"})  # sent without `bruttobelopp`
TAX_FREE = frozenset({"FK:ABB", "FK:BOB", "FK:US", "FK:HE", "FK:MEK"})
DAY_NAMES = {
    "dag",
    "ersattningsdatum",
    "datum",
    "fattades",
    "startades",
    "uppdaterades",
    "faststalldes",
    "foddes",
    "skadetillfalle",
    "ankomstdatum",
}


@cache
def model() -> dict[str, Any]:
    """The project's LEFI model, shared with the facade's decoder."""
    parsed: dict[str, Any] = json.loads(
        (CONTRACT_DIR / "lefi-v9-model.json").read_text(encoding="utf-8")
    )
    return parsed


@cache
def answer_schema() -> dict[str, Any]:
    """The project's JSON Schema of the LEFI answer: the rules an answer must keep."""
    parsed: dict[str, Any] = json.loads(LEFI_SCHEMA_PATH.read_text(encoding="utf-8"))
    return parsed


@cache
def rules(type_name: str, name: str) -> dict[str, Any]:
    """What the JSON Schema says of one property of a model type (`items`: of each item)."""
    found: dict[str, Any] = (
        answer_schema()["$defs"].get(type_name, {}).get("properties", {}).get(name, {})
    )
    return found


def within(number: int, property_rules: dict[str, Any]) -> int:
    """A list's length brought within the property's `minItems` and `maxItems`."""
    least: int = property_rules.get("minItems", 0)
    most: int = property_rules.get("maxItems", number)
    return max(least, min(number, most))


@dataclass(frozen=True)
class LefiWorld:
    """One person's benefits as LEFI knows them, and what this municipality may see."""

    person: SimPerson
    scenario: Scenario | None
    period: SimPeriod
    groups: frozenset[str]
    types: frozenset[str]
    obehoriga: frozenset[str]

    @property
    def huge(self) -> bool:
        """The scenario person whose answer is two years of many benefits."""
        return self.scenario is Scenario.OMFATTANDE


def person_groups(
    person: SimPerson, scenario: Scenario | None, period: SimPeriod
) -> tuple[frozenset[str], frozenset[str]]:
    """The benefit groups and övrig-information types the person has at the period's end."""
    every_group = frozenset(model()["enums"]["LefiExternFormanGruppKod"])
    every_type = frozenset(model()["enums"]["LefiExternOvrigInformationTypKod"])
    if scenario in (Scenario.ALLA, Scenario.OMFATTANDE):
        return every_group, every_type
    if scenario is Scenario.INGENTING:
        return frozenset(), frozenset()
    rng = person.rng("LEFI-mix")
    age = period.tom.year - person.birth.year
    groups: set[str] = set()
    types = {"FK:GEPI", "FK:SGI"}
    if 22 <= age <= 55 and rng.random() < 0.6:
        groups |= {"FK:ABB", "FK:TFP"}
        if age <= 45:
            groups.add("FK:FP")
        if rng.random() < 0.4:
            groups |= {"FK:BOB", "FK:US"}
    if age < 65 and rng.random() < 0.25:
        groups |= {"FK:SJP", "FK:RBE"} if rng.random() < 0.5 else {"FK:SJP"}
    if person.arbetssokande:
        groups |= {"FK:AS", "FK:PROG", "FK:PJOB"}
        types.add("FK:PANV")
    if 30 <= age < 65 and rng.random() < 0.1:
        groups |= {"FK:SA", "FK:HE"}
    if age >= 65:
        groups |= {"PM:AP", "FK:AP"} | ({"PM:BTI"} if rng.random() < 0.5 else set())
        types |= {"PM:LINT", "PM:PBH"}
    if age >= 30:
        types.add("PM:PU")
    if rng.random() < 0.05:
        groups |= {"PM:EF", "FK:ET"}
    return frozenset(groups), frozenset(types)


def lefi_answer(
    question: dict[str, Any],
    person: SimPerson,
    scenario: Scenario | None,
    obehoriga: frozenset[str],
) -> dict[str, Any]:
    """The LEFI JSON answer to a question, as LEFI would give it to this municipality."""
    period = SimPeriod(
        date.fromisoformat(question["period"]["from"]),
        date.fromisoformat(question["period"]["tom"]),
    )
    groups, types = person_groups(person, scenario, period)
    world = LefiWorld(person, scenario, period, groups, types, obehoriga)
    pm_down = scenario is Scenario.PM_OTILLGANGLIG
    answer: dict[str, Any] = {
        "utlamnare": [
            _utlamnare("FK", "Försäkringskassan", "OK"),
            _utlamnare("PM", "Pensionsmyndigheten", "OTILLGANGLIG" if pm_down else "OK"),
        ],
        "avvikelser": {},
        "formansinformation": {},
    }
    for information_class in LEFI_CLASSES:
        for code in question.get(information_class) or []:
            if code in obehoriga:
                _deviation(answer, information_class, code)
            elif code.startswith("PM:") and pm_down:
                continue  # a provider that is not OK gets no avvikelse: see utlamnare
            else:
                _fill(answer, world, information_class, code)
    if not answer["avvikelser"] and scenario is Scenario.INGENTING:
        # LEFI's own example sends an empty array here although its schema says object: the
        # person with nothing to report gets it so, every other answer keeps to the schema.
        answer["avvikelser"] = []
    return answer


def _utlamnare(kod: str, namn: str, tillstand: str) -> dict[str, Any]:
    return {
        "utlamnare": {"kod": kod, "namn": namn},
        "tillstand": {"kod": tillstand, "beskrivning": enum_words("LefiTillstandKod", tillstand)},
    }


def _deviation(answer: dict[str, Any], information_class: str, code: str) -> None:
    key = "ovrigInformationstyp" if information_class == "ovrigInformation" else "formansgrupp"
    answer["avvikelser"].setdefault(information_class, []).append(
        {
            "avvikelse": {
                "kod": "OBEHORIG",
                "beskrivning": enum_words("LefiAvvikelseKod", "OBEHORIG"),
            },
            key: {"kod": code, "beskrivning": group_words(code)},
        }
    )


def _fill(answer: dict[str, Any], world: LefiWorld, information_class: str, code: str) -> None:
    fk = answer["formansinformation"]
    if information_class == "formansinformation" and code in world.groups:
        for prop in FK_GROUP_PROPERTIES.get(code, ()):
            fk.setdefault(prop, []).extend(_items(world, "LefiFormansinformation", prop, code))
    elif (
        information_class == "ovrigInformation"
        and code in FK_TYPE_PROPERTIES
        and code in world.types
    ):
        prop = FK_TYPE_PROPERTIES[code]
        fk.setdefault(prop, []).extend(_items(world, "LefiFormansinformation", prop, code))
    elif information_class == "ovrigInformation" and code in PM_TYPE_BLOCKS and code in world.types:
        block = PM_TYPE_BLOCKS[code]
        item_type = _field(model()["types"]["LefiPmOvrigInformation"], block)["type"]
        answer.setdefault("ovrigInformation", []).append(
            {
                "informationstyp": {"kod": code, "beskrivning": group_words(code)},
                block: Faker(world, code).object(item_type),
            }
        )
    elif (
        information_class in ("utbetalningar", "preliminaraUtbetalningar") and code in world.groups
    ):
        preliminary = information_class == "preliminaraUtbetalningar"
        if code.startswith("FK:") and code in FK_MONTHLY:
            target = "preliminarautbetalningar" if preliminary else "utbetalningsuppgift"
            fk.setdefault(target, []).extend(_fk_payments(world, code, preliminary))
        elif code.startswith("PM:"):
            answer.setdefault(information_class, []).extend(_pm_payments(world, code, preliminary))
    elif information_class in ("ansprak", "beslut") and code in world.groups:
        item_type = _field(model()["types"]["LefiExternFormansinformationSvar"], information_class)[
            "type"
        ]
        faker = Faker(world, code, group=code)
        items = [faker.object(item_type) for _ in range(faker.count(1, 2, 12))]
        for item in items:
            item["formansgrupp"] = {"kod": code, "beskrivning": group_words(code)}
        answer.setdefault(information_class, []).extend(items)


def _field(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in spec["fields"] if f["name"] == name)


def _items(world: LefiWorld, type_name: str, prop: str, code: str) -> list[dict[str, Any]]:
    field = _field(model()["types"][type_name], prop)
    faker = Faker(world, f"{code}:{prop}", group=code)
    number = within(faker.count(1, 2, 6), rules(type_name, prop))
    return [faker.object(field["type"]) for _ in range(number)]


def _kr(value: Decimal) -> dict[str, Any]:
    return {"summa": value.quantize(Decimal("0.01")), "valuta": "SEK"}


def _fk_code(code: int | str, words: str) -> dict[str, Any]:
    """A code of Försäkringskassan's model (`LefiBokstavskod`, `LefiSifferkod`): `id` and its
    Swedish words."""
    return {"id": code, "beskrivning": words}


def _deduction(kind: str) -> dict[str, Any]:
    """An FK deduction's `beloppstyp` with the contract's words for it."""
    return _fk_code(kind, FK_DEDUCTIONS[kind])


def _pm_code(code: str, enum: str) -> dict[str, Any]:
    """A code of one of Pensionsmyndigheten's enumerations, and its words."""
    return {"kod": code, "beskrivning": enum_words(enum, code)}


def _pay_days(
    world: LefiWorld, preliminary: bool, day_of_month: int = 25
) -> list[tuple[date, date]]:
    """(pay date, month paid for) in the period. Effected: the pay dates up to today. Planned
    (preliminary): the pay dates after today; when there are none, the period's last one, already
    effected, as LEFI can still list a payment effected after its planned list was read."""
    days = [(m.replace(day=day_of_month), m) for m in world.period.months()]
    days = [(d, m) for d, m in days if world.period.from_ <= d <= world.period.tom]
    today = date.today()  # paid or planned is relative to now, as at FK and PM
    if preliminary:
        return [(d, m) for d, m in days if d > today] or days[-1:]
    return [(d, m) for d, m in days if d <= today]


def _fk_payments(world: LefiWorld, code: str, preliminary: bool) -> list[dict[str, Any]]:
    if code == "FK:AP":
        # FK's payment model carries Pensionsmyndigheten's pension payments (payer 1003).
        return [_fk_copy(item) for item in _pm_payments(world, "PM:AP", preliminary)]
    payments = []
    for pay_day, month in _pay_days(world, preliminary):
        # Paid on the last weekday on or before the day; the planned list names the day itself.
        paid_on = pay_day if preliminary else _weekday_on_or_before(pay_day)
        payments.append(_fk_payment(world, code, paid_on, month, _fk_gross(world, code, month)))
    retro = _retro_payment(world, code) if preliminary else None
    return payments + ([retro] if retro else [])


def _fk_gross(world: LefiWorld, code: str, month: date) -> Decimal:
    """A month's gross of an FK group: the whole monthly amount, or half or three quarters."""
    if world.huge:
        return Decimal(FK_MONTHLY[code])
    rng = world.person.rng("FK-pay", code, month.isoformat())
    return Decimal(FK_MONTHLY[code]) * Decimal(rng.choice(("1", "0.5", "0.75")))


def _weekday_on_or_before(day: date) -> date:
    return day - timedelta(days=max(0, day.weekday() - 4))


def _fk_payment(
    world: LefiWorld,
    code: str,
    pay_day: date,
    month: date,
    gross_month: Decimal,
    typ: int = 1,
) -> dict[str, Any]:
    """One FK payment for a month: its detail rows, preliminary tax (PS), for sick and activity
    compensation tax of earlier years too (PST, as a deduction row: LEFI fills `skattebelopp`
    for PS and SS only), and sometimes another deduction."""
    rows_per_payment = 12 if world.huge else 1
    rng = world.person.rng("FK-pay", code, month.isoformat(), "details")
    end = month_end(month)
    letters = code.split(":")[1]  # FK's model writes its letter codes without the prefix

    def forman() -> dict[str, Any]:
        return _fk_code(letters, group_words(code))

    details = []
    gross_total = Decimal(0)
    for index in range(rows_per_payment):
        gross = gross_month / rows_per_payment
        gross_total += gross.quantize(Decimal("0.01"))
        details.append(
            {
                "forman": forman(),
                "period": {"fran": month.isoformat(), "till": end.isoformat()},
                "beloppstyp": _fk_code(f"{letters}{index % 3}", kind_of_payment(code)),
                "omfattning": {"taljare": 1, "namnare": 1},
                "dagar": end.day,
                "bruttobelopp": _kr(gross),
            }
        )
    taxable = code not in TAX_FREE
    tax = (gross_total * Decimal("0.30")).quantize(Decimal("0.01")) if taxable else Decimal(0)
    if taxable:
        details.append(
            {
                "forman": forman(),
                "beloppstyp": _deduction("PS"),
                "skattebelopp": _kr(tax),
            }
        )
    earlier_tax = (
        (gross_total * Decimal("0.02")).quantize(Decimal("0.01"))
        if code in EARLIER_YEARS_TAX
        else Decimal(0)
    )
    if earlier_tax:
        details.append(
            {
                "forman": forman(),
                "beloppstyp": _deduction("PST"),
                "avdragsbelopp": _kr(earlier_tax),
            }
        )
    other = (gross_total * Decimal(rng.choice(("0", "0", "0.05", "0.12")))).quantize(
        Decimal("0.01")
    )
    if other:
        kind = rng.choice(DEDUCTIONS)
        details.append(
            {
                "forman": forman(),
                "beloppstyp": _deduction(kind),
                "avdragsbelopp": _kr(other),
            }
        )
    withheld = tax + earlier_tax + other
    return {
        "typ": _fk_code(typ, PAYMENT_KINDS[typ]),
        "foretag": _fk_code(1001, PAYERS[1001]),
        "formansfamilj": forman(),
        "datum": pay_day.isoformat(),
        "period": {"fran": month.strftime("%Y-%m")}
        if rng.random() < 0.2
        else {"fran": month.isoformat(), "till": end.isoformat()},
        "bruttobelopp": _kr(gross_total),
        "skattebelopp": _kr(tax),
        "avdragsbelopp": _kr(withheld),
        "nettobelopp": _kr(gross_total - withheld),
        "utbetalningsdetalj": details,
    }


def _retro_payment(world: LefiWorld, code: str) -> dict[str, Any] | None:
    """A planned retroactive payment (`typ` 3) for the last month already paid: a decision
    changed after the payout. It has its own pay date; for sjukpenning a fifth of the monthly
    amount, for föräldrapenning the rest of a month first paid in part, here as much again as
    was paid (the same amounts as the paid one). The person of scenario ALLA has both, other
    people now and then."""
    if code not in RETRO_GROUPS:
        return None
    rng = world.person.rng("FK-retro", code)
    if world.scenario is not Scenario.ALLA and rng.random() >= 0.15:
        return None
    paid = _pay_days(world, preliminary=False)
    pay_day = date.today() + timedelta(days=3)
    if not paid or not world.period.from_ <= pay_day <= world.period.tom:
        return None
    _, month = paid[-1]
    gross = _fk_gross(world, code, month)
    if code == "FK:SJP":
        gross = Decimal(FK_MONTHLY[code]) * Decimal("0.2")
    return _fk_payment(world, code, pay_day, month, gross, typ=3)  # Retro


def _fk_copy(pm: dict[str, Any]) -> dict[str, Any]:
    """PM's payment as FK's payment model reports it: payer 1003, the same date and amounts."""
    gross, net = Decimal(pm["bruttobelopp"]), Decimal(pm["nettobelopp"])
    tax = -sum(
        (Decimal(a["belopp"]) for a in pm["avdrag"] if a["avdragstyp"]["kod"] == "PM:PS"),
        Decimal(0),
    )
    other = gross - net - tax
    month = date.fromisoformat(pm["utbetalningsperiod"]["from"])
    details = [
        {
            "forman": _fk_code("AP", group_words("FK:AP")),
            "period": {"fran": month.isoformat(), "till": pm["utbetalningsperiod"]["tom"]},
            "beloppstyp": _fk_code("AP0", kind_of_payment("FK:AP")),
            "bruttobelopp": _kr(gross),
        },
        {
            "forman": _fk_code("AP", group_words("FK:AP")),
            "beloppstyp": _deduction("PS"),
            "skattebelopp": _kr(tax),
        },
    ]
    if other:
        details.append(
            {
                "forman": _fk_code("AP", group_words("FK:AP")),
                "beloppstyp": _deduction("INF"),
                "avdragsbelopp": _kr(other),
            }
        )
    return {
        "typ": _fk_code(1, PAYMENT_KINDS[1]),
        "foretag": _fk_code(1003, PAYERS[1003]),
        "formansfamilj": _fk_code("AP", group_words("FK:AP")),
        "datum": pm["utbetalningsdatum"],
        "period": {"fran": month.isoformat(), "till": pm["utbetalningsperiod"]["tom"]},
        "bruttobelopp": _kr(gross),
        "skattebelopp": _kr(tax),
        "avdragsbelopp": _kr(tax + other),
        "nettobelopp": _kr(net),
        "utbetalningsdetalj": details,
    }


def _pm_payments(world: LefiWorld, code: str, preliminary: bool) -> list[dict[str, Any]]:
    payments = []
    for pay_day, month in _pay_days(world, preliminary, day_of_month=19):
        rng = world.person.rng("PM-pay", code, month.isoformat())
        gross = PM_MONTHLY[code] + rng.randint(-200, 200)
        tax = -round(gross * 0.28)  # PM deductions may come negative
        other = -rng.choice((0, 0, 450))
        avdrag = [
            {"belopp": tax, "avdragstyp": _pm_code("PM:PS", "LefiPmFormanUtbetalningAvdragTypKod")}
        ]
        if other:
            avdrag.append(
                {
                    "belopp": other,
                    "avdragstyp": _pm_code("PM:UTMATNING", "LefiPmFormanUtbetalningAvdragTypKod"),
                }
            )
        end = month_end(month)
        payment: dict[str, Any] = {
            "utbetalningsdatum": pay_day.isoformat(),
            "utbetalningsperiod": {"from": month.isoformat(), "tom": end.isoformat()},
            "bruttobelopp": gross,
            "nettobelopp": gross + tax + other,
            "avdrag": avdrag,
            "utbetalningsrader": [
                {
                    "formansgrupp": {"kod": code, "beskrivning": group_words(code)},
                    "belopp": gross,
                    "utbetalningsforman": _pm_code(
                        "PM:AP38" if code == "PM:AP" else "PM:EP", "LefiPmUtbetalningFormanKod"
                    ),
                    "beloppstyp": _pm_code("PM:IP", "LefiPmFormanUtbetalningBeloppTypKod"),
                }
            ],
        }
        if code in PM_WITHOUT_GROSS:
            del payment["bruttobelopp"]  # no field of LEFI's answer is required
        payments.append(payment)
    return payments


class Faker:
    """Fills any LEFI model type with plausible values inside the asked period; `group` is the
    benefit group the items belong to, whose letters and words its förmån codes take."""

    def __init__(self, world: LefiWorld, salt: str, group: str | None = None) -> None:
        self.world = world
        self.rng: random.Random = world.person.rng("LEFI", salt)
        self.group = group

    def count(self, low: int, high: int, huge: int) -> int:
        """How many items a list gets; the huge scenario gets many."""
        return huge if self.world.huge else self.rng.randint(low, high)

    def day(self) -> date:
        """A day in the asked period."""
        span = (self.world.period.tom - self.world.period.from_).days
        return self.world.period.from_ + timedelta(days=self.rng.randint(0, max(span, 0)))

    def other_birth(self) -> date:
        """The birth date of someone related to the person: a child, a partner, the deceased."""
        return date(self.rng.randint(1940, 2020), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def object(self, type_name: str, depth: int = 0) -> dict[str, Any]:
        """One object of a model type; the general person information is the person's own."""
        spec = model()["types"][type_name]
        result: dict[str, Any] = {}
        for field in spec["fields"]:
            field_rules = rules(type_name, field["name"])
            if field.get("list"):
                if depth >= 4:
                    continue
                many = field["name"] in ("ersattningsdagar", "bedomdadagar") and self.world.huge
                number = within(90 if many else self.rng.randint(1, 2), field_rules)
                item_rules = field_rules.get("items", {})
                result[field["name"]] = [
                    self.value(field, depth + 1, item_rules, type_name) for _ in range(number)
                ]
            elif depth < 5:
                result[field["name"]] = self.value(field, depth + 1, field_rules, type_name)
        if type_name == "LefiPersoninformation" and depth == 0:
            person = self.world.person
            result.update(
                personnummer=person.personnummer,
                foddes=person.birth.isoformat(),
                namn=f"{person.fornamn} {person.efternamn}",
                skyddad=person.protected,
                avled=[],
            )
        return result

    def value(
        self, field: dict[str, Any], depth: int, value_rules: dict[str, Any], type_name: str
    ) -> Any:
        """One value for a field of the model type `type_name`, within the schema's rules for it
        (`value_rules`)."""
        kind, name = field["type"], field["name"]
        enum = model()["enums"].get(field.get("enum", ""))
        if enum:
            return self.rng.choice(enum)
        if kind == "string":
            return self._patterned(self._string(name), value_rules.get("pattern"), name)
        if kind == "integer":
            return self.rng.randint(0, 30)
        if kind == "number":
            if name == "omfattning":  # a share, 0..1 with three decimals
                return Decimal(self.rng.choice((250, 500, 750, 1000))) / 1000
            return Decimal(self.rng.randint(100, 99999)) / 100
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "date":
            return self.day().isoformat()
        if kind == "datetime":
            return f"{self.day().isoformat()}T10:15:00Z"
        special = model()["types"][kind]
        if special["kind"] == "code":
            return self.code(type_name, name, special)
        if special["kind"] == "belopp":
            return _kr(Decimal(self.rng.randint(10000, 2500000)) / 100)
        if special["kind"] == "omfattning":
            taljare, namnare = self.rng.choice(((1, 1), (3, 4), (1, 2), (1, 4)))
            return {"taljare": taljare, "namnare": namnare}
        if special["kind"] == "frantill":
            start = self.day()
            if self.rng.random() < 0.2:
                return {"fran": start.strftime("%Y-%m")}  # a month, open-ended
            return {
                "fran": start.isoformat(),
                "till": min(self.world.period.tom, start + timedelta(days=30)).isoformat(),
            }
        return self.object(kind, depth)

    def code(self, type_name: str, name: str, special: dict[str, Any]) -> dict[str, Any]:
        """A code of the field `name` of `type_name` with its Swedish words: the group's own for a
        förmån, else one the contract lists for the field (an enumeration's, or the list in
        the field's description), else a made-up one that says so. Its key has the kind the
        schema gives it: LefiBokstavskod's `id` is text, LefiSifferkod's a whole number."""
        key = special["key"]
        if name in ("forman", "delforman") and self.group and special["keyType"] == "string":
            return {key: self.group.split(":")[1], "beskrivning": group_words(self.group)}
        enum = special.get("enum")
        if enum:
            code = self.rng.choice(model()["enums"][enum])
            return {key: code, "beskrivning": enum_words(enum, code)}
        listed = field_codes(type_name, name)
        if listed:
            code = self.rng.choice(list(listed))
            return {key: code, "beskrivning": listed[code]}
        made_up = (1, 2, 3, 4, 5) if special["keyType"] == "integer" else ("A", "B", "C", "D", "E")
        return {key: self.rng.choice(made_up), "beskrivning": MADE_UP}

    def _patterned(self, value: str, pattern: str | None, name: str) -> str:
        """`value` if the schema's pattern accepts it, else the first shape it accepts of a day
        in the period: the day, its month `YYYY-MM`, its year; or a personnummer."""
        if pattern is None or re.search(pattern, value):
            return value
        for shaped in self._shapes():
            if re.search(pattern, shaped):
                return shaped
        raise ValueError(f"the simulator has no value for {name} that matches {pattern}")

    def _shapes(self) -> Iterator[str]:
        day = self.day()
        yield from (day.isoformat(), day.strftime("%Y-%m"), str(day.year))
        yield person_number(self.other_birth(), self.rng.randint(0, 999))

    def _string(self, name: str) -> str:
        if name == "foddes":
            return self.other_birth().isoformat()
        if name in DAY_NAMES or name.endswith("datum"):
            return self.day().isoformat()
        if name in ("personnummer", "person", "medsokande"):
            return person_number(self.other_birth(), self.rng.randint(0, 999))
        if name == "namn":
            return f"{self.rng.choice(FORNAMN)} {self.rng.choice(EFTERNAMN)}"
        if name.endswith("id"):
            return f"{name[:3].upper()}-{self.rng.randint(100000, 999999)}"
        if name in ("artal", "ar"):
            return str(self.world.period.tom.year - 1)
        return self.rng.choice(("BEVILJAN", "SLUTLIGT", "NORMAL", "Uppgift", "Annan uppgift"))


def build(data: etree._Element, q: SimQuestion, p: SimPerson, scenario: Scenario | None) -> None:
    """Fill FK's `data`: the base64 LEFI answer for the LEFI question, or LEFI's refusal."""
    version = (q.fk_fraga or {}).get("version") or "v9"
    if version != "v9":
        raise AgencyFailure("BT", "LEFI-VERSION", f"LEFI-versionen {version} stöds inte")
    question = q.lefi_question
    if not question or not any(question.get(c) for c in LEFI_CLASSES):
        raise AgencyFailure("BT", "LEFI-400", "Frågan saknar förmånsgrupper och informationstyper")
    period = question.get("period") or {}
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["tom"])
    if end > start.replace(year=start.year + 2, day=min(start.day, 28)) + timedelta(days=3):
        raise AgencyFailure("BT", "LEFI-400", "Perioden är längre än två år")
    obehoriga = q.lefi_obehoriga
    answer = lefi_answer(question, p, scenario, obehoriga)
    lefi = sub(data, q.namespace, "lefiJsonSvar")
    document = json.dumps(answer, ensure_ascii=False, default=_json_number)
    lefi.text = base64.b64encode(document.encode()).decode()


def _json_number(value: object) -> object:
    """Decimal amounts go out as JSON numbers, as LEFI sends them."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
