"""The simulator's HTTP face: SOAP 1.1 at `/ssbtek`, the WSDL at `/ssbtek?wsdl`, the contract
files below `/ssbtek/contract/`, and the request log at `/_sim/requests` (loopback only)."""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from resolvers.contract import CONTRACT_DIR, SOAP_ENV_NS, SsbtVersion, ssbt_schema
from simulator.agencies import SIM_AGENCIES
from simulator.answers import build_answer
from simulator.latency import LatencyModel
from simulator.people import person_for
from simulator.question import read_question
from simulator.scenarios import Scenario, scenario_of

log = logging.getLogger(__name__)

XML = "text/xml; charset=utf-8"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
# TNS and MIV have no test service: the probe answers for the others only.
PROBE_AGENCIES = tuple(a.element for a in SIM_AGENCIES.values() if a.test_service)


@dataclass
class SimulatorConfig:
    """How the simulator behaves."""

    reject_v10: bool = False
    latency: LatencyModel = field(default_factory=LatencyModel)
    slow_seconds: float = 120.0
    history: int = 200
    csn_schema_version: str = "4.0"
    # LEFI groups and types each actor (aktorsid) may not see: LEFI answers OBEHORIG for them.
    lefi_obehorig: dict[str, frozenset[str]] = field(
        default_factory=lambda: {"begransad-aktor": frozenset({"FK:GEPI", "PM:PBH", "FK:SGI"})}
    )


@dataclass
class Load:
    """How many questions the simulator is answering at once, and the most it has (loopback
    `/_sim/stats`): what an overload test reads to see that the facade keeps its limit."""

    in_flight: int = 0
    most_in_flight: int = 0


class RequestLog:
    """The last questions received, newest last, for tests and demos to inspect."""

    def __init__(self, size: int) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=size)

    def add(self, entry: dict[str, Any]) -> None:
        """Record one request."""
        self.entries.append(entry)


