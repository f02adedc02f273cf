"""`Person`: one field per source of the SSBTEK answer, each resolved lazily from one fetch.

The fields come from the agencies' schema modules: each row of the agency registry
(`resolvers.contract.CONTRACT_AGENCIES`) has `schema/<name>.py` with `PERSON_FIELDS`, a strawberry
field and its planner per `Person` field. `Person` is put together from them here, in the
contract order, so adding an agency adds no line to this file. Fields that read several
agencies (`schema/payments.py`) come after them.
"""

from __future__ import annotations

import importlib
from typing import Any

import strawberry

from resolvers.agencies import Agency
from resolvers.plan import QuestionKey
from schema.person_field import PersonField
from schema.planner import FieldPlanner
from schema.scalars import Personnummer

# Fields that read several agencies, after the agencies' own.
ACROSS_AGENCIES = ("payments",)


def _agency_fields() -> dict[str, PersonField]:
    fields: dict[str, PersonField] = {}
    names = [agency.module_name for agency in Agency] + list(ACROSS_AGENCIES)
    for module_name in names:
        module: Any = importlib.import_module(f"schema.{module_name}")
        for name, person_field in module.PERSON_FIELDS.items():
            if name in fields:
                raise ImportError(f"two agency modules define Person.{name}")
            fields[name] = person_field
    return fields


PERSON_FIELDS: dict[str, PersonField] = _agency_fields()


def person_type(fields: dict[str, PersonField]) -> type:
    """The `Person` type with these fields after `personnummer`."""
    namespace: dict[str, Any] = {
        "__annotations__": {"personnummer": Personnummer, "key": strawberry.Private[QuestionKey]},
        "__module__": __name__,
        "personnummer": strawberry.field(
            description="The person's personnummer or samordningsnummer, 12 digits."
        ),
    }
    namespace.update({name: person_field.field for name, person_field in fields.items()})
    return strawberry.type(
        type("Person", (), namespace),
        description="One person's data from the agencies behind SSBTEK. Each agency field asks "
        "SSBTEK for that agency only when selected; all selected agencies share one SSBTEK call.",
    )


Person: Any = person_type(PERSON_FIELDS)

# How each `Person` field adds to the fetch plan.
PERSON_FIELD_PLANNERS: dict[str, FieldPlanner] = {
    name: person_field.planner for name, person_field in PERSON_FIELDS.items()
}
