"""Migrationsverket's part: `findByPersonnummerResponse` with unqualified elements (read by
local name, as every agency's), declared once (`resolvers/decode/declare.py`)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from resolvers.agencies import Agency
from resolvers.decode.declare import (
    BLANK_IS_NULL,
    CODE,
    DATE,
    TEXT,
    AgencyDeclaration,
    Field,
    Items,
    Type,
    Unknown,
)

MIV_BESLUT = Type(
    "MivBeslut",
    "`svarCollection/svar`: one case and its decision.",
    Field("anledning", "anledning", TEXT, "`anledning`: ground, as a code."),
    Field("anledning_namn", "anledningNamn", TEXT, "`anledningNamn`: ground in words."),
    Field("ansokningsdatum", "ansokningsdatum", DATE, "`ansokningsdatum`: applied on."),
    Field("arende_typ", "arendeTyp", TEXT, "`arendeTyp`: case type code."),
    Field("arende_typ_namn", "arendeTypNamn", TEXT, "`arendeTypNamn`: case type."),
    Field("beslutskod", "beslutsKod", TEXT, "`beslutsKod`: decision code."),
    Field("beslutskod_namn", "beslutsKodNamn", TEXT, "`beslutsKodNamn`: decision."),
    Field("beslutstyp", "beslutsTyp", TEXT, "`beslutsTyp`: decision type code."),
    Field("beslutstyp_namn", "beslutsTypNamn", TEXT, "`beslutsTypNamn`: decision type."),
    Field("beslutsdatum", "beslutsdatum", DATE, "`beslutsdatum`: decided on."),
    Field("from_datum", "fromDatum", DATE, "`fromDatum`: valid from."),
    Field("giltighetstid", "giltighetstid", CODE,
          "`giltighetstid`: `PERMANENT` or `TIDBEGRANSAT` in the contract; other values "
          "Migrationsverket may send are passed on as they are."),
    Field("tom_datum", "tomDatum", DATE, "`tomDatum`: valid to."),
)  # fmt: skip

MIGRATIONSVERKET = AgencyDeclaration(
    Agency.MIV,
    Type(
        "Migrationsverket",
        "Migrationsverket's answer (`MIV`, `findByPersonnummerResponse/response`). Data fields "
        "are null when `fel` is set or no `response` came.",
        Field("korrelationsid", "korrelationsid", TEXT,
              "`korrelationsid`: Migrationsverket's id of the call, for tracing it with them."),
        Field("correlationid", "correlationid", TEXT,
              "`correlationid`: the correlation id Migrationsverket echoes (an English-named "
              "twin of `korrelationsid`)."),
        Field("efternamn", "efternamn", TEXT, "`efternamn`: last name."),
        Field("fornamn", "fornamn", TEXT, "`fornamn`: first name."),
        Field("hemland", "hemland", TEXT, "`hemland`: country of origin."),
        Field("inresedatum", "inresedatum", DATE,
              "`inresedatum`: the date the person entered Sweden, as Migrationsverket has it; "
              "null when not sent.",
              deprecated="Migrationsverket is phasing `inresedatum` out of its SSBTEK answer: "
              "it may stop coming at any time. Read entry from the cases' dates "
              "(`svar { ansokningsdatum beslutsdatum }`) instead."),
        Field("personnummer", "personnummer", BLANK_IS_NULL,
              "`personnummer` as Migrationsverket has it."),
        Items("svar", "svarCollection/svar", MIV_BESLUT,
              "`svarCollection/svar`: cases and decisions; null when no collection came.",
              null_without="svarCollection", skip_nil=True),
        Unknown("Every element below `data` that the facade does not model, at any depth, with "
                "its path from `data`."),
    ),
    about="Migrationsverket (`MIV`): cases and residence-permit decisions.",
    fel="Migrationsverket's `error` in SSBTEK; null when it answered.",
    module=__name__,
    at=("response",),
)  # fmt: skip


def decode(data: etree._Element) -> Any:
    """Decode Migrationsverket's `data` (a `Migrationsverket`); None when it holds no
    `response`."""
    return MIGRATIONSVERKET.read(data)
