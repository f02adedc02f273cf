"""An SSBTEK that fails on purpose, for the fault matrix (`tests/test_fault_matrix.py`).

`FaultyUpstream` is an ASGI app in front of the real simulator: it answers
`hamtaBastjanstInformation` as its `mode` says, and passes everything else (the probe, the WSDL)
to the simulator. Where the envelope is meant to be good, the answer is the simulator's own,
changed in one place, so every other agency's part is intact.

`served(upstream)` puts it on a loopback port behind a small asyncio HTTP/1.1 server of its own
(one request per connection), because some faults live below HTTP: a connection dropped without
an answer, a request never answered, an answer dripped a few bytes at a time.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from typing import Any

import httpx
from lxml import etree
from starlette.requests import Request
from starlette.responses import Response

from resolvers.contract import SOAP_ENV_NS
from simulator.app import SimulatorConfig
from simulator.app import create_app as create_simulator

XML = "text/xml; charset=utf-8"
# A name to put into faults beside the personnummer: the simulator's name for its ALLA person.
NAME = "Tolvan Tolvansson"
ADDRESS = "Storgatan 12, 852 30 Sundsvall"
# Where an XXE entity points, and a line of that file that must never come back.
XXE_FILE = "/etc/passwd"
XXE_LEAK = "root:x:0:0"
HUGE_BYTES = 50 * 1024 * 1024
DEEP_LEVELS = 1000
DEEP_JSON_LEVELS = 100_000
# The slow drip: this many bytes every DRIP_PAUSE_S seconds.
DRIP_BYTES = 4
DRIP_PAUSE_S = 0.5

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_MARK = "CONTENT-GOES-HERE"


class Mode(StrEnum):
    """How `FaultyUpstream` answers `hamtaBastjanstInformation`."""

    HEALTHY = "healthy"  # the simulator's answer as it is
    HTTP_500 = "http_500"  # HTTP 500, plain text, no SOAP fault
    HTTP_503 = "http_503"  # HTTP 503, plain text, no SOAP fault
    GARBAGE = "garbage"  # HTTP 200 with bytes that are not XML
    EMPTY = "empty"  # HTTP 200 with an empty body
    TRUNCATED = "truncated"  # HTTP 200 with the first half of the real envelope
    DROPPED = "dropped"  # the connection is closed after the request, without an answer
    SILENT = "silent"  # the request is read and never answered
    DRIP = "drip"  # the real answer, a few bytes per second
    XXE_ENVELOPE = "xxe_envelope"  # an external entity (file:///etc/passwd) in the envelope
    LAUGHS_ENVELOPE = "laughs_envelope"  # billion laughs in the envelope
    XXE_SKV = "xxe_skv"  # the external entity inside Skatteverket's string payload
    LAUGHS_SKV = "laughs_skv"  # billion laughs inside Skatteverket's string payload
    XXE_CSN = "xxe_csn"  # the external entity inside CSN's base64 payload
    LAUGHS_CSN = "laughs_csn"  # billion laughs inside CSN's base64 payload
    HUGE = "huge"  # the real answer with a 50 MB unknown element in TNS's data
    DEEP = "deep"  # the real answer with unknown elements nested 1000 deep in TNS's data
    DEEP_JSON = "deep_json"  # FK's LEFI JSON nested 100 000 arrays deep
    FAULT_PERSONAL = "fault_personal"  # a SOAP fault naming the person, number and name
    AGENCY_ERROR_PERSONAL = "agency_error_personal"  # TNS's error naming the personnummer


# Modes that only a socket server can play (`served`); in-process they answer as HEALTHY.
SOCKET_MODES = frozenset({Mode.DROPPED, Mode.SILENT, Mode.DRIP})


def xxe_doctype(root: str) -> str:
    """A DOCTYPE declaring `&xxe;` as the contents of a local file."""
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{XXE_FILE}">]>'


def laughs_doctype(root: str) -> str:
    """A DOCTYPE declaring `&lol9;` as 10^9 `lol`s."""
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        below = f"&lol{level - 1};" if level > 1 else "&lol;"
        entities.append(f'<!ENTITY lol{level} "{below * 10}">')
    return f"<!DOCTYPE {root} [{''.join(entities)}]>"


class FaultyUpstream:
    """An ASGI app: SSBTEK per `mode`, built on the real simulator's answers."""

    def __init__(
        self, config: SimulatorConfig | None = None, only: Callable[[bytes], bool] | None = None
    ) -> None:
        self.simulator = create_simulator(config or SimulatorConfig(slow_seconds=10))
        self.mode = Mode.HEALTHY
        self.hamta_calls = 0
        self.dripped = 0  # pieces of a dripping answer written, in all
        # The questions (their SOAP body) the mode applies to; the others are answered healthy.
        self.only = only

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.simulator(scope, receive, send)
            return
        request = Request(scope, receive)
        body = await request.body()
        status, media_type, content = await self.respond(
            request.method, request.url.path, request.url.query, dict(request.headers), body
        )
        await Response(content, status_code=status, media_type=media_type)(scope, receive, send)

    async def respond(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        """The status, content type and body for one request."""
        if method != "POST" or b"hamtaBastjanstInformation" not in body:
            return await self._simulator(method, path, query, headers, body)
        self.hamta_calls += 1
        mode = self.mode if self.only is None or self.only(body) else Mode.HEALTHY
        if mode is Mode.HTTP_500:
            return 500, "text/plain", b"Internal Server Error"
        if mode is Mode.HTTP_503:
            return 503, "text/plain", b"Service Unavailable"
        if mode is Mode.GARBAGE:
            return 200, XML, b"\x00\xff\xfe garbage, not XML \x8f<<<>>>&&& \xc3\x28"
        if mode is Mode.EMPTY:
            return 200, XML, b""
        namespace, number = _question(body)
        if mode is Mode.FAULT_PERSONAL:
            return 500, XML, personal_fault(namespace, number)
        status, media_type, content = await self._simulator(method, path, query, headers, body)
        if status != 200 or mode in (Mode.HEALTHY, *SOCKET_MODES):
            return status, media_type, content
        if mode is Mode.TRUNCATED:
            return 200, XML, content[: len(content) // 2]
        return 200, XML, alter(content, mode, number)

    async def _simulator(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "soapaction")}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.simulator), base_url="http://127.0.0.1"
        ) as client:
            response = await client.request(
                method, f"{path}?{query}" if query else path, content=body, headers=keep
            )
        return (
            response.status_code,
            response.headers.get("content-type", XML),
            response.content,
        )


