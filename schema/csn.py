"""CSN: study support per support form, decoded from the base64 `CSNSvar` document."""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers.agencies import Agency
from schema.common import Myndighetsfel, OkantElement
from schema.person_field import agency_field
from schema.scalars import Personnummer


@strawberry.type(description="A CSN week `yyyyWW` (ISO week), e.g. `starttid`.")
class CsnVecka:
    ar: int = strawberry.field(description="The ISO week-numbering year of the week.")
    vecka: int = strawberry.field(description="The ISO week number.")
    text: str = strawberry.field(description="The week as CSN writes it, `yyyyWW`.")
    forsta_dag: date = strawberry.field(description="Monday of the week.")
    sista_dag: date = strawberry.field(description="Sunday of the week.")


@strawberry.type(description="CSN `Belopp`: one amount by type, in whole kronor.")
class CsnBelopp:
    beloppstyp: str | None = strawberry.field(
        description="`beloppstyp`, e.g. GRUNDB, GRUNDL, STUDB; null when not sent or blank."
    )
    klartext: str | None = strawberry.field(
        description="`klartext`: the type in words; null when not sent or blank."
    )
    belopp: int | None = strawberry.field(description="`belopp`, kronor.")
    totbelopp: int | None = strawberry.field(description="`totbelopp`, kronor.")


@strawberry.type(description="CSN `soktTid`: a period applied for.")
class SoktTid:
    soktfrom: date | None = strawberry.field(description="`soktfrom` (`0` from CSN is null).")
    sokttom: date | None = strawberry.field(
        description="`sokttom`: the last day applied for; null when CSN left it out."
    )
    soktomfattning: str | None = strawberry.field(
        description="`soktomfattning`: study pace in per cent."
    )
    soktlan: bool | None = strawberry.field(description="`soktlan`: a loan was applied for (J).")


@strawberry.type(description="CSN `BeviljadTid`: a granted period in weeks, with amounts.")
class BeviljadTid:
    starttid: CsnVecka | None = strawberry.field(description="`starttid`: first week.")
    sluttid: CsnVecka | None = strawberry.field(description="`sluttid`: last week.")
    takt: str | None = strawberry.field(description="`takt`: study pace in per cent.")
    gr_takt: str | None = strawberry.field(
        description="`gr_takt`: the pace of study granted, in percent of full time, as CSN writes"
        " it."
    )
    belopp: list[CsnBelopp] = strawberry.field(description="`Beloppen/Belopp`.")
    totbelopp: int | None = strawberry.field(description="`totbelopp`, kronor.")


@strawberry.type(
    description="CSN `Utbetaldtid`: the weeks (or, for hemutrustningslån, the dates) a payment "
    "covers, with amounts."
)
class UtbetaldTid:
    startvecka: CsnVecka | None = strawberry.field(
        description="`startvecka`: the first week the payment covers; null for a loan paid at once."
    )
    slutvecka: CsnVecka | None = strawberry.field(
        description="`slutvecka`: the last week the payment covers; null for a loan paid at once."
    )
    startdatum: date | None = strawberry.field(
        description="`startdatum`: the first day the payment covers, where CSN gives days "
        "(hemutrustningslån); else null."
    )
    slutdatum: date | None = strawberry.field(
        description="`slutdatum`: the last day the payment covers, where CSN gives days "
        "(hemutrustningslån); else null."
    )
    belopp: list[CsnBelopp] = strawberry.field(description="`Beloppen/Belopp`.")
    totbelopp: int | None = strawberry.field(description="`totbelopp`, kronor.")


@strawberry.type(description="CSN `UtbetalningsPlan/Utbetalning`: a paid or planned payment.")
class CsnUtbetalning:
    utbetdatum: date | None = strawberry.field(description="`utbetdatum`: pay date.")
    utbetstatus: str | None = strawberry.field(
        description="`utbetstatus`: Utbetald, UTBETALAD or Planerad."
    )
    utbetalda_tider: list[UtbetaldTid] = strawberry.field(
        description="`Utbetaldatider/Utbetaldtid`."
    )
    totbelopp: int | None = strawberry.field(description="`totbelopp`, kronor.")


