"""CSN: study support per support form, decoded from the base64 `CSNSvar` document.

The type and the `Person` field come from the agency's declaration in
`resolvers/decode/csn.py` (`schema/declared.py`)."""

from __future__ import annotations

from resolvers.decode.csn import CSN
from schema.person_field import agency_field

PERSON_FIELDS = agency_field(CSN)
