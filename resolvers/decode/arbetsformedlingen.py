"""Arbetsförmedlingen's part: `SvarMeddelande {Fraga, Svar}` in the ersattningsstod/v2 namespace,
declared once (`resolvers/decode/declare.py`). `Svar` is read directly under `data` or under
`SvarMeddelande`, with or without the `Fraga` the XSD requires (answers seen in the wild lack
it); the echoed `Fraga` is not modelled, so it is kept in `ovriga_element`."""

from __future__ import annotations

from typing import Any

from lxml import etree

from resolvers.agencies import Agency
from resolvers.decode.declare import (
    BOOL,
    DATE,
    INT,
    TEXT,
    TRIMMED,
    AgencyDeclaration,
    Field,
    Items,
    Type,
    Unknown,
)

AKTIVITETS_RAPPORT_DATUM = Type(
    "AktivitetsRapportDatum",
    "`AktivetetsRapportDatum`: the jobseeker's latest activity report.",
    Field("aktivitets_rapport_meddelande", "AktivitetsRapportMeddelande", TEXT,
          "`AktivitetsRapportMeddelande`: the report's message; null when not sent."),
    Field("senaste_aktivitets_rapport_datum", "SenasteAktivitetsRapportDatum", DATE,
          "`SenasteAktivitetsRapportDatum`: date of the latest report."),
)  # fmt: skip

ARBETSSOKANDE_INFO = Type(
    "ArbetssokandeInfo",
    "`ArbetssokandeInfo`: whether and how the person is a jobseeker.",
    Field("arbetssokande", "Arbetssokande", BOOL, "`Arbetssokande`: registered as a jobseeker."),
    Field("arbetssokande_skat", "ArbetssokandeSKAT", TEXT,
          "`ArbetssokandeSKAT`: the jobseeker category in words."),
    Field("arbetssokande_registrerad", "ArbetssokandeRegistrerad", DATE,
          "`ArbetssokandeRegistrerad`: registration date."),
    Field("arbetssokande_omfattning", "ArbetssokandeOmfattning", INT,
          "`ArbetssokandeOmfattning`: extent in per cent."),
    Field("arbetssokande_avaktualiserad", "ArbetssokandeAvaktualiserad", DATE,
          "`ArbetssokandeAvaktualiserad`: date the registration ended."),
    Field("aktivitets_rapport_datum", "AktivetetsRapportDatum", AKTIVITETS_RAPPORT_DATUM,
          "`AktivetetsRapportDatum` (sic in the contract): activity reporting."),
)  # fmt: skip

EKONOMISKT_BESLUT = Type(
    "EkonomisktBeslut",
    "`BeslutInfo/EkonomiskaBeslut/Beslut`: one decision on compensation.",
    Field("ersattning_typ", "ErsattningTyp", TEXT,
          "`ErsattningTyp`: kind of compensation; null when not sent."),
    Field("omfattning", "Omfattning", INT, "`Omfattning`: extent in per cent."),
    Field("beslut_from", "BeslutFrom", DATE, "`BeslutFrom`: first day."),
    Field("beslut_tom", "BeslutTom", DATE, "`BeslutTom`: last day."),
)  # fmt: skip

ARBETSFORMEDLINGEN = AgencyDeclaration(
    Agency.AF,
    Type(
        "Arbetsformedlingen",
        "Arbetsförmedlingen's answer (`AF`, `SvarMeddelande/Svar`). Data fields are null when "
        "`fel` is set.",
        Field("schemaversion", "Schemaversion", TEXT,
              "`Schemaversion`: the version of Arbetsförmedlingen's answer schema."),
        Field("referensnummer", "Referensnummer", TEXT, "`Referensnummer`: the case id echoed."),
        Field("lag_paragraf", "LagParagraf", TEXT,
              "`LagParagraf`: the legal ground echoed; null when not sent."),
        Field("identitetsbeteckning", "IdentitetsbeteckningFysiskPerson", TRIMMED,
              "`IdentitetsbeteckningFysiskPerson`: the person's 12-digit number."),
        Field("fornamn", "Fornamn", TEXT, "`Fornamn`: first name."),
        Field("efternamn", "Efternamn", TEXT, "`Efternamn`: last name."),
        Field("sekretessmarkering", "Sekretessmarkering", BOOL,
              "`Sekretessmarkering`: the person has protected identity."),
        Field("arbetssokande_info", "ArbetssokandeInfo", ARBETSSOKANDE_INFO,
              "`ArbetssokandeInfo`: jobseeker registration."),
        Items("ekonomiska_beslut", "BeslutInfo/EkonomiskaBeslut/Beslut", EKONOMISKT_BESLUT,
              "`BeslutInfo/EkonomiskaBeslut/Beslut`: economic decisions; null when `BeslutInfo` "
              "was not sent.", null_without="BeslutInfo"),
        Field("akassetillhorighet", "Akassetillhorighet", TEXT,
              "`Akassetillhorighet`: the person's a-kassa."),
        Field("status_kod", "StatusSokandeinformationKod", INT,
              "`StatusSokandeinformationKod`: 0 when the question was handled normally."),
        Field("status_kod_text", "StatusSokandeinformationKodText", TEXT,
              "`StatusSokandeinformationKodText`: the status in words."),
        Unknown("Every element and attribute below `data` that the facade does not model (open "
                "content, the echoed `Fraga`), at any depth, with its path from `data`."),
    ),
    about="Arbetsförmedlingen (`AF`): jobseeker status and decisions.",
    fel="Arbetsförmedlingen's `error`; null when it answered.",
    module=__name__,
    at=("Svar", "SvarMeddelande/Svar"),
)  # fmt: skip


def decode(data: etree._Element) -> Any:
    """Decode AF's `data` (an `Arbetsformedlingen`), or None when it holds no `Svar`."""
    return ARBETSFORMEDLINGEN.read(data)
