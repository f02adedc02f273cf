"""The project's own SSBTEK contract files (WSDL and XSD) and the namespaces they define."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from lxml import etree

CONTRACT_DIR = Path(__file__).parent / "contract"

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"


class SsbtVersion(StrEnum):
    """A generation of the SSBTEK contract; the two differ only by namespace and the SKV fraga."""

    V10 = "10"
    V11 = "11"

    @property
    def namespace(self) -> str:
        """The target namespace of this generation's WSDL and XSD."""
        return f"http://schema.forsakringskassan.se/integration/ssbt/{self.value}"

    @property
    def wsdl_path(self) -> Path:
        """The project's own WSDL for this generation."""
        return CONTRACT_DIR / f"ssbt-{self.value}.wsdl"

    @property
    def xsd_path(self) -> Path:
        """The project's own XSD for this generation (imports the agency schemas)."""
        return CONTRACT_DIR / f"ssbt-{self.value}.xsd"

    @classmethod
    def from_namespace(cls, namespace: str | None) -> SsbtVersion | None:
        """The generation whose namespace this is, or None for any other namespace."""
        for version in cls:
            if version.namespace == namespace:
                return version
        return None


@dataclass(frozen=True)
class ContractAgency:
    """One source of an SSBTEK answer, as the contract has it, and its name in this project.

    `name` names the agency's module in every layer: `resolvers/decode/<name>.py` (its decoder),
    `schema/<name>.py` (its GraphQL types, `Person` fields and planners) and
    `simulator/<name>.py` (its simulated answer and latency).
    """

    element: str  # the element in specifikaFrageparametrar and svarsdata
    name: str
    own_period: bool  # whether the contract lets it have a tidsperiod of its own
    test_service: bool  # whether testaBastjanstInformation reaches a test service of it


# The registry of agencies, in the contract order of specifikaFrageparametrar and svarsdata.
# FK's element carries LEFI: Försäkringskassan's and Pensionsmyndigheten's data together.
CONTRACT_AGENCIES: tuple[ContractAgency, ...] = (
    ContractAgency("AF", "arbetsformedlingen", own_period=True, test_service=True),
    ContractAgency("CSN", "csn", own_period=True, test_service=True),
    ContractAgency("FK", "lefi", own_period=False, test_service=True),
    ContractAgency("SKV", "skatteverket", own_period=False, test_service=True),
    ContractAgency("SO", "akassorna", own_period=True, test_service=True),
    ContractAgency("TNS", "transportstyrelsen", own_period=True, test_service=False),
    ContractAgency("MIV", "migrationsverket", own_period=False, test_service=False),
)

# Namespaces of the agency parts inside the answer.
AF_NS = "http://api.arbetsformedlingen.se/arbetssokande/ersattningsstod/v2"
SO_NS = "http://INT014.UBPService.Schemas"
TNS_NS = "http://schema.transportstyrelsen.se/ssbtek/hamtauppgifterresponder/1"
TNS_FORDON_NS = "http://schema.transportstyrelsen.se/ssbtek/fordon/1"
SKV_WRAPPER_NS = "http://beskattningws.ws.service.bs.zg.rsv.se/"

# CSN's answer is a document of its own, base64 in svarsdata/CSN/data/svar: its schema (CSN
# kommunfråga 4.0) is not imported by the ssbt XSDs.
CSN_SCHEMA_PATH = CONTRACT_DIR / "agencies" / "csn-kommunfraga-4.xsd"
# The project's JSON Schema of the LEFI v9 answer (base64 in svarsdata/FK/data/lefiJsonSvar).
LEFI_SCHEMA_PATH = CONTRACT_DIR / "lefi-v9-answer.schema.json"


@cache
def ssbt_schema(version: SsbtVersion) -> etree.XMLSchema:
    """The compiled XSD of one contract generation, for validating questions and answers."""
    return etree.XMLSchema(etree.parse(str(version.xsd_path)))


@cache
def csn_schema() -> etree.XMLSchema:
    """The compiled XSD of CSN's `CSNSvar` document (kommunfråga 4.0)."""
    return etree.XMLSchema(etree.parse(str(CSN_SCHEMA_PATH)))
