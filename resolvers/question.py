"""Building the SSBTEK question `SammansattBastjanstFraga` from a fetch plan."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from resolvers.agencies import CONTRACT_ORDER, Agency
from resolvers.contract import SsbtVersion
from resolvers.plan import FetchPlan, Period, PersonKey

SKV_PARTS = (
    "foretagsinformation",
    "individuppgifter",
    "skattekonto",
    "skatteuppgifter",
    "beskattningsbilagor",
)


@dataclass(frozen=True)
class Bitrade:
    """A `personuppgiftsbitrade`: a processor acting for the municipality."""

    organisationsnummer: str
    namn: str
    ordningsnummer: int | None = None


@dataclass(frozen=True)
class Requester:
    """Who asks, from settings: the municipality, its LEFI actor id, purpose and legal ground."""

    organisationsnummer: str
    namn: str
    aktorsid: str
    syfte: str
    lagtext: str
    bitraden: tuple[Bitrade, ...] = ()
    lefi_version: str = "v9"


def lefi_question(key: PersonKey, plan: FetchPlan) -> dict[str, Any]:
    """The LEFI v9 JSON question (`LefiExternFormansinformationFraga`) for the plan."""
    return {
        "personnummer": key.personnummer,
        "period": {"from": key.period.from_.isoformat(), "tom": key.period.tom.isoformat()},
        **plan.lefi_question_classes(),
    }


def build_question(
    key: PersonKey,
    plan: FetchPlan,
    requester: Requester,
    handlaggare: str,
    version: SsbtVersion,
) -> dict[str, Any]:
    """The keyword arguments of `hamtaBastjanstInformation` for zeep."""
    generella: dict[str, Any] = {
        "fraganSkallInkluderasISvaret": False,
        "ingivare": {
            "organisationsnummer": requester.organisationsnummer,
            "namn": requester.namn,
            "handlaggare": handlaggare,
        },
        "personidentitet": key.personnummer,
        "arendeidentitet": key.arende,
        "tidsperiod": _tidsperiod(key.period),
        "personuppgiftsbitrade": [
            {
                **({"ordningsnummer": b.ordningsnummer} if b.ordningsnummer is not None else {}),
                "organisationsnummer": b.organisationsnummer,
                "namn": b.namn,
            }
            for b in requester.bitraden
        ],
        "syfte": requester.syfte,
        "lagtext": requester.lagtext,
    }
    specifika = {
        agency.value: _specific(agency, key, plan, requester, version) for agency in CONTRACT_ORDER
    }
    return {"generellaFrageparametrar": generella, "specifikaFrageparametrar": specifika}


def _tidsperiod(period: Period) -> dict[str, Any]:
    return {"fromDatum": period.from_, "tomDatum": period.tom}


def _specific(
    agency: Agency, key: PersonKey, plan: FetchPlan, requester: Requester, version: SsbtVersion
) -> dict[str, Any]:
    if agency not in plan.agencies:
        return {"inkludera": False}
    element: dict[str, Any] = {"inkludera": True}
    own = plan.own_periods(key.period).get(agency)
    if own is not None:
        element["tidsperiod"] = _tidsperiod(own)
    if agency is Agency.FK:
        lefi_json = json.dumps(lefi_question(key, plan), separators=(",", ":")).encode()
        element["fraga"] = {
            "version": requester.lefi_version,
            "aktorsid": requester.aktorsid,
            "lefiJsonFraga": lefi_json,
        }
    if agency is Agency.SKV and version is SsbtVersion.V11:
        # The contract does not say which part carries which element, so every part is asked.
        element["fraga"] = {"ar": plan.skv_years(key.period), **dict.fromkeys(SKV_PARTS, True)}
    return element