def _question(body: bytes) -> tuple[str, str]:
    """The namespace of a question's operation and the 12-digit personnummer it asks about."""
    envelope = etree.fromstring(body, parser=_PARSER)
    operation = next(e for e in envelope.iter() if etree.QName(e).localname.startswith("hamta"))
    number = envelope.findtext(".//{*}personidentitet") or ""
    return etree.QName(operation).namespace or "", number.strip()


def personal_fault(namespace: str, number: str) -> bytes:
    """A SOAP fault whose felkod, faultcode, faultstring and felmeddelande all name the person:
    the number in its 12-digit, 10-digit and hyphenated forms, the name and the address."""
    ten = number[2:]
    hyphenated = f"{number[:8]}-{number[8:]}"
    return (
        f'<soap:Envelope xmlns:soap="{SOAP_ENV_NS}"><soap:Body><soap:Fault>'
        f"<faultcode>soap:Server {NAME} {ten}</faultcode>"
        f"<faultstring>Uppgifter saknas för {NAME}, {ADDRESS} ({hyphenated})</faultstring>"
        f'<detail><ssbt:hamtaBastjanstInformationFault xmlns:ssbt="{namespace}">'
        f"<ssbt:felkod>{NAME} {number}</ssbt:felkod>"
        f"<ssbt:felmeddelande>Personen {NAME} {number} på {ADDRESS} kunde inte hämtas"
        "</ssbt:felmeddelande>"
        f"<ssbt:felmeddelande>Se även {ten[:6]}-{ten[6:]} och {hyphenated}</ssbt:felmeddelande>"
        "</ssbt:hamtaBastjanstInformationFault></detail>"
        "</soap:Fault></soap:Body></soap:Envelope>"
    ).encode()


