"""Arbetsförmedlingen's part: `SvarMeddelande {Fraga, Svar}` in the ersattningsstod/v2 namespace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from resolvers.xmlread import (
    LEAF,
    Known,
    UnknownValue,
    bool_of,
    child,
    children,
    date_of,
    int_of,
    stripped,
    text,
    unknown_content,
)


@dataclass(frozen=True)
class AktivitetsRapportDatum:
    """`AktivetetsRapportDatum`: the jobseeker's latest activity report."""

    aktivitets_rapport_meddelande: str | None
    senaste_aktivitets_rapport_datum: date | None


@dataclass(frozen=True)
class ArbetssokandeInfo:
    """`ArbetssokandeInfo`: whether and how the person is registered as a jobseeker."""

    arbetssokande: bool | None
    arbetssokande_skat: str | None
    arbetssokande_registrerad: date | None
    arbetssokande_omfattning: int | None
    arbetssokande_avaktualiserad: date | None
    aktivitets_rapport_datum: AktivitetsRapportDatum | None


@dataclass(frozen=True)
class EkonomisktBeslut:
    """`BeslutInfo/EkonomiskaBeslut/Beslut`: one decision on compensation."""

    ersattning_typ: str | None
    omfattning: int | None
    beslut_from: date | None
    beslut_tom: date | None


@dataclass(frozen=True)
class AfSvar:
    """`Svar`: Arbetsförmedlingen's answer about one person."""

    schemaversion: str | None
    referensnummer: str | None
    lag_paragraf: str | None
    identitetsbeteckning: str | None
    fornamn: str | None
    efternamn: str | None
    sekretessmarkering: bool | None
    arbetssokande_info: ArbetssokandeInfo | None
    ekonomiska_beslut: list[EkonomisktBeslut] | None
    akassetillhorighet: str | None
    status_kod: int | None
    status_kod_text: str | None
    ovriga_element: list[UnknownValue] = field(default_factory=list)


_SVAR: Known = {
    "Schemaversion": LEAF,
    "Referensnummer": LEAF,
    "LagParagraf": LEAF,
    "IdentitetsbeteckningFysiskPerson": LEAF,
    "Fornamn": LEAF,
    "Efternamn": LEAF,
    "Sekretessmarkering": LEAF,
    "ArbetssokandeInfo": {
        "Arbetssokande": LEAF,
        "ArbetssokandeSKAT": LEAF,
        "ArbetssokandeRegistrerad": LEAF,
        "ArbetssokandeOmfattning": LEAF,
        "ArbetssokandeAvaktualiserad": LEAF,
        "AktivetetsRapportDatum": {
            "AktivitetsRapportMeddelande": LEAF,
            "SenasteAktivitetsRapportDatum": LEAF,
        },
    },
    "BeslutInfo": {
        "EkonomiskaBeslut": {
            "Beslut": {
                "ErsattningTyp": LEAF,
                "Omfattning": LEAF,
                "BeslutFrom": LEAF,
                "BeslutTom": LEAF,
            }
        }
    },
    "Akassetillhorighet": LEAF,
    "StatusSokandeinformationKod": LEAF,
    "StatusSokandeinformationKodText": LEAF,
}
# `data` is the SvarMeddelande: the echoed Fraga (not modelled, so kept) and the Svar. Answers
# seen in the wild lack the Fraga.
_DATA: Known = {"Svar": _SVAR, "SvarMeddelande": {"Svar": _SVAR}}


def decode(data: etree._Element) -> AfSvar | None:
    """Decode AF's `data`; `Svar` is read whether or not the `Fraga` the XSD requires is there."""
    svar = child(data, "Svar")
    if svar is None:
        meddelande = child(data, "SvarMeddelande")
        svar = child(meddelande, "Svar")
    if svar is None:
        return None
    beslut_info = child(svar, "BeslutInfo")
    return AfSvar(
        schemaversion=text(svar, "Schemaversion"),
        referensnummer=text(svar, "Referensnummer"),
        lag_paragraf=text(svar, "LagParagraf"),
        identitetsbeteckning=stripped(text(svar, "IdentitetsbeteckningFysiskPerson")),
        fornamn=text(svar, "Fornamn"),
        efternamn=text(svar, "Efternamn"),
        sekretessmarkering=bool_of(svar, "Sekretessmarkering"),
        arbetssokande_info=_arbetssokande_info(child(svar, "ArbetssokandeInfo")),
        ekonomiska_beslut=None if beslut_info is None else _beslut(beslut_info),
        akassetillhorighet=text(svar, "Akassetillhorighet"),
        status_kod=int_of(svar, "StatusSokandeinformationKod"),
        status_kod_text=text(svar, "StatusSokandeinformationKodText"),
        ovriga_element=unknown_content(data, _DATA),
    )


def _arbetssokande_info(info: etree._Element | None) -> ArbetssokandeInfo | None:
    if info is None:
        return None
    rapport = child(info, "AktivetetsRapportDatum")
    return ArbetssokandeInfo(
        arbetssokande=bool_of(info, "Arbetssokande"),
        arbetssokande_skat=text(info, "ArbetssokandeSKAT"),
        arbetssokande_registrerad=date_of(info, "ArbetssokandeRegistrerad"),
        arbetssokande_omfattning=int_of(info, "ArbetssokandeOmfattning"),
        arbetssokande_avaktualiserad=date_of(info, "ArbetssokandeAvaktualiserad"),
        aktivitets_rapport_datum=None
        if rapport is None
        else AktivitetsRapportDatum(
            aktivitets_rapport_meddelande=text(rapport, "AktivitetsRapportMeddelande"),
            senaste_aktivitets_rapport_datum=date_of(rapport, "SenasteAktivitetsRapportDatum"),
        ),
    )


def _beslut(beslut_info: etree._Element) -> list[EkonomisktBeslut]:
    return [
        EkonomisktBeslut(
            ersattning_typ=text(beslut, "ErsattningTyp"),
            omfattning=int_of(beslut, "Omfattning"),
            beslut_from=date_of(beslut, "BeslutFrom"),
            beslut_tom=date_of(beslut, "BeslutTom"),
        )
        for beslut in children(child(beslut_info, "EkonomiskaBeslut"), "Beslut")
    ]
