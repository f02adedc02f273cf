"""Named scenario people: fixed personnummer that make the simulator behave in a known way.

Every other valid personnummer gets a deterministic synthetic person seeded by the number.
The list is documented in docs/simulator.md.
"""

from __future__ import annotations

from enum import StrEnum


class Scenario(StrEnum):
    """What the simulator does for a scenario person."""

    ALLA = "alla"  # data from every agency, including the optional parts
    INGENTING = "ingenting"  # every agency answers, with nothing to report
    FEL_BT = "fel_bt"  # every agency answers with an error from its own service (kalla BT)
    FEL_SSBT = "fel_ssbt"  # every agency answers with an error from SSBTEK (kalla SSBT)
    FEL_AF = "fel_af"  # Arbetsförmedlingen errs (BT), every other agency answers with data
    SKYDDAD = "skyddad"  # protected identity: sekretessmarkering, no names
    SOAP_FAULT = "soap_fault"  # the whole call fails with hamtaBastjanstInformationFault
    LANGSAM = "langsam"  # answers slower than any sensible facade timeout
    OTILLGANGLIG = "otillganglig"  # HTTP 503 with no SOAP fault, as a broken proxy would
    TRASIG = "trasig"  # HTTP 200 with a body that is not XML
    OMFATTANDE = "omfattande"  # every LEFI group with many items: a LEFI answer of several MB
    PM_OTILLGANGLIG = "pm_otillganglig"  # LEFI answers, but Pensionsmyndigheten is unavailable
    TRASIGT_INNEHALL = "trasigt_innehall"  # CSN, FK and SKV payloads that cannot be read


SCENARIO_PEOPLE: dict[str, Scenario] = {
    "198503151238": Scenario.ALLA,
    "199001011239": Scenario.INGENTING,
    "197505051230": Scenario.FEL_BT,
    "197505061239": Scenario.FEL_SSBT,
    "198202201235": Scenario.FEL_AF,
    "197707071234": Scenario.SKYDDAD,
    "196006061235": Scenario.SOAP_FAULT,
    "196509091234": Scenario.LANGSAM,
    "197003031239": Scenario.OTILLGANGLIG,
    "197210101239": Scenario.TRASIG,
    "195804121233": Scenario.OMFATTANDE,
    "194808081238": Scenario.PM_OTILLGANGLIG,
    "197909091238": Scenario.TRASIGT_INNEHALL,
}

NUMBER_OF: dict[Scenario, str] = {scenario: number for number, scenario in SCENARIO_PEOPLE.items()}


def scenario_of(personnummer: str) -> Scenario | None:
    """The scenario of a personnummer, or None for an ordinary synthetic person."""
    return SCENARIO_PEOPLE.get(personnummer)
