"""Skatteverket's part: `svar` is a string holding an XML document
`SvarBeskattningsuppgifterEnligtSFS2008-975`, declared once (`resolvers/decode/declare.py`).
Skatteverket's full schema is not published with the contract, so the facade types what is known
and keeps everything else as path and value."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from resolvers.agencies import Agency
from resolvers.decode.declare import (
    BLANK_IS_NULL,
    DECIMAL,
    INT,
    TEXT,
    TRIMMED,
    AgencyDeclaration,
    Field,
    Items,
    Type,
    Unknown,
)
from resolvers.xmlread import PayloadError, local, parse_document, text

ROOT = "SvarBeskattningsuppgifterEnligtSFS2008-975"
_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")

KAPITALUPPGIFT = Type(
    "Kapitaluppgift",
    "Skatteverket `Kapitaluppgift`: capital income for one tax year.",
    Field("taxeringsar", "Taxeringsar", INT, "`besko:Taxeringsar`."),
    Field("summa_intakter_pa_kapital", "SummaIntakterPaKapital", DECIMAL,
          "`besko:SummaIntakterPaKapital`, kronor."),
    Field("overskott_pa_kapital", "OverskottPaKapital", DECIMAL,
          "`besko:OverskottPaKapital`, kronor."),
)  # fmt: skip

SKV_PERSONUPPGIFT = Type(
    "SkvPersonuppgift",
    "Skatteverket `PersonuppgiftLista/Personuppgift`.",
    Field("identitetsbeteckning", "IdentitetsbeteckningFysiskPerson", BLANK_IS_NULL,
          "`folko:IdentitetsbeteckningFysiskPerson`."),
    Field("fornamn", "Fornamn", TEXT, "`folko:Fornamn`."),
    Field("efternamn", "Efternamn", TEXT, "`folko:Efternamn`."),
    Field("status_personuppgift_kod", "StatusPersonuppgiftKod", TRIMMED,
          "`StatusPersonuppgiftKod`: Skatteverket's code for the state of the person's record."),
    Items("kapitaluppgifter", "Kapitaluppgift", KAPITALUPPGIFT,
          "`Kapitaluppgift`, one per tax year asked."),
)  # fmt: skip

SKATTEVERKET = AgencyDeclaration(
    Agency.SKV,
    Type(
        "Skatteverket",
        "Skatteverket's answer (`SKV`, the XML document "
        "`SvarBeskattningsuppgifterEnligtSFS2008-975` inside `svar`). Data fields are null when "
        "`fel` is set.",
        Items("personuppgifter", "PersonuppgiftLista/Personuppgift", SKV_PERSONUPPGIFT,
              "`PersonuppgiftLista/Personuppgift`."),
        Unknown("Every element of the document that the facade does not model, at any depth, "
                "with its path from the root. Skatteverket's full schema is not published with "
                "the contract: everything beyond `Personuppgift` and `Kapitaluppgift` is here."),
    ),
    about="Skatteverket (`SKV`): taxation data.",
    fel="Skatteverket's `error`, or the facade's `INVALID_PAYLOAD` when `svar` cannot be read; "
    "null when Skatteverket answered.",
    module=__name__,
)  # fmt: skip


def decode(data: etree._Element) -> Any:
    """Decode Skatteverket's `data/svar` (a `Skatteverket`): the XML document inside the
    string."""
    document = text(data, "svar")
    if document is None or not document.strip():
        raise PayloadError("the Skatteverket answer has no svar")
    # The document came as text: its own encoding declaration no longer applies.
    root = parse_document(_DECLARATION.sub("", document.strip(), count=1), "Skatteverket's svar")
    if local(root) != ROOT:
        raise PayloadError(
            "Skatteverket's svar is not a SvarBeskattningsuppgifterEnligtSFS2008-975"
        )
    return SKATTEVERKET.read(root)
