"""`forsakringskassan` and `pensionsmyndigheten`: the two agencies whose data travels in the one
LEFI answer in SSBTEK's FK slot. Each benefit field asks LEFI only for its own group and class
(schema/lefi_fields.py); both share the person's one SSBTEK call."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry

from resolvers.agencies import Agency
from resolvers.decode.answer import AgencyPart
from resolvers.decode.lefi import UNKNOWN, lefi_model
from resolvers.errors import BadUserInput
from resolvers.plan import FetchPlan
from schema.common import Myndighetsfel, OkantElement
from schema.context import Info
from schema.lefi_fields import (
    FK_FIELDS,
    PM_FIELDS,
    PM_SMALLEST,
    FkField,
    fk_group_codes,
    pm_group_codes,
)
from schema.lefi_types import lefi_type
from schema.person_field import PersonField, agency_part
from schema.planner import Selected

# What each benefit group is, in the words of the benefit (Swedish names as the agencies use them).
GROUP_WORDS = {
    "FK:ABB": "Barnbidrag: the general child benefit, paid to the parent.",
    "FK:AP": "Allmän pension: Försäkringskassan's copy of the pension during the transition to "
    "Pensionsmyndigheten.",
    "FK:AS": "Aktivitetsstöd: support during a labour-market programme (the contract may also "
    "mean arbetsskada; both are asked).",
    "FK:BOB": "Bostadsbidrag: housing allowance for families with children and young people.",
    "FK:BST": "Bostadstillägg: housing supplement to sjuk- or aktivitetsersättning.",
    "FK:BTI": "Bostads- och inkomststöd: Försäkringskassan's counterpart of PM:BTI.",
    "FK:DPE": "Dagpenning during totalförsvarsplikt (military or civil service).",
    "FK:EJO": "A group the contract lists without saying what it is; asked for payments so that "
    "none is left out.",
    "FK:ET": "Efterlevandepension or etableringsersättning: the contract does not say which.",
    "FK:FP": "Föräldrapenning: parental benefit.",
    "FK:FSJP": "Förebyggande sjukpenning: preventive sickness benefit.",
    "FK:GP": "Graviditetspenning: pregnancy benefit.",
    "FK:HE": "Handikappersättning: disability allowance (now merkostnadsersättning).",
    "FK:MABB": "Mottagare av barnbidrag: barnbidrag the person receives as the child (eget "
    "barnbidrag).",
    "FK:MEK": "Merkostnadsersättning: allowance for additional costs of a disability.",
    "FK:NP": "Närståendepenning: care of a seriously ill close relative.",
    "FK:OMV": "Omvårdnadsbidrag: care allowance for a child with a disability.",
    "FK:PJOB": "Programjobbdagar: days used in the jobb- och utvecklingsgarantin.",
    "FK:PROG": "Programersättning: compensation in a labour-market programme.",
    "FK:RBE": "Rehabiliteringsersättning: benefit during work rehabilitation.",
    "FK:SA": "Sjuk- och aktivitetsersättning: long-term sickness or activity compensation.",
    "FK:SBP": "Smittbärarersättning: compensation to a carrier of a contagious disease.",
    "FK:SJP": "Sjukpenning: sickness benefit.",
    "FK:TFP": "Tillfällig föräldrapenning: care of a sick child (VAB).",
    "FK:US": "Underhållsstöd: maintenance support, received or owed.",
    "FK:VB": "Vårdbidrag: care allowance for a child (now omvårdnadsbidrag).",
    "FK:YL": "Yrkesskadelivränta: annuity after an occupational injury.",
    "PM:AP": "Allmän pension: the general old-age pension from Pensionsmyndigheten.",
    "PM:BTI": "Bostads- och inkomststöd: housing supplement and maintenance support for "
    "pensioners (bostadstillägg, äldreförsörjningsstöd).",
    "PM:EF": "Efterlevandeförmåner: survivors' benefits (omställningspension, barnpension, "
    "änkepension).",
}


def _code_enum(name: str, codes: list[str], description: str) -> Any:
    members = {code.split(":", 1)[1]: code for code in codes}
    graphql_enum = strawberry.enum(  # type: ignore[call-overload]  # Enum() of a computed name
        Enum(name, members), description=description
    )
    for value in graphql_enum.__strawberry_definition__.values:
        value.description = f"`{value.value}` in LEFI. {GROUP_WORDS[value.value]}"
    return graphql_enum


FkFormansgrupp = _code_enum(
    "FkFormansgrupp",
    fk_group_codes(),
    "A Försäkringskassan benefit group, named without its prefix: `SJP` is `FK:SJP` in the LEFI "
    "question and in `avvikelser`, where `Kod.kod` keeps the prefix LEFI sent.",
)
FK_BY_NAME = {field.name: field for field in FK_FIELDS}
PM_BY_NAME = {field.name: field for field in PM_FIELDS}
PM_BLOCKS = ("levnadsintyg", "pensionsbehallning", "pensionsunderlag")

PmFormansgrupp = _code_enum(
    "PmFormansgrupp",
    pm_group_codes(),
    "A Pensionsmyndigheten benefit group, named without its prefix: `AP` is `PM:AP` in the LEFI "
    "question and in every `formansgrupp` `Kod`, which keeps the prefix LEFI sent.",
)

STATE_FIELDS = {
    "fel": (
        Myndighetsfel | None,
        "The FK slot's `error` in SSBTEK (e.g. `LEFI-VERSION`); null when LEFI answered. Shared "
        "by Försäkringskassan and Pensionsmyndigheten.",
    ),
    "utlamnare": (
        list[lefi_type("LefiUtlamnareTillstand")] | None,  # type: ignore[misc]  # a type made at run time
        "`utlamnare`: each provider's state. Only providers in state OK contributed; a provider "
        "that is not OK gets no `avvikelse`, so check this.",
    ),
    "avvikelser": (
        lefi_type("LefiExternFormansinformationAvvikelser") | None,
        "`avvikelser`: groups and types LEFI could not deliver, per class (e.g. `OBEHORIG`).",
    ),
}


def _codes_of(values: list[Any] | None) -> set[str] | None:
    if values is None:
        return None
    return {value.value if isinstance(value, Enum) else str(value) for value in values}


def _state(part: AgencyPart, answer: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "fel": part.fel,
        "utlamnare": None if answer is None else answer["utlamnare"],
        "avvikelser": None if answer is None else answer["avvikelser"],
    }


def _build_type(name: str, description: str, fields: dict[str, tuple[Any, str, Any]]) -> Any:
    """A strawberry type whose fields read a dict; a field with a resolver takes arguments."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for attribute, (kind, text, resolver) in fields.items():
        if resolver is None:
            annotations[attribute] = kind
            namespace[attribute] = strawberry.field(description=text)
        else:
            resolver.__annotations__["return"] = kind
            namespace[attribute] = strawberry.field(resolver=resolver, description=text)
    namespace["__annotations__"] = annotations
    return strawberry.type(type(name, (), namespace), description=description)


