"""Transportstyrelsen: the vehicles the person holds (`HamtaUppgifterResponseType`).

The type and the `Person` field come from the agency's declaration in
`resolvers/decode/transportstyrelsen.py` (`schema/declared.py`)."""

from __future__ import annotations

from resolvers.decode.transportstyrelsen import TRANSPORTSTYRELSEN
from schema.person_field import agency_field

PERSON_FIELDS = agency_field(TRANSPORTSTYRELSEN)
