"""Arbetsförmedlingen: jobseeker status and economic decisions (`SvarMeddelande/Svar`).

The type and the `Person` field come from the agency's declaration in
`resolvers/decode/arbetsformedlingen.py` (`schema/declared.py`)."""

from __future__ import annotations

from resolvers.decode.arbetsformedlingen import ARBETSFORMEDLINGEN
from schema.person_field import agency_field

PERSON_FIELDS = agency_field(ARBETSFORMEDLINGEN)