def _payments_resolver(attribute: str, argument: Any) -> Any:
    def resolve(root: dict[str, Any], formansgrupper: argument = None) -> Any:
        return root[attribute]

    resolve.__annotations__ = {"formansgrupper": argument}
    return resolve


def _fk_fields() -> dict[str, tuple[Any, str, Any]]:
    narrowing = Annotated[
        list[FkFormansgrupp] | None,  # type: ignore[valid-type]  # a type made at run time
        strawberry.argument(
            description="Ask LEFI for these groups only; default every FK group, so that no "
            "payment is silently left out."
        ),
    ]
    fields = {name: (kind, text, None) for name, (kind, text) in STATE_FIELDS.items()}
    for field in FK_FIELDS:
        item = lefi_type(_item_type("LefiFormansinformation", field.source))
        kind = (item | None) if field.single else (list[item] | None)  # type: ignore[valid-type]  # a type made at run time
        text = f"{field.description} LEFI `formansinformation.{field.source}`; asks {_asks(field)}."
        resolver = _payments_resolver(field.name, narrowing) if field.payments else None
        fields[field.name] = (kind, text, resolver)
    fields[UNKNOWN] = (
        list[OkantElement] | None,
        "Properties of the LEFI answer and of `formansinformation` that the facade does not model.",
        None,
    )
    return fields


def _asks(field: FkField) -> str:
    codes = ", ".join(field.codes) if field.codes else "every FK group (or `formansgrupper`)"
    return f"`{field.information_class}` {codes}"


def _item_type(type_name: str, property_name: str) -> str:
    spec = lefi_model()["types"][type_name]
    found: str = next(f["type"] for f in spec["fields"] if f["name"] == property_name)
    return found


Forsakringskassan = _build_type(
    "Forsakringskassan",
    "Försäkringskassan's data in the LEFI answer (SSBTEK `FK`, base64 JSON `lefiJsonSvar`): one "
    "field per benefit type, each asking LEFI for its own group only.",
    _fk_fields(),
)


def _pm_fields() -> dict[str, tuple[Any, str, Any]]:
    fields = {name: (kind, text, None) for name, (kind, text) in STATE_FIELDS.items()}
    type_name = "LefiExternFormansinformationSvar"
    for field in PM_FIELDS:
        if field.name in PM_BLOCKS:
            item = lefi_type(_item_type("LefiPmOvrigInformation", field.name))
        else:
            item = lefi_type(_item_type(type_name, field.name))
        asks = ", ".join(field.codes) or "the PM groups of `formansgrupper` (default all)"
        text = f"{field.description} LEFI `{field.name}`; asks `{field.information_class}` {asks}."
        fields[field.name] = (list[item] | None, text, None)  # type: ignore[valid-type]  # a type made at run time
    return fields