def _envelope(body_child: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap={"soap": SOAP_ENV_NS})
    etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body").append(body_child)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def soap_fault(
    faultcode: str,
    faultstring: str,
    namespace: str | None = None,
    felkod: str | None = None,
    felmeddelanden: list[str] | None = None,
) -> Response:
    """A SOAP 1.1 fault (HTTP 500), with `hamtaBastjanstInformationFault` detail when given."""
    fault = etree.Element(f"{{{SOAP_ENV_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soap:{faultcode}"
    etree.SubElement(fault, "faultstring").text = faultstring
    if namespace and felkod:
        detail = etree.SubElement(fault, "detail")
        service_fault = etree.SubElement(
            detail, f"{{{namespace}}}hamtaBastjanstInformationFault", nsmap={"ssbt": namespace}
        )
        etree.SubElement(service_fault, f"{{{namespace}}}felkod").text = felkod
        for message in felmeddelanden or [faultstring]:
            etree.SubElement(service_fault, f"{{{namespace}}}felmeddelande").text = message
    return Response(_envelope(fault), status_code=500, media_type=XML)


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _schema_errors(version: SsbtVersion, element: etree._Element) -> list[str]:
    schema = ssbt_schema(version)
    if schema.validate(copy.deepcopy(element)):
        return []
    return [f"line {e.line}: {_without_values(e.message)}" for e in schema.error_log][:10]


def _without_values(message: str) -> str:
    """A schema error without the values it quotes (the question is personal data); the first
    quoted text, the element's name, stays."""
    parts = message.split("'")
    return "'".join(part if i == 1 or i % 2 == 0 else "…" for i, part in enumerate(parts))


def create_app(config: SimulatorConfig | None = None) -> Starlette:
    """The simulator as an ASGI application."""
    config = config or SimulatorConfig()
    requests = RequestLog(config.history)
    load = Load()

    async def soap(request: Request) -> Response:
        load.in_flight += 1
        load.most_in_flight = max(load.most_in_flight, load.in_flight)
        try:
            return await answer(request)
        finally:
            load.in_flight -= 1

    async def answer(request: Request) -> Response:
        body = await request.body()
        try:
            envelope = etree.fromstring(body, parser=_PARSER)
        except etree.XMLSyntaxError:
            return soap_fault("Client", "The request is not well-formed XML")
        body_element = envelope.find(f"{{{SOAP_ENV_NS}}}Body")
        operation = (
            next((e for e in body_element if isinstance(e.tag, str)), None)
            if body_element is not None
            else None
        )
        if operation is None:
            return soap_fault("Client", "The request has no SOAP body")
        qname = etree.QName(operation)
        version = SsbtVersion.from_namespace(qname.namespace)
        entry: dict[str, Any] = {"operation": qname.localname, "namespace": qname.namespace}
        requests.add(entry)
        if version is None or (version is SsbtVersion.V10 and config.reject_v10):
            entry["rejected"] = "namespace"
            return soap_fault("Server", "Internal error")
        errors = _schema_errors(version, operation)
        if errors:
            entry["rejected"] = "invalid"
            entry["errors"] = errors
            return soap_fault(
                "Client", "Invalid request", qname.namespace, "VALIDERINGSFEL", errors
            )
        if qname.localname == "testaBastjanstInformation":
            return _probe(version.namespace)
        question = read_question(operation)
        entry.update(question.as_json())
        if version is SsbtVersion.V11 and "SKV" in question.included and question.skv_fraga is None:
            entry["rejected"] = "skv-without-fraga"
            return soap_fault("Server", "Internal error")
        aktorsid = (question.fk_fraga or {}).get("aktorsid") or ""
        question.lefi_obehoriga = config.lefi_obehorig.get(aktorsid, frozenset())
        question.csn_schema_version = config.csn_schema_version
        scenario = scenario_of(question.personidentitet)
        await asyncio.sleep(config.latency.delay(question.included))
        if scenario is Scenario.LANGSAM:
            await asyncio.sleep(config.slow_seconds)
        if scenario is Scenario.SOAP_FAULT:
            return soap_fault(
                "Server",
                "Tekniskt fel",
                qname.namespace,
                "SSBT-TEKNISKT-FEL",
                ["Ett tekniskt fel har uppstått i den sammansatta bastjänsten"],
            )
        if scenario is Scenario.OTILLGANGLIG:
            return Response("Service Unavailable", status_code=503, media_type="text/plain")
        if scenario is Scenario.TRASIG:
            return Response(b"<html><body>Gateway says hello", status_code=200, media_type=XML)
        person = person_for(question.personidentitet, scenario)
        answer = build_answer(question, person, scenario)
        return Response(_envelope(answer), media_type=XML)

    def _probe(namespace: str) -> Response:
        response = etree.Element(
            f"{{{namespace}}}testaBastjanstInformationResponse", nsmap={"ssbt": namespace}
        )
        for agency in PROBE_AGENCIES:
            etree.SubElement(
                etree.SubElement(response, f"{{{namespace}}}{agency}"), f"{{{namespace}}}anropad"
            ).text = "true"
        return Response(_envelope(response), media_type=XML)

    async def wsdl(request: Request) -> Response:
        if "wsdl" not in request.query_params:
            return Response("POST SOAP here; GET ?wsdl for the WSDL", media_type="text/plain")
        try:
            version = SsbtVersion(request.query_params.get("version", "11"))
        except ValueError:
            return Response("version must be 10 or 11", status_code=400, media_type="text/plain")
        text = version.wsdl_path.read_text(encoding="utf-8")
        base = str(request.base_url).rstrip("/")
        text = text.replace(
            f'schemaLocation="ssbt-{version.value}.xsd"',
            f'schemaLocation="{base}/ssbtek/contract/ssbt-{version.value}.xsd"',
        )
        text = text.replace('location="http://localhost/ssbtek"', f'location="{base}/ssbtek"')
        return Response(text, media_type=XML)

    async def contract_file(request: Request) -> Response:
        path = (CONTRACT_DIR / request.path_params["path"]).resolve()
        if CONTRACT_DIR.resolve() not in path.parents or not path.is_file():
            return Response("not found", status_code=404)
        return Response(path.read_bytes(), media_type=XML)

    async def stats(request: Request) -> Response:
        if not _is_loopback(request):
            return Response("forbidden", status_code=403)
        if request.method == "DELETE":
            load.most_in_flight = load.in_flight
            return Response(status_code=204)
        return JSONResponse({"inFlight": load.in_flight, "mostInFlight": load.most_in_flight})

    async def request_log(request: Request) -> Response:
        if not _is_loopback(request):
            return Response("forbidden", status_code=403)
        if request.method == "DELETE":
            requests.entries.clear()
            return Response(status_code=204)
        return JSONResponse(list(requests.entries))

    app = Starlette(
        routes=[
            Route("/ssbtek", soap, methods=["POST"]),
            Route("/ssbtek", wsdl, methods=["GET"]),
            Route("/ssbtek/contract/{path:path}", contract_file, methods=["GET"]),
            Route("/_sim/requests", request_log, methods=["GET", "DELETE"]),
            Route("/_sim/stats", stats, methods=["GET", "DELETE"]),
        ]
    )
    app.state.requests = requests
    app.state.config = config
    app.state.load = load
    return app
