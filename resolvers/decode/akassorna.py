"""The a-kassor's part: `GetUnemploymentBenefitPaymentResponseType` (INT014 namespace), declared
once (`resolvers/decode/declare.py`). Missing echo fields are tolerated: what was not sent is
null."""

from __future__ import annotations

from typing import Any

from lxml import etree

from resolvers.agencies import Agency
from resolvers.decode.declare import (
    BOOL,
    DATE,
    DECIMAL,
    TEXT,
    TRIMMED,
    AgencyDeclaration,
    Field,
    Items,
    Kind,
    Pairs,
    Type,
    Unknown,
)


def _empty_is_null(value: str) -> str | None:
    return value or None


# The echoed processors: the text as sent, an empty element null.
ECHOED = Kind("String", _empty_is_null)

SO_UTBETALNING = Type(
    "SoUtbetalning",
    "`Utbetalningar`: one payment of unemployment benefit.",
    Field("utbetalningsdatum", "Utbetalningsdatum", DATE, "`Utbetalningsdatum`: pay date."),
    Field("netto_efter_skatt", "NettoEfterSkatt", DECIMAL,
          "`NettoEfterSkatt`: net after tax, kronor."),
    Field("netto_efter_avdrag", "NettoEfterAvdrag", DECIMAL,
          "`NettoEfterAvdrag`: net after deductions, kronor."),
    Field("ersattningsdagar", "Ersattningsdagar", DECIMAL,
          "`Ersattningsdagar`: compensated days."),
    Field("avser_from", "AvserFrom", DATE, "`AvserFrom`: first day paid for."),
    Field("avser_tom", "AvserTom", DATE, "`AvserTom`: last day paid for."),
)  # fmt: skip

AVSTANGNING = Type(
    "Avstangning",
    "`Avstangningar`: a period barred from benefit.",
    Field("avstangd_from", "AvstangdFrom", DATE, "`AvstangdFrom`: the first day of the bar."),
    Field("avstangd_tom", "AvstangdTom", DATE,
          "`AvstangdTom`: the last day of the bar; null while it is open."),
)  # fmt: skip

ANSOKT_OM_ERSATTNING = Type(
    "AnsoktOmErsattning",
    "`AnsoktOmErsattning`: the state of an application for benefit.",
    Field("beslut_om_ratt_till_ersattning", "BeslutOmRattTillErsattning", DATE,
          "`BeslutOmRattTillErsattning`: date of the decision on the right to benefit; null "
          "(nil) while undecided."),
    Field("ansokan_om_utbetalning_inlamnad", "AnsokanOmUtbetalningInlamnad", BOOL,
          "`AnsokanOmUtbetalningInlamnad`: a claim for payment has been filed."),
)  # fmt: skip

ARBETSLOSHETSERSATTNING = Type(
    "Arbetsloshetsersattning",
    "`Arbetsloshetsersattning`: what one a-kassa answered.",
    Field("svarande_organisation", "SvarandeOrganisation", TEXT,
          "`SvarandeOrganisation`: the answering a-kassa; null when not sent."),
    Field("status_svarande_organisation", "StatusSvarandeOrganisation", TEXT,
          "`StatusSvarandeOrganisation`: its status text; null when not sent."),
    Items("utbetalningar", "Utbetalningar", SO_UTBETALNING, "`Utbetalningar`: payments."),
    Items("avstangningar", "Avstangningar", AVSTANGNING, "`Avstangningar`: bars."),
    Field("ansokt_om_ersattning", "AnsoktOmErsattning", ANSOKT_OM_ERSATTNING,
          "`AnsoktOmErsattning`: application state."),
)  # fmt: skip

SO_PERSONUPPGIFTSBITRADE = Type(
    "SoPersonuppgiftsbitrade",
    "An echoed `personuppgiftsbitrade` (organisation number and name).",
    Field("organisationsnummer", "OrganisationsnummerPersonuppgiftsbitrade", ECHOED,
          "`OrganisationsnummerPersonuppgiftsbitrade`: the processor's organisation number, as "
          "the a-kassor echo it."),
    Field("namn", "NamnPersonuppgiftsbitrade", ECHOED,
          "`NamnPersonuppgiftsbitrade`: the processor's name, paired by position."),
)  # fmt: skip

AKASSORNA = AgencyDeclaration(
    Agency.SO,
    Type(
        "Akassorna",
        "The a-kassor's answer (`SO`, `GetUnemploymentBenefitPaymentResponseType`). Data fields "
        "are null when `fel` is set.",
        Field("organisationsnummer_ingivare", "OrganisationsnummerIngivare", TEXT,
              "`OrganisationsnummerIngivare`: the asking municipality, echoed."),
        Field("namn_ingivare", "NamnIngivare", TEXT, "`NamnIngivare`, echoed."),
        Field("kontonamn_handlaggare", "KontonamnHandlaggare", TEXT,
              "`KontonamnHandlaggare`: the caseworker, echoed."),
        Field("referensnummer", "Referensnummer", TEXT, "`Referensnummer`: the case id."),
        Field("from_", "From", DATE, "`From`: period start, echoed."),
        Field("tom", "Tom", DATE, "`Tom`: period end, echoed."),
        Field("syfte", "Syfte", TEXT, "`Syfte`: purpose, echoed."),
        Field("paragraf", "Paragraf", TEXT, "`Paragraf`: legal ground, echoed."),
        Pairs("personuppgiftsbitraden", SO_PERSONUPPGIFTSBITRADE,
              "Echoed processors, pairing `OrganisationsnummerPersonuppgiftsbitrade` and "
              "`NamnPersonuppgiftsbitrade` by position."),
        Field("identification_number", "IdentificationNumber", TRIMMED,
              "`IdentificationNumber`: the person's 12-digit number."),
        Items("arbetsloshetsersattningar", "ArbetsloshetsersattningLista/Arbetsloshetsersattning",
              ARBETSLOSHETSERSATTNING,
              "`ArbetsloshetsersattningLista/Arbetsloshetsersattning`: one per a-kassa."),
        Unknown("Every element and attribute below `data` that the facade does not model, at "
                "any depth, with its path from `data`."),
    ),
    about="The a-kassor (`SO`): unemployment benefit payments and bars.",
    fel="The a-kassor's `error`; null when they answered.",
    module=__name__,
)  # fmt: skip


def decode(data: etree._Element) -> Any:
    """Decode the a-kassor's `data` (an `Akassorna`)."""
    return AKASSORNA.read(data)