Pensionsmyndigheten = _build_type(
    "Pensionsmyndigheten",
    "Pensionsmyndigheten's data in the LEFI answer, which travels in SSBTEK's `FK` slot.",
    _pm_fields(),
)

PmNarrowing = Annotated[
    list[PmFormansgrupp] | None,  # type: ignore[valid-type]  # a type made at run time
    strawberry.argument(
        description="Ask LEFI for these PM groups only (claims, decisions and payments); default "
        "all three."
    ),
]


def forsakringskassan_value(part: AgencyPart) -> dict[str, Any]:
    """What the `forsakringskassan` object shows for the FK part of an answer."""
    answer = part.data if part.fel is None else None
    value = _state(part, answer)
    info = (answer or {}).get("formansinformation") or {}
    for field in FK_FIELDS:
        items = info.get(field.source) if answer is not None else None
        if field.single and items is not None:
            items = items[0] if items else None
        value[field.name] = items
    value[UNKNOWN] = None if answer is None else answer[UNKNOWN] + info.get(UNKNOWN, [])
    return value


def pensionsmyndigheten_value(part: AgencyPart) -> dict[str, Any]:
    """What the `pensionsmyndigheten` object shows for the FK part of an answer."""
    answer = part.data if part.fel is None else None
    value = _state(part, answer)
    for field in PM_FIELDS:
        if answer is None:
            value[field.name] = None
        elif field.name in PM_BLOCKS:
            value[field.name] = [
                item[field.name]
                for item in answer["ovrigInformation"]
                if item.get(field.name) is not None
            ]
        else:
            value[field.name] = answer[field.name]
    return value


def plan_forsakringskassan(plan: FetchPlan, forsakringskassan: Selected) -> None:
    """Add what the selection under `forsakringskassan` needs from LEFI."""
    plan.include(Agency.FK)
    plan.fall_back_to_lefi("formansinformation", {"FK:PJOB"})
    for selected in forsakringskassan.fields():
        field = FK_BY_NAME.get(selected.name)
        if field is None:
            continue
        if field.payments:
            narrowed = _codes_of(selected.arguments.get("formansgrupper"))
            codes = narrowed if narrowed is not None else set(fk_group_codes())
            if not codes:
                raise BadUserInput("formansgrupper must name at least one group")
            plan.ask_lefi_exact("FK", field.information_class, codes)
        else:
            plan.ask_lefi(field.information_class, set(field.codes))


def plan_pensionsmyndigheten(plan: FetchPlan, pensionsmyndigheten: Selected) -> None:
    """Add what the selection under `pensionsmyndigheten` needs from LEFI."""
    narrowed = _codes_of(pensionsmyndigheten.arguments.get("formansgrupper"))
    groups = narrowed if narrowed is not None else set(pm_group_codes())
    if not groups:
        raise BadUserInput("formansgrupper must name at least one group")
    plan.include(Agency.FK)
    plan.fall_back_to_lefi(PM_SMALLEST[0], {PM_SMALLEST[1]})
    for selected in pensionsmyndigheten.fields():
        field = PM_BY_NAME.get(selected.name)
        if field is None:
            continue
        if field.codes:
            plan.ask_lefi(field.information_class, set(field.codes))
        else:
            plan.ask_lefi_exact("PM", field.information_class, groups)


async def _forsakringskassan(root: Any, info: Info) -> Forsakringskassan | None:  # type: ignore[valid-type]  # a type made at run time
    return forsakringskassan_value(await agency_part(info, root.key, Agency.FK))


async def _pensionsmyndigheten(
    root: Any, info: Info, formansgrupper: PmNarrowing = None
) -> Pensionsmyndigheten | None:  # type: ignore[valid-type]  # a type made at run time
    return pensionsmyndigheten_value(await agency_part(info, root.key, Agency.FK))


PERSON_FIELDS = {
    "forsakringskassan": PersonField(
        strawberry.field(
            resolver=_forsakringskassan,
            description="Försäkringskassan, from the LEFI answer in SSBTEK's `FK` slot: one field "
            "per benefit type, each asking LEFI for its own group.",
        ),
        planner=plan_forsakringskassan,
        reads=frozenset({Agency.FK}),
    ),
    "pensionsmyndigheten": PersonField(
        strawberry.field(
            resolver=_pensionsmyndigheten,
            description="Pensionsmyndigheten, from the LEFI answer in SSBTEK's `FK` slot (shared "
            "with Försäkringskassan in one call).",
        ),
        planner=plan_pensionsmyndigheten,
        reads=frozenset({Agency.FK}),
    ),
}
