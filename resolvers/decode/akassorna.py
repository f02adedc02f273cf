"""The a-kassor's part: `GetUnemploymentBenefitPaymentResponseType` (INT014 namespace)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from resolvers.xmlread import (
    LEAF,
    Known,
    UnknownValue,
    bool_of,
    child,
    children,
    date_of,
    decimal_of,
    stripped,
    text,
    unknown_content,
)


@dataclass(frozen=True)
class SoUtbetalning:
    """`Utbetalningar`: one payment of unemployment benefit."""

    utbetalningsdatum: date | None
    netto_efter_skatt: Decimal | None
    netto_efter_avdrag: Decimal | None
    ersattningsdagar: Decimal | None
    avser_from: date | None
    avser_tom: date | None


@dataclass(frozen=True)
class Avstangning:
    """`Avstangningar`: a period in which the person was barred from benefit."""

    avstangd_from: date | None
    avstangd_tom: date | None


@dataclass(frozen=True)
class AnsoktOmErsattning:
    """`AnsoktOmErsattning`: the state of an application for benefit."""

    beslut_om_ratt_till_ersattning: date | None
    ansokan_om_utbetalning_inlamnad: bool | None


@dataclass(frozen=True)
class Arbetsloshetsersattning:
    """`Arbetsloshetsersattning`: what one a-kassa answered."""

    svarande_organisation: str | None
    status_svarande_organisation: str | None
    utbetalningar: list[SoUtbetalning]
    avstangningar: list[Avstangning]
    ansokt_om_ersattning: AnsoktOmErsattning | None


@dataclass(frozen=True)
class Personuppgiftsbitrade:
    """An echoed processor: organisation number and name, paired by position."""

    organisationsnummer: str | None
    namn: str | None


@dataclass(frozen=True)
class SoSvar:
    """The a-kassor's answer: the echoed question and every a-kassa's benefit."""

    organisationsnummer_ingivare: str | None
    namn_ingivare: str | None
    kontonamn_handlaggare: str | None
    referensnummer: str | None
    from_: date | None
    tom: date | None
    syfte: str | None
    paragraf: str | None
    personuppgiftsbitraden: list[Personuppgiftsbitrade]
    identification_number: str | None
    arbetsloshetsersattningar: list[Arbetsloshetsersattning]
    ovriga_element: list[UnknownValue]


_DATA: Known = {
    "OrganisationsnummerIngivare": LEAF,
    "NamnIngivare": LEAF,
    "KontonamnHandlaggare": LEAF,
    "Referensnummer": LEAF,
    "From": LEAF,
    "Tom": LEAF,
    "Syfte": LEAF,
    "Paragraf": LEAF,
    "OrganisationsnummerPersonuppgiftsbitrade": LEAF,
    "NamnPersonuppgiftsbitrade": LEAF,
    "IdentificationNumber": LEAF,
    "ArbetsloshetsersattningLista": {
        "Arbetsloshetsersattning": {
            "SvarandeOrganisation": LEAF,
            "StatusSvarandeOrganisation": LEAF,
            "Utbetalningar": dict.fromkeys(
                (
                    "Utbetalningsdatum",
                    "NettoEfterSkatt",
                    "NettoEfterAvdrag",
                    "Ersattningsdagar",
                    "AvserFrom",
                    "AvserTom",
                ),
                LEAF,
            ),
            "Avstangningar": {"AvstangdFrom": LEAF, "AvstangdTom": LEAF},
            "AnsoktOmErsattning": {
                "BeslutOmRattTillErsattning": LEAF,
                "AnsokanOmUtbetalningInlamnad": LEAF,
            },
        }
    },
}


def decode(data: etree._Element) -> SoSvar:
    """Decode the a-kassor's `data`; missing echo fields are tolerated."""
    orgnrs = [e.text for e in children(data, "OrganisationsnummerPersonuppgiftsbitrade")]
    names = [e.text for e in children(data, "NamnPersonuppgiftsbitrade")]
    count = max(len(orgnrs), len(names))
    return SoSvar(
        organisationsnummer_ingivare=text(data, "OrganisationsnummerIngivare"),
        namn_ingivare=text(data, "NamnIngivare"),
        kontonamn_handlaggare=text(data, "KontonamnHandlaggare"),
        referensnummer=text(data, "Referensnummer"),
        from_=date_of(data, "From"),
        tom=date_of(data, "Tom"),
        syfte=text(data, "Syfte"),
        paragraf=text(data, "Paragraf"),
        personuppgiftsbitraden=[
            Personuppgiftsbitrade(
                organisationsnummer=orgnrs[i] if i < len(orgnrs) else None,
                namn=names[i] if i < len(names) else None,
            )
            for i in range(count)
        ],
        identification_number=stripped(text(data, "IdentificationNumber")),
        arbetsloshetsersattningar=[
            _ersattning(item)
            for item in children(
                child(data, "ArbetsloshetsersattningLista"), "Arbetsloshetsersattning"
            )
        ],
        ovriga_element=unknown_content(data, _DATA),
    )


def _ersattning(item: etree._Element) -> Arbetsloshetsersattning:
    ansokt = child(item, "AnsoktOmErsattning")
    return Arbetsloshetsersattning(
        svarande_organisation=text(item, "SvarandeOrganisation"),
        status_svarande_organisation=text(item, "StatusSvarandeOrganisation"),
        utbetalningar=[
            SoUtbetalning(
                utbetalningsdatum=date_of(row, "Utbetalningsdatum"),
                netto_efter_skatt=decimal_of(row, "NettoEfterSkatt"),
                netto_efter_avdrag=decimal_of(row, "NettoEfterAvdrag"),
                ersattningsdagar=decimal_of(row, "Ersattningsdagar"),
                avser_from=date_of(row, "AvserFrom"),
                avser_tom=date_of(row, "AvserTom"),
            )
            for row in children(item, "Utbetalningar")
        ],
        avstangningar=[
            Avstangning(
                avstangd_from=date_of(row, "AvstangdFrom"),
                avstangd_tom=date_of(row, "AvstangdTom"),
            )
            for row in children(item, "Avstangningar")
        ],
        ansokt_om_ersattning=None
        if ansokt is None
        else AnsoktOmErsattning(
            beslut_om_ratt_till_ersattning=date_of(ansokt, "BeslutOmRattTillErsattning"),
            ansokan_om_utbetalning_inlamnad=bool_of(ansokt, "AnsokanOmUtbetalningInlamnad"),
        ),
    )
