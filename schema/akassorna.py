"""The a-kassor (via their samorganisation): unemployment benefit payments and bars.

The type and the `Person` field come from the agency's declaration in
`resolvers/decode/akassorna.py` (`schema/declared.py`)."""

from __future__ import annotations

from resolvers.decode.akassorna import AKASSORNA
from schema.person_field import agency_field

PERSON_FIELDS = agency_field(AKASSORNA)
