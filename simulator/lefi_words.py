"""The Swedish words (`beskrivning`) the simulated LEFI answer writes beside its codes, as LEFI
writes a code with its words. The meanings are the contract's (its descriptions and lists); a
code whose meaning the contract does not give says so in its words instead of repeating the
code. `Faker` in `simulator/lefi.py` picks codes of a property from `FIELD_CODES` where the
contract lists them, so that a simulated code is one LEFI can send."""

from __future__ import annotations

from typing import Any

# A code LEFI lists without saying what it means.
UNKNOWN = "Innebörden anges inte i LEFI-kontraktet"
# A property whose codes the contract does not list: the simulator makes one up.
MADE_UP = "Simulerad kod; kodlistan anges inte i LEFI-kontraktet"

GROUPS = {
    "FK:ABB": "Barnbidrag",
    "FK:AP": "Allmän pension",
    "FK:AS": "Aktivitetsstöd",
    "FK:BOB": "Bostadsbidrag",
    "FK:BST": "Bostadstillägg",
    "FK:BTI": "Bostads- och inkomststöd",
    "FK:DPE": "Dagpenning till totalförsvarspliktiga",
    "FK:EJO": "Förmånsgrupp vars innebörd inte anges i LEFI-kontraktet",
    "FK:ET": "Efterlevandepension (tolkning; kontraktet anger inte innebörden)",
    "FK:FP": "Föräldrapenning",
    "FK:FSJP": "Förebyggande sjukpenning",
    "FK:GP": "Graviditetspenning",
    "FK:HE": "Handikappersättning",
    "FK:MABB": "Eget barnbidrag",
    "FK:MEK": "Merkostnadsersättning",
    "FK:NP": "Närståendepenning",
    "FK:OMV": "Omvårdnadsbidrag",
    "FK:PJOB": "Programjobbdagar",
    "FK:PROG": "Programersättning",
    "FK:RBE": "Rehabiliteringsersättning",
    "FK:SA": "Sjuk- och aktivitetsersättning",
    "FK:SBP": "Smittbärarersättning",
    "FK:SJP": "Sjukpenning",
    "FK:TFP": "Tillfällig föräldrapenning",
    "FK:US": "Underhållsstöd",
    "FK:VB": "Vårdbidrag",
    "FK:YL": "Yrkesskadelivränta",
    "PM:AP": "Allmän pension",
    "PM:BTI": "Bostads- och inkomststöd",
    "PM:EF": "Efterlevandeförmåner",
}
OVRIG_INFORMATION = {
    "FK:GEPI": "Generell personinformation",
    "FK:PANV": "Programanvisning",
    "FK:SGI": "Sjukpenninggrundande inkomst",
    "FK:SKUP": "Skatteuppgift",
    "FK:STAV": "Studiemedelsavisering",
    "PM:LINT": "Levnadsintyg",
    "PM:PBH": "Pensionsbehållning",
    "PM:PU": "Pensionsunderlag",
}
# Försäkringskassan's deduction kinds (`LefiUtbetalningDetalj.beloppstyp`).
FK_DEDUCTIONS = {
    "AFR": "Avdrag för annan ersättning",
    "ALA": "Avdrag på grund av lön",
    "ART": "Utländsk fordran artikel 68a",
    "AVB": "Avbetalning",
    "AVR": "Avräkning",
    "FMF": "Förlängt familjebidrag",
    "FUM": "Avdrag fullmakt",
    "INC": "Innehållet för CSN",
    "INF": "Utmätning",
    "INM": "Innehållet manuellt",
    "INU": "Innehållet underhållsstöd",
    "KOA": "Kontraktsvårdsavdrag",
    "KVI": "Kvittning",
    "OAV": "Ospecificerade avdrag",
    "PF": "Skatt föregående år",
    "PS": "Preliminär skatt",
    "PST": "Preliminär skatt tidigare år",
    "SAV": "Slutavräkning",
    "SKV": "Kvittning statlig fordran",
    "SOC": "Socialavdrag",
    "SS": "Särskild inkomstskatt",
    "SST": "Särskild inkomstskatt tidigare år",
    "UMG": "Umgängesavdrag",
    "UTF": "Avdrag för utländsk fordran",
    "ÅFA": "Återbetalning frivillig försäkring",
    "ÖVA": "Icke specificerade avdrag",
}
PAYMENT_KINDS = {0: "Lokal utbetalning", 1: "Månad", 2: "Daglig", 3: "Retro", 4: "Presumtiv"}
PAYERS = {1001: "Försäkringskassan", 1003: "Pensionsmyndigheten"}

