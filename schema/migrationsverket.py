"""Migrationsverket: the person's cases and decisions, e.g. residence permits.

The type and the `Person` field come from the agency's declaration in
`resolvers/decode/migrationsverket.py` (`schema/declared.py`)."""

from __future__ import annotations

from resolvers.decode.migrationsverket import MIGRATIONSVERKET
from schema.person_field import agency_field

PERSON_FIELDS = agency_field(MIGRATIONSVERKET)
