"""Which LEFI benefit group and information class each Försäkringskassan and Pensionsmyndigheten
field needs: the map behind the LEFI question (documented in docs/lefi-fields.md)."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.decode.lefi import lefi_model

FORMANSINFORMATION = "formansinformation"
OVRIG_INFORMATION = "ovrigInformation"
UTBETALNINGAR = "utbetalningar"
PRELIMINARA_UTBETALNINGAR = "preliminaraUtbetalningar"
ANSPRAK = "ansprak"
BESLUT = "beslut"


def fk_group_codes() -> list[str]:
    """Every FK benefit group code (`LefiFkFormanGruppKod`)."""
    return list(lefi_model()["enums"]["LefiFkFormanGruppKod"])


def pm_group_codes() -> list[str]:
    """Every PM benefit group code (`LefiPmFormanGruppKod`)."""
    return list(lefi_model()["enums"]["LefiPmFormanGruppKod"])


@dataclass(frozen=True)
class FkField:
    """One `forsakringskassan` field: the `LefiFormansinformation` property it shows, and what the
    LEFI question must name for it. `codes` empty means every FK group (payments)."""

    name: str
    source: str
    information_class: str
    codes: tuple[str, ...]
    description: str
    single: bool = False
    payments: bool = False
    certain: bool = True  # False where the contract does not say which code fills the property


FK_FIELDS: tuple[FkField, ...] = (
    FkField("generellPersoninformation", "generellPersoninformation", OVRIG_INFORMATION,
            ("FK:GEPI",), "General person information: addresses, workplaces, children, civil "
            "status, relatives.", single=True),
    FkField("aktivitetsstod", "aktivitetsstodsarende", FORMANSINFORMATION, ("FK:AS",),
            "Cases on aktivitetsstöd (activity support in labour-market programmes).",
            certain=False),
    FkField("allmanPension", "allmanpensionsarende", FORMANSINFORMATION, ("FK:AP",),
            "Cases on allmän pension, Försäkringskassan's copy during the transition."),
    FkField("arbetsskadeEfterlevande", "arbetsskadeefterlevandearende", FORMANSINFORMATION,
            ("FK:AS", "FK:YL"), "Cases on arbetsskadelivränta to survivors.", certain=False),
    FkField("arbetsskadeEgenlivranta", "arbetsskadeegenlivrantearende", FORMANSINFORMATION,
            ("FK:AS", "FK:YL"), "Cases on the person's own arbetsskadelivränta.", certain=False),
    FkField("barnbidrag", "barnbidragsarende", FORMANSINFORMATION, ("FK:ABB",),
            "Cases on barnbidrag (child benefit) for the person's children."),
    FkField("bostadsbidrag", "bostadsbidragsarende", FORMANSINFORMATION, ("FK:BOB",),
            "Cases on bostadsbidrag (housing allowance)."),
    FkField("bostadstillagg", "bostadstillaggsarende", FORMANSINFORMATION, ("FK:BST", "FK:BTI"),
            "Cases on bostadstillägg (housing supplement).", certain=False),
    FkField("efterlevandepension", "efterlevandepensionsarende", FORMANSINFORMATION, ("FK:ET",),
            "Cases on efterlevandepension (survivor's pension) in the FK model.", certain=False),
    FkField("mottagareAvBarnbidrag", "mottagareavbarnbidrag", FORMANSINFORMATION, ("FK:MABB",),
            "Barnbidrag that the person receives as the child (eget barnbidrag)."),
    FkField("foraldrapenning", "foraldrapenningarende", FORMANSINFORMATION, ("FK:FP",),
            "Cases on föräldrapenning (parental benefit) with paid days."),
    FkField("forebyggandeSjukpenning", "forebyggandeSjukpenningsarende", FORMANSINFORMATION,
            ("FK:FSJP",), "Cases on förebyggande sjukpenning (preventive sickness benefit)."),
    FkField("handikappersattning", "handikappersattningsarende", FORMANSINFORMATION, ("FK:HE",),
            "Cases on handikappersättning (disability allowance)."),
    FkField("graviditetspenning", "graviditetspenningsarende", FORMANSINFORMATION, ("FK:GP",),
            "Cases on graviditetspenning (pregnancy benefit)."),
    FkField("intjanandebehallning", "intjanandebehallning", FORMANSINFORMATION, ("FK:AP",),
            "Pension balance from the latest statement (FK model).", certain=False),
    FkField("intjanandeuppgift", "intjanandeuppgift", FORMANSINFORMATION, ("FK:AP",),
            "Pension rights earned per year (FK model).", certain=False),
    FkField("levnadsintygsuppgift", "levnadsintygsuppgift", FORMANSINFORMATION, ("FK:AP",),
            "Certificate-of-life state (FK model).", certain=False),
    FkField("merkostnadsersattning", "merkostnadsersattningsarende", FORMANSINFORMATION,
            ("FK:MEK",), "Cases on merkostnadsersättning (additional-cost allowance)."),
    FkField("narstaendepenning", "narstaendepenningarende", FORMANSINFORMATION, ("FK:NP",),
            "Cases on närståendepenning (care of a close relative)."),
    FkField("omvardnadsbidrag", "omvardnadsbidragsarende", FORMANSINFORMATION, ("FK:OMV",),
            "Cases on omvårdnadsbidrag (care allowance for a child)."),
    FkField("preliminaraUtbetalningar", "preliminarautbetalningar", PRELIMINARA_UTBETALNINGAR,
            (), "Decided FK payments not yet effected, with their detail rows.", payments=True),
    FkField("programanvisning", "programanvisning", OVRIG_INFORMATION, ("FK:PANV",),
            "Referrals to labour-market programmes."),
    FkField("programersattning", "programersattningsarende", FORMANSINFORMATION, ("FK:PROG",),
            "Cases on programersättning (compensation in a labour-market programme)."),
    FkField("programjobbdagar", "programjobdagar", FORMANSINFORMATION, ("FK:PJOB",),
            "Days used in the job and development guarantee (`programjobdagar` in LEFI)."),
    FkField("rehabersattning", "rehabersattningsarende", FORMANSINFORMATION, ("FK:RBE",),
            "Cases on rehabiliteringsersättning."),
    FkField("sjukOchAktivitetsersattning", "sjukOchAktivitetsersattningsarende",
            FORMANSINFORMATION, ("FK:SA",), "Cases on sjuk- och aktivitetsersättning."),
    FkField("sjukOchAktivitetsersattningSteglosAvrakningHistorik",
            "sjukOchAktivitetsersattningSteglosAvrakningHistorik", FORMANSINFORMATION, ("FK:SA",),
            "Steglös avräkning of sjuk- och aktivitetsersättning: earlier years.", certain=False),
    FkField("sjukOchAktivitetsersattningSteglosAvrakningNulage",
            "sjukOchAktivitetsersattningSteglosAvrakningNulage", FORMANSINFORMATION, ("FK:SA",),
            "Steglös avräkning of sjuk- och aktivitetsersättning: the current year.",
            certain=False),
    FkField("sjukpenning", "sjukpenningarende", FORMANSINFORMATION, ("FK:SJP",),
            "Cases on sjukpenning (sickness benefit) with paid days."),
    FkField("sjukpenninggrundandeInkomst", "sjukpenninggrundandeInkomstuppgift",
            OVRIG_INFORMATION, ("FK:SGI",), "Sjukpenninggrundande inkomst (SGI)."),
    FkField("skatteuppgift", "skatteuppgift", OVRIG_INFORMATION, ("FK:SKUP",),
            "Tax information (tax identification number for SINK payers)."),
    FkField("smittbararersattning", "smittbararersattningsarende", FORMANSINFORMATION,
            ("FK:SBP",), "Cases on smittbärarersättning."),
    FkField("studiemedelsavisering", "studiemedelsavisering", OVRIG_INFORMATION, ("FK:STAV",),
            "Notices from CSN about studiemedel."),
    FkField("tillfalligForaldrapenning", "tillfalligForaldrapenningarende", FORMANSINFORMATION,
            ("FK:TFP",), "Cases on tillfällig föräldrapenning (care of a sick child)."),
    FkField("totalforsvarsplikt", "totalforsvarspliktsarende", FORMANSINFORMATION, ("FK:DPE",),
            "Cases on dagpenning during totalförsvarsplikt.", certain=False),
    FkField("underhallsskuld", "underhallsskuld", FORMANSINFORMATION, ("FK:US",),
            "Maintenance debt of the paying parent.", certain=False),
    FkField("underhallsstodskrav", "underhallsstodskrav", FORMANSINFORMATION, ("FK:US",),
            "Underhållsstöd claimed from the person as the paying parent."),
    FkField("underhallsstodsmottag", "underhallsstodsmottag", FORMANSINFORMATION, ("FK:US",),
            "Underhållsstöd received by the person."),
    FkField("utbetalningsuppgifter", "utbetalningsuppgift", UTBETALNINGAR, (),
            "Effected FK payments, with their detail rows (tax, deductions).", payments=True),
    FkField("vardbidrag", "vardbidragsarende", FORMANSINFORMATION, ("FK:VB",),
            "Cases on vårdbidrag."),
    FkField("yrkesskadeEfterlevande", "yrkesskadeefterlevandearende", FORMANSINFORMATION,
            ("FK:YL",), "Cases on yrkesskadelivränta to survivors."),
    FkField("yrkesskadeEgenlivranta", "yrkesskadeegenlivrantearende", FORMANSINFORMATION,
            ("FK:YL",), "Cases on the person's own yrkesskadelivränta."),
)  # fmt: skip


@dataclass(frozen=True)
class PmField:
    """One `pensionsmyndigheten` field: where it lives in the LEFI answer and what it needs."""

    name: str
    information_class: str
    codes: tuple[str, ...]  # empty: the PM groups of the `formansgrupper` argument (or all)
    description: str


PM_FIELDS: tuple[PmField, ...] = (
    PmField("ansprak", ANSPRAK, (), "Claims (`ansprak`) under review at Pensionsmyndigheten."),
    PmField("beslut", BESLUT, (), "Decisions (`beslut`) with decided amounts and extras."),
    PmField("utbetalningar", UTBETALNINGAR, (), "Effected payments with deductions and rows."),
    PmField("preliminaraUtbetalningar", PRELIMINARA_UTBETALNINGAR, (),
            "Planned payments with deductions and rows."),
    PmField("levnadsintyg", OVRIG_INFORMATION, ("PM:LINT",), "Certificate-of-life state."),
    PmField("pensionsbehallning", OVRIG_INFORMATION, ("PM:PBH",),
            "Pension accounts and their values."),
    PmField("pensionsunderlag", OVRIG_INFORMATION, ("PM:PU",),
            "Pension-qualifying income per year."),
    PmField("ovrigInformation", OVRIG_INFORMATION, ("PM:LINT", "PM:PBH", "PM:PU"),
            "Every övrig-information item as LEFI sent it: `informationstyp`, its block, and "
            "anything the model does not know."),
)  # fmt: skip

# What to ask when only the PM part's state (`fel`, `utlamnare`) is selected: a short status.
PM_SMALLEST = (OVRIG_INFORMATION, "PM:LINT")