_LEVNADSINTYG = {
    0: "Förfrågan ska skickas",
    1: "Förfrågan skickad",
    2: "Intyg komplett",
    3: "Intyg ej komplett",
    4: "Påminnelse skickad",
    5: "Förmåner spärrade",
    7: "Hanteras av TESS",
    8: "Intyg komplett med förändringar",
    9: "Intyg ej komplett med förändringar",
    10: "Ofullständigt intyg efter spärr",
    20: "Ej skickat, namn eller adress saknas",
    21: "Ej skickat, ställföreträdare saknas",
    22: "Ej skickat, avliden eller avregistrerad",
    23: "Ej skickat, ingen löpande förmån",
    24: "Ej skickat, ej utlandsbosatt",
    25: "Ej skickat, nyligen komplett",
}
# The words of the codes of LEFI's enumerations (the model's `enums`). The contract gives the
# meanings of some; Pensionsmyndigheten's compensation, deduction and amount codes are read by
# their names where the reading is plain, and a code without one says its meaning is not given.
ENUMS: dict[str, dict[Any, str]] = {
    "LefiAvvikelseKod": {"INTERNT_FEL": "Internt fel", "OBEHORIG": "Aktören saknar behörighet"},
    "LefiExternFormanGruppKod": GROUPS,
    "LefiFkFormanGruppKod": GROUPS,
    "LefiPmFormanGruppKod": GROUPS,
    "LefiExternOvrigInformationTypKod": OVRIG_INFORMATION,
    "LefiPmOvrigInformationTypKod": OVRIG_INFORMATION,
    "LefiPmCivilstandKod": {"OGIFT": "Ogift", "GIFT": "Gift"},
    "LefiPmFormanBeslutStatusKod": {
        "INTERIMISTISKT": "Interimistiskt",
        "PRELIMINART": "Preliminärt",
        "SLUTLIGT": "Slutligt",
    },
    "LefiPmFormanBeslutUtfallKod": {"BIFALL": "Bifall", "AVSLAG": "Avslag"},
    "LefiPmFormanBeslutatBeloppFrekvensKod": {
        "AR": "År",
        "HALVAR": "Halvår",
        "KVARTAL": "Kvartal",
        "MANAD": "Månad",
        "VECKA": "Vecka",
        "DAG": "Dag",
        "ENGANGS": "Engångsbelopp",
    },
    "LefiPmFormanBeslutadErsattningTypKod": {
        "PM:IP": "Inkomstpension",
        "PM:IPT": "Inkomstpensionstillägg",
        "PM:TP": "Tilläggspension",
        "PM:GARP": "Garantipension",
        "PM:PREP": "Premiepension",
        "PM:BP": "Barnpension",
        "PM:OP": "Omställningspension",
        "PM:BT": "Bostadstillägg",
        "PM:SBT": "Särskilt bostadstillägg",
        "PM:AFS": "Äldreförsörjningsstöd",
        "PM:ANKEP": "Änkepension",
    },
    "LefiPmFormanUtbetalningAvdragTypKod": {
        "PM:PS": "Preliminär skatt",
        "PM:PST": "Preliminär skatt tidigare år",
        "PM:SS": "Särskild inkomstskatt",
        "PM:SST": "Särskild inkomstskatt tidigare år",
        "PM:UTMATNING": "Utmätning",
    },
    "LefiPmUtbetalningFormanKod": {
        "PM:AP37": "Ålderspension för den som är född före 1938",
        "PM:AP38": "Ålderspension för den som är född 1938 eller senare",
        "PM:EP": "Efterlevandepension",
    },
    "LefiPmFormanUtbetalningBeloppTypKod": {
        "PM:IP": "Inkomstpension",
        "PM:GARP": "Garantipension",
        "PM:TP": "Tilläggspension",
    },
    "LefiPmLevnadsintygStatusKod": _LEVNADSINTYG,
    "LefiPmPensionKontoTypKod": {"IP": "Inkomstpension", "PREP": "Premiepension"},
    "LefiPmPensionKontoHandelseTypKod": {
        "ANDRAD_PENSIONSRATT": "Ändrad pensionsrätt",
        "ARSOMRAKNING": "Årsomräkning",
        "DODSFALL": "Dödsfall",
        "EG_OVERFORING": "Överföring inom EU",
        "FORVARVSVILLKORET_INTE_UPPFYLLT": "Förvärvsvillkoret inte uppfyllt",
        "FORVARVSVILLKORET_UPPFYLLT": "Förvärvsvillkoret uppfyllt",
        "NYTT_ANDRAT_PENSIONSUTTAG": "Nytt eller ändrat pensionsuttag",
        "RIKTALDER_UPPNADD": "Riktåldern uppnådd",
    },
    "LefiPmPensionKontoTransaktionTypKod": {
        "ARVSVINST": "Arvsvinst",
        "FORVALTNINGSKOSTNAD": "Förvaltningskostnad",
        "PENSIONSRATT": "Pensionsrätt",
        "BALANSERAD_PENSIONSRATT": "Balanserad pensionsrätt",
        "INDEXERING": "Indexering",
        "UTTAGEN_PENSIONSBEHALLNING": "Uttagen pensionsbehållning",
        "ATERLAGD_PENSIONSBEHALLNING": "Återlagd pensionsbehållning",
    },
    "LefiTillstandKod": {"OK": "Tillgänglig", "FELANDE": "Felande", "OTILLGANGLIG": "Otillgänglig"},
}