@strawberry.type(description="CSN `Arenden/Arende`: one case of a support form.")
class CsnArende:
    lopnummer: str | None = strawberry.field(description="`lopnummer` attribute.")
    medlanare: str | None = strawberry.field(
        description="`medlanare` attribute (hemutrustningslån co-borrower)."
    )
    stodform: str | None = strawberry.field(
        description="`stodform`, e.g. GRUND, SH, HUT, SSSTÖD, OSS; null when not sent or blank."
    )
    klartext: str | None = strawberry.field(
        description="`klartext`: the support form in words; null when not sent or blank."
    )
    status: str | None = strawberry.field(
        description="`status`: BESLUTAD, INITIERAD, AVSLUTAD (…); blank is null."
    )
    relarende: str | None = strawberry.field(description="`relarende`: related case.")
    sokta_tider: list[SoktTid] = strawberry.field(description="`soktaTider/soktTid`.")
    beviljade_tider: list[BeviljadTid] = strawberry.field(
        description="`BeviljadeTider/BeviljadTid`."
    )
    utbetalningsplan: list[CsnUtbetalning] = strawberry.field(
        description="`UtbetalningsPlan/Utbetalning`: the payment plan."
    )


@strawberry.type(description="CSN `Studiestodstypforteckning`: a summary per support form.")
class Studiestodstyper:
    studiemedel: str | None = strawberry.field(
        description="`studiemedel`: CSN's summary of the person's studiemedel (e.g. whether they "
        "have any); null when not sent."
    )
    studiehjalp: str | None = strawberry.field(
        description="`studiehjalp`: CSN's summary of studiehjälp; null when not sent."
    )
    hemutrustningslan: str | None = strawberry.field(
        description="`hemutrustningslan`: CSN's summary of hemutrustningslån; null when not sent."
    )
    studiestartsstod: str | None = strawberry.field(
        description="`studiestartsstod`: CSN's summary of studiestartsstöd; null when not sent."
    )
    omstallningsstudiestod: str | None = strawberry.field(
        description="`omstallningsstudiestod` (absent in schema version 3.0)."
    )


@strawberry.type(description="CSN `Personer/Person`: a person and their cases per support form.")
class CsnPerson:
    personnummer: Personnummer | None = strawberry.field(
        description="`sekel` + `personnummer` as 12 digits; null if CSN's number is not valid."
    )
    personnummer_csn: str | None = strawberry.field(
        description="`personnummer` as CSN sent it (10 digits), trimmed; null when not sent."
    )
    sekel: str | None = strawberry.field(description="`sekel`: the century digits.")
    status: str | None = strawberry.field(
        description="`Status` trimmed (CSN pads it with blanks); null when blank, `Ej träff` "
        "when CSN does not know the person."
    )
    sekretess: str | None = strawberry.field(description="`sekretess` trimmed; null when blank.")
    studiestodstyper: Studiestodstyper | None = strawberry.field(
        description="`Studiestodstypforteckning`: CSN's summary per support form; null when not "
        "sent."
    )
    studiemedel: list[CsnArende] = strawberry.field(description="`Studiemedel/Arenden/Arende`.")
    studiehjalp: list[CsnArende] = strawberry.field(description="`Studiehjalp/Arenden/Arende`.")
    hemutrustningslan: list[CsnArende] = strawberry.field(
        description="`HemutrustningsLan/Arenden/Arende`."
    )
    studiestartsstod: list[CsnArende] = strawberry.field(
        description="`Studiestartsstod/Arenden/Arende`."
    )
    omstallningsstudiestod: list[CsnArende] = strawberry.field(
        description="`Omstallningsstudiestod/Arenden/Arende`."
    )


@strawberry.type(
    description="CSN's answer (`CSN`, base64 `CSNSvar` in `svar`, schema version 3.0 or 4.0). "
    "Data fields are null when `fel` is set."
)
class Csn:
    fel: Myndighetsfel | None = strawberry.field(
        description="CSN's `error` (e.g. `-1005` for an `arende` of 32 or more characters), or "
        "the facade's `INVALID_PAYLOAD` when `svar` cannot be read; null when CSN answered."
    )
    schema_version: str | None = strawberry.field(description="`schemaVersion`: 3.0 or 4.0.")
    resultat_kod: str | None = strawberry.field(description="`Resultat/ResultatKod`.")
    resultat_text: str | None = strawberry.field(description="`Resultat/ResultatText`.")
    personer: list[CsnPerson] | None = strawberry.field(description="`Personer/Person`.")
    ovriga_element: list[OkantElement] | None = strawberry.field(
        description="Every element and attribute of `CSNSvar` that the facade does not model (e.g. "
        "the question echo), at any depth, with its path from `CSNSvar`."
    )


PERSON_FIELDS = {
    "csn": agency_field(
        Agency.CSN,
        Csn,
        "CSN (`CSN`): study support per support form.",
    )
}
