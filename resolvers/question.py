"""Building the SSBTEK question `SammansattBastjanstFraga` from a fetch plan."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from resolvers.agencies import CONTRACT_ORDER, Agency
from resolvers.contract import SsbtVersion
from resolvers.errors import BadUserInput
from resolvers.plan import FetchPlan, Period, QuestionKey
from resolvers.privacy import holds_personnummer

# `arendeidentitet`: 1-31 characters (CSN refuses 32 or more), letters, digits and `-_./:`.
ARENDE_MAX = 31
_ARENDE = re.compile(rf"[A-Za-zÅÄÖåäö0-9\-_./:]{{1,{ARENDE_MAX}}}")


def check_arende(arende: str) -> None:
    """Refuse (BadUserInput) a case id SSBTEK cannot take, or one that holds a personnummer
    (anybody's: it would go to every agency and into every audit line in clear)."""
    if not _ARENDE.fullmatch(arende):
        raise BadUserInput(
            f"arende must be 1 to {ARENDE_MAX} characters: letters, digits and - _ . / : only"
        )
    if holds_personnummer(arende):
        raise BadUserInput(
            "arende must be the case id and must not hold a personnummer (a run of 10 or 12 "
            "digits that is a valid personnummer)"
        )


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


def lefi_question(key: QuestionKey, plan: FetchPlan) -> dict[str, Any]:
    """The LEFI v9 JSON question (`LefiExternFormansinformationFraga`) for the plan."""
    return {
        "personnummer": key.personnummer,
        "period": {"from": key.period.from_.isoformat(), "tom": key.period.tom.isoformat()},
        **plan.lefi_question_classes(),
    }


def build_question(
    key: QuestionKey,
    plan: FetchPlan,
    requester: Requester,
    handlaggare: str,
    version: SsbtVersion,
    *,
    asked_at: datetime | None = None,
    korrelationsid: str | None = None,
) -> dict[str, Any]:
    """The keyword arguments of `hamtaBastjanstInformation` for zeep.

    `asked_at` becomes `frageTidpunkt` (when the question is made) and `korrelationsid` an id
    SSBTEK echoes, which the audit line carries too."""
    generella: dict[str, Any] = {
        **({"frageTidpunkt": asked_at} if asked_at is not None else {}),
        **({"korrelationsid": korrelationsid} if korrelationsid is not None else {}),
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
    agency: Agency, key: QuestionKey, plan: FetchPlan, requester: Requester, version: SsbtVersion
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
