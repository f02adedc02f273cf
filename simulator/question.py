"""Reading a (schema-valid) `hamtaBastjanstInformation` question into plain values."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from lxml import etree

from resolvers.contract import CONTRACT_AGENCIES

AGENCIES = tuple(row.element for row in CONTRACT_AGENCIES)


@dataclass(frozen=True)
class SimPeriod:
    """A closed date interval."""

    from_: date
    tom: date

    def as_json(self) -> dict[str, str]:
        """The period for the request log."""
        return {"from": self.from_.isoformat(), "tom": self.tom.isoformat()}

    def months(self) -> list[date]:
        """The first day of every month that the period touches."""
        month, months = self.from_.replace(day=1), []
        while month <= self.tom:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def month_end(month: date) -> date:
    """The last day of the month that `month` falls in."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@dataclass
class SimQuestion:
    """What a municipality asked."""

    namespace: str
    personidentitet: str
    arendeidentitet: str
    period: SimPeriod
    organisationsnummer: str
    ingivare_namn: str
    handlaggare: str
    syfte: str
    lagtext: str
    bitraden: list[tuple[str, str]]
    korrelationsid: str | None
    frage_tidpunkt: str | None
    echo_question: bool
    included: list[str] = field(default_factory=list)
    periods: dict[str, SimPeriod] = field(default_factory=dict)
    fk_fraga: dict[str, Any] | None = None
    lefi_question: dict[str, Any] | None = None
    skv_fraga: dict[str, Any] | None = None
    lefi_obehoriga: frozenset[str] = frozenset()
    csn_schema_version: str = "4.0"

    def period_of(self, agency: str) -> SimPeriod:
        """The agency's own period if the question gave one, else the general period."""
        return self.periods.get(agency, self.period)

    def as_json(self) -> dict[str, Any]:
        """The question as the request log shows it."""
        return {
            "namespace": self.namespace,
            "personidentitet": self.personidentitet,
            "arendeidentitet": self.arendeidentitet,
            "tidsperiod": self.period.as_json(),
            "handlaggare": self.handlaggare,
            "frageTidpunkt": self.frage_tidpunkt,
            "korrelationsid": self.korrelationsid,
            "included": self.included,
            "periods": {agency: period.as_json() for agency, period in self.periods.items()},
            "fkFraga": self.fk_fraga,
            "lefiQuestion": self.lefi_question,
            "skvFraga": self.skv_fraga,
        }


def _text(parent: etree._Element, path: str, ns: dict[str, str]) -> str | None:
    found = parent.find(path, ns)
    return None if found is None else (found.text or "")


def _period(element: etree._Element | None, ns: dict[str, str]) -> SimPeriod | None:
    if element is None:
        return None
    return SimPeriod(
        date.fromisoformat((_text(element, "s:fromDatum", ns) or "")[:10]),
        date.fromisoformat((_text(element, "s:tomDatum", ns) or "")[:10]),
    )


def read_question(element: etree._Element) -> SimQuestion:
    """The question in a validated `hamtaBastjanstInformation` element."""
    namespace = etree.QName(element).namespace or ""
    ns = {"s": namespace}
    general = element.find("s:generellaFrageparametrar", ns)
    specific = element.find("s:specifikaFrageparametrar", ns)
    assert general is not None and specific is not None
    period = _period(general.find("s:tidsperiod", ns), ns)
    assert period is not None
    question = SimQuestion(
        namespace=namespace,
        personidentitet=(_text(general, "s:personidentitet", ns) or "").strip(),
        arendeidentitet=_text(general, "s:arendeidentitet", ns) or "",
        period=period,
        organisationsnummer=(_text(general, "s:ingivare/s:organisationsnummer", ns) or "").strip(),
        ingivare_namn=_text(general, "s:ingivare/s:namn", ns) or "",
        handlaggare=_text(general, "s:ingivare/s:handlaggare", ns) or "",
        syfte=_text(general, "s:syfte", ns) or "",
        lagtext=_text(general, "s:lagtext", ns) or "",
        bitraden=[
            (
                (_text(b, "s:organisationsnummer", ns) or "").strip(),
                _text(b, "s:namn", ns) or "",
            )
            for b in general.findall("s:personuppgiftsbitrade", ns)
        ],
        korrelationsid=_text(general, "s:korrelationsid", ns),
        frage_tidpunkt=_text(general, "s:frageTidpunkt", ns),
        echo_question=(_text(general, "s:fraganSkallInkluderasISvaret", ns) or "").strip()
        in ("true", "1"),
    )
    for agency in AGENCIES:
        block = specific.find(f"s:{agency}", ns)
        if block is None or block.get("inkludera") not in ("true", "1"):
            continue
        question.included.append(agency)
        own = _period(block.find("s:tidsperiod", ns), ns)
        if own is not None:
            question.periods[agency] = own
        fraga = block.find("s:fraga", ns)
        if fraga is not None and agency == "FK":
            question.fk_fraga = {
                "version": _text(fraga, "s:version", ns),
                "aktorsid": _text(fraga, "s:aktorsid", ns),
            }
            raw = _text(fraga, "s:lefiJsonFraga", ns) or ""
            try:
                question.lefi_question = json.loads(base64.b64decode(raw))
            except ValueError:
                question.lefi_question = None
        if fraga is not None and agency == "SKV":
            question.skv_fraga = {
                "ar": [int(e.text or "0") for e in fraga.findall("s:ar", ns)],
                **{
                    etree.QName(e).localname: (e.text or "").strip() in ("true", "1")
                    for e in fraga
                    if etree.QName(e).localname != "ar"
                },
            }
    return question