_PAYMENT_PARTS = {"L": "Löpande", "R": "Retroaktiv"}
_ANNUITY_EMPLOYERS = {
    10: "Arbetsskador i allmänhet",
    18: "FN-tjänst",
    50: "Statens Järnvägar",
    51: "Posten",
    52: "Telia",
    54: "Vattenfall",
}
_PROGRAMME_DAYS = {
    "AS": "Aktivitetsstöd",
    "EE": "Etableringsersättning",
    "UE": "Utvecklingsersättning",
}
_LEVELS = {"L": "Lägstanivå", "G": "Grundnivå", "S": "Sjukpenningsnivå"}
# The codes of a property (by its name alone, or by type and name) and their words, where the
# contract lists them; a simulated code of that property is one of these.
FIELD_CODES: dict[str | tuple[str, str], dict[Any, str]] = {
    "periodicitet": {0: "Ingen", 1: "Månadsvis", 2: "Kvartalsvis", 3: "Halvårsvis", 4: "Årsvis"},
    "niva": _LEVELS,
    "beslutstatus": {"S": "Slutligt", "I": "Interimistiskt"},
    ("LefiAdress", "roller"): {1: "Folkbokföringsadress", 2: "Särskild adress", 3: "Utlandsadress"},
    ("LefiAktivitetsstodUppgifter", "atgardstyp"): {
        1: "Arbetslivsinriktad utbildning",
        8: "AMU-reguljär",
        40: "Arbetspraktik",
        53: "Jobb- och utvecklingsgaranti, fas 1 och 2",
        57: "Jobb- och utvecklingsgaranti fas 3",
        59: "Arbetslivsintroduktion",
        99: "Övrigt",
    },
    ("LefiAktivitetsstodBeslut", "ersattning"): {
        1: "Aktivitetsstöd",
        2: "Särskilt bidrag",
        3: "Utvecklingsersättning",
    },
    ("LefiArbetsskadelivrantaBeslut", "ersattning"): {0: "Vanlig", 1: "Karens"},
    ("LefiArbetsskadelivrantaEfterlevandeUppgifter", "orsak"): {
        0: "Okänd",
        1: "Änka med barn",
        2: "Änka utan barn",
        3: "Livränta till frånskild kvinna",
        4: "Barnlivränta",
        5: "Föräldralivränta",
        6: "Omställningslivränta",
        7: "Förlängd omställningslivränta",
        8: "Särskild efterlevandelivränta",
    },
    ("LefiArbetsskadelivrantaEgenUppgifter", "orsak"): {
        0: "Okänd",
        1: "Arbetsoförmåga, arbetssjukdom",
        2: "Arbetsoförmåga, olycksfall i arbetet",
        3: "Arbetsoförmåga, färdolycksfall",
        4: "Rehabilitering, arbetssjukdom",
        5: "Rehabilitering, olycksfall i arbetet",
        6: "Rehabilitering, färdolycksfall",
    },
    ("LefiForaldrapenningBeslut", "ersattning"): {3: "Vanliga dagar", 5: "Dubbeldagar"},
    ("LefiGraviditetspenningBeslut", "ersattning"): {
        1: "Fysiskt ansträngande arbetsuppgifter",
        2: "Risker i arbetsmiljön",
    },
    ("LefiIntjanandeBarnBeslut", "foraldertyp"): {1: "Mor", 2: "Far", 3: "Styvmor", 4: "Styvfar"},
    ("LefiIntjanandeForandring", "typ"): {
        "pbhutb": "Pensionsbehållning för inkomstpension",
        "pbgarp": "Pensionsbehållning för reducering av garantipension",
        "pbhlat": "Latent pensionsbehållning",
        "pbhg94": "Pensionsbehållning för reducering enligt garantiregeln",
    },
    ("LefiIntjanandeGrund", "typ"): {
        "pbhutb": "Pensionsbehållning för inkomstpension",
        "prutb": "Pensionsrätt för inkomstpension",
        "prprep": "Pensionsrätt för premiepension",
        "pu": "Pensionsunderlag inkomstpension",
        "pgi": "Pensionsgrundande inkomst",
    },
    ("LefiIntjanandePoang", "typ"): {
        "apoang": "A-poäng",
        "fpoang": "F-poäng",
        "sapoang": "SA-poäng",
    },
    ("LefiLevnadsintygUppgift", "status"): _LEVNADSINTYG,
    ("LefiMerkostnadsersattningBeslut", "beslutsutfall"): {
        1: "Oförändrad",
        2: "Beviljande",
        3: "Ändring",
        5: "Avslag",
        6: "Avvisning",
        7: "Avskrivning",
        8: "Upphörande",
        10: "Minskning",
    },
    ("LefiMerkostnadsersattningPeriodbeslut", "utbetalningstyp"): _PAYMENT_PARTS,
    ("LefiMottagareAvBarnbidragInstitution", "institution"): {1: "Myndighet", 2: "Familjehem"},
    ("LefiNarstaendepenningBeslut", "ersattning"): {1: "Närståendepenning", 2: "Närståendevård"},
    ("LefiOmvardnadsbidragBeslut", "beslutsutfall"): {
        1: "Oförändrad",
        2: "Beviljande",
        3: "Ändring",
        4: "Avslag",
        5: "Avvisning",
        6: "Avskrivning",
        7: "Upphörande",
    },
    ("LefiOmvardnadsbidragPeriodBeslut", "utbetalningstyp"): _PAYMENT_PARTS | {"F": "Ferie"},
    ("LefiPersoninformation", "civilstand"): {
        0: "Okänd",
        1: "Ogift",
        2: "Gift",
        3: "Registrerat partnerskap",
        4: "Efterlevande partner",
        5: "Skild",
        6: "Skild partner",
        7: "Änka/Änkeman",
    },
    ("LefiProgramanvisning", "program"): {
        8: "Arbetsmarknadsutbildning",
        40: "Arbetspraktik",
        53: "Jobb- och utvecklingsgaranti",
        59: "Arbetslivsintroduktion",
        61: "Validering",
        63: "Etableringsinsatser",
        99: "Övrigt",
    },
    ("LefiProgramersattningBeslut", "ersattning"): _PROGRAMME_DAYS,
    ("LefiProgramersattningDag", "ersattning"): _PROGRAMME_DAYS,
    ("LefiSjukpenninggrundandeInkomstUppgift", "typ"): {
        0: "A- eller B-inkomst",
        1: "Studietid",
        2: "Värnplikt",
        3: "Livränta",
    },
    ("LefiStudiemedelAvisering", "typ"): {
        0: "Annat studiestöd än studiemedel",
        1: "Ansökan",
        2: "Beslut",
        4: "Utbetalning",
        7: "Ej utnyttjat stöd",
    },
    ("LefiTillfalligForaldrapenningBeslut", "ersattning"): {
        1: "Vård av barn",
        2: "Kontaktdag",
        3: "Barns födelse",
        4: "Adoption",
        5: "Ordinarie vårdare sjuk",
        6: "Barn som har avlidit",
    },
    ("LefiTillfalligForaldrapenningDag", "inkomsttyp"): {
        0: "Inkomsttyp okänd",
        1: "A-inkomst",
        2: "B-inkomst",
    },
    ("LefiTillfalligForaldrapenningDag", "berakningssatt"): {
        0: "Okänt beräkningssätt",
        1: "Timberäknad",
        2: "Dagberäknad",
        3: "Kalenderdagsberäknad",
    },
    ("LefiUnderhallsstodBeslut", "ersattning"): {
        1: "Helt",
        2: "Reducerat",
        3: "Reducerat till underhållsbidrag",
        4: "Utfyllnad",
        5: "Utfyllnad, reducerat",
    },
    ("LefiVardbidragBeslut", "ersattning"): {0: "Vårdbidrag", 1: "Merkostnadstillägg"},
    ("LefiYrkesskadelivrantaBeslut", "ersattning"): {1: "Skattefri"},
    ("LefiYrkesskadelivrantaEfterlevandeUppgifter", "arbetsgivare"): _ANNUITY_EMPLOYERS,
    ("LefiYrkesskadelivrantaEfterlevandeUppgifter", "orsak"): {
        1: "Änka/änkling",
        2: "Barn, ej över 16/19 år",
        3: "Barn, över 16/19 år",
        4: "Förälder",
        5: "Frånskild änka",
    },
    ("LefiYrkesskadelivrantaEgenUppgifter", "arbetsgivare"): _ANNUITY_EMPLOYERS,
    ("LefiYrkesskadelivrantaEgenUppgifter", "orsak"): {
        1: "Olycksfall",
        2: "Yrkessjukdom",
        3: "Silikos",
        4: "Militärskola",
        5: "Silikostillägg",
    },
}


def group_words(code: str) -> str:
    """A benefit group's or övrig-information type's words."""
    return GROUPS.get(code) or OVRIG_INFORMATION.get(code) or UNKNOWN


def enum_words(enum: str, code: Any) -> str:
    """The words of a code of one of LEFI's enumerations."""
    return ENUMS.get(enum, {}).get(code, UNKNOWN)


def field_codes(type_name: str, field_name: str) -> dict[Any, str] | None:
    """The codes the contract lists for a property, with their words, if it lists any."""
    return FIELD_CODES.get((type_name, field_name)) or FIELD_CODES.get(field_name)


def kind_of_payment(code: str) -> str:
    """The words of a kind of payment (a `beloppstyp` that is no deduction) of a group."""
    words = group_words(code)
    return f"Utbetalning av {words[:1].lower()}{words[1:]}"