def alter(envelope: bytes, mode: Mode, number: str) -> bytes:
    """The simulator's envelope, changed for `mode` in one place."""
    root = etree.fromstring(envelope, parser=_PARSER)
    svarsdata = root.find(
        f"{{{SOAP_ENV_NS}}}Body/{{*}}hamtaBastjanstInformationResponse/{{*}}svarsdata"
    )
    if svarsdata is None:
        raise RuntimeError("the simulator's answer has no svarsdata")

    def data_of(agency: str) -> etree._Element:
        found = svarsdata.find(f"{{*}}{agency}/{{*}}data")
        if found is None:
            raise RuntimeError(f"the simulator's answer has no data for {agency}")
        return found

    if mode in (Mode.XXE_ENVELOPE, Mode.LAUGHS_ENVELOPE):
        resultat = data_of("TNS").find("{*}resultat")
        assert resultat is not None
        resultat.text = _MARK
        doctype = (
            xxe_doctype("soap:Envelope")
            if mode is Mode.XXE_ENVELOPE
            else laughs_doctype("soap:Envelope")
        )
        return _with_entity(root, doctype, "&xxe;" if mode is Mode.XXE_ENVELOPE else "&lol9;")
    if mode in (Mode.XXE_SKV, Mode.LAUGHS_SKV):
        svar = data_of("SKV").find("{*}svar")
        assert svar is not None and svar.text
        svar.text = _poisoned_document(svar.text.encode(), mode is Mode.XXE_SKV).decode()
    elif mode in (Mode.XXE_CSN, Mode.LAUGHS_CSN):
        svar = data_of("CSN").find("{*}svar")
        assert svar is not None and svar.text
        document = base64.b64decode(svar.text)
        svar.text = base64.b64encode(_poisoned_document(document, mode is Mode.XXE_CSN)).decode()
    elif mode is Mode.HUGE:  # spliced in afterwards: serialising 50 MB would be slow
        etree.SubElement(data_of("TNS"), "Bilaga").text = _MARK
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8").replace(
            _MARK.encode(), b"A" * HUGE_BYTES
        )
    elif mode is Mode.DEEP:
        chain = "<Djup>" * DEEP_LEVELS + "botten" + "</Djup>" * DEEP_LEVELS
        data_of("TNS").append(etree.fromstring(chain, parser=_PARSER))
    elif mode is Mode.DEEP_JSON:
        svar = data_of("FK").find("{*}lefiJsonSvar")
        assert svar is not None
        nested = b"[" * DEEP_JSON_LEVELS + b"]" * DEEP_JSON_LEVELS
        svar.text = base64.b64encode(b'{"utlamnare": ' + nested + b"}").decode()
    elif mode is Mode.AGENCY_ERROR_PERSONAL:
        tns = data_of("TNS").getparent()
        namespace = etree.QName(tns).namespace
        tns.remove(data_of("TNS"))
        error = etree.SubElement(tns, f"{{{namespace}}}error")
        hyphenated = f"{number[:8]}-{number[8:]}"
        for name, value in (
            ("kalla", "BT"),
            ("felkod", number[2:]),
            ("felmeddelande", f"Inga fordon för {number}"),
            ("felmeddelande", f"Se {hyphenated} och {number[2:8]}-{number[8:]}"),
        ):
            etree.SubElement(error, f"{{{namespace}}}{name}").text = value
    else:
        raise ValueError(f"{mode} does not change the envelope")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _poisoned_document(document: bytes, xxe: bool) -> bytes:
    """An agency's XML document with a DOCTYPE and a reference to its entity in a new element."""
    root = etree.fromstring(document, parser=_PARSER)
    etree.SubElement(root, "Bilaga").text = _MARK
    local = etree.QName(root).localname
    name = f"{root.prefix}:{local}" if root.prefix else local
    doctype = xxe_doctype(name) if xxe else laughs_doctype(name)
    return _with_entity(root, doctype, "&xxe;" if xxe else "&lol9;")


def _with_entity(root: etree._Element, doctype: str, reference: str) -> bytes:
    body = etree.tostring(root, encoding="unicode").replace(_MARK, reference)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{body}'.encode()


class _SocketServer:
    """A minimal HTTP/1.1 server on a loopback port, in a thread and event loop of its own."""

    def __init__(self, upstream: FaultyUpstream) -> None:
        self.upstream = upstream
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.tasks: set[asyncio.Task[None]] = set()
        self.server: asyncio.Server | None = None

    def start(self) -> int:
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._connection, "127.0.0.1", 0), self.loop
        ).result(10)
        return self.server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def shutdown() -> None:
            if self.server is not None:
                self.server.close()
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self.tasks.discard(task)
            writer.close()
            with suppress(Exception):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *header_lines = head.split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        path, _, query = target.partition("?")
        mode = self.upstream.mode
        hamta = method == "POST" and b"hamtaBastjanstInformation" in body
        if hamta and mode is Mode.DROPPED:
            self.upstream.hamta_calls += 1
            return
        if hamta and mode is Mode.SILENT:
            self.upstream.hamta_calls += 1
            await reader.read()  # until the client gives up and closes
            return
        status, media_type, content = await self.upstream.respond(
            method, path, query, headers, body
        )
        writer.write(
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n"
            f"Content-Type: {media_type}\r\nContent-Length: {len(content)}\r\n"
            "Connection: close\r\n\r\n".encode("latin-1")
        )
        if hamta and mode is Mode.DRIP:
            for start in range(0, len(content), DRIP_BYTES):
                writer.write(content[start : start + DRIP_BYTES])
                await writer.drain()
                self.upstream.dripped += 1
                await asyncio.sleep(DRIP_PAUSE_S)
                if reader.at_eof():
                    return
            return
        writer.write(content)
        await writer.drain()


_REASONS = {200: "OK", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}


@contextmanager
def served(upstream: FaultyUpstream) -> Iterator[str]:
    """`upstream` on a free loopback port; yields its SSBTEK URL (`http://127.0.0.1:<port>/ssbtek`).
    Stopping it ends every connection still open (a never-answered or dripping one)."""
    server = _SocketServer(upstream)
    port = server.start()
    try:
        yield f"http://127.0.0.1:{port}/ssbtek"
    finally:
        server.stop()
