"""The SOAP client for SSBTEK: zeep's AsyncClient over httpx, with timeouts, mTLS and a limit on
concurrent upstream calls. Answers are returned as XML elements for the project's lenient
decoders; zeep builds and sends the question."""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass
from typing import Any

import httpx
from lxml import etree
from zeep import AsyncClient, Settings
from zeep.transports import AsyncTransport

from resolvers.contract import SsbtVersion
from resolvers.errors import (
    UpstreamInvalidResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from resolvers.soap import body_element

# zeep logs whole SOAP messages at DEBUG: personal data that must never reach a log.
logging.getLogger("zeep.transports").setLevel(logging.WARNING)


@dataclass(frozen=True)
class ClientConfig:
    """How to reach SSBTEK."""

    url: str
    version: SsbtVersion = SsbtVersion.V11
    wsdl: str | None = None
    connect_timeout_s: float = 5.0
    timeout_s: float = 30.0
    max_concurrency: int = 8
    cert_file: str | None = None
    key_file: str | None = None
    ca_file: str | None = None

    @property
    def wsdl_location(self) -> str:
        """The WSDL zeep loads: the configured one, or the project's own for the version."""
        return self.wsdl or str(self.version.wsdl_path)


class WsdlError(Exception):
    """The WSDL (or a schema it includes) could not be loaded."""


def tls_context(config: ClientConfig) -> ssl.SSLContext | bool:
    """The TLS settings for httpx: a context with the client certificate and CA, if configured."""
    if not (config.cert_file or config.ca_file):
        return True
    context = ssl.create_default_context(cafile=config.ca_file)
    if config.cert_file:
        context.load_cert_chain(config.cert_file, config.key_file)
    return context


class SsbtekClient:
    """Calls `hamtaBastjanstInformation` and `testaBastjanstInformation`."""

    def __init__(
        self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        verify = tls_context(config)
        timeout = httpx.Timeout(config.timeout_s, connect=config.connect_timeout_s)
        self._http = httpx.AsyncClient(timeout=timeout, verify=verify, transport=transport)
        wsdl_http = httpx.Client(timeout=timeout, verify=verify)
        try:
            zeep_client = AsyncClient(
                config.wsdl_location,
                transport=AsyncTransport(client=self._http, wsdl_client=wsdl_http),
                settings=Settings(raw_response=True, strict=False, xml_huge_tree=True),
            )
        except Exception as exc:  # zeep, lxml and httpx raise many kinds while loading a WSDL
            raise WsdlError(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
        finally:
            wsdl_http.close()
        self._service = zeep_client.create_service(
            f"{{{config.version.namespace}}}BastjanstInformationInterfaceSoapBinding", config.url
        )
        self._limit = asyncio.Semaphore(config.max_concurrency)

    async def hamta(self, question: dict[str, Any]) -> etree._Element:
        """Send one question; return the `hamtaBastjanstInformationResponse` element."""
        return await self._call("hamtaBastjanstInformation", question)

    async def testa(self) -> etree._Element:
        """Send the connectivity probe; return the `testaBastjanstInformationResponse` element."""
        return await self._call("testaBastjanstInformation", {})

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def _call(self, operation: str, arguments: dict[str, Any]) -> etree._Element:
        # The deadline covers the wait for a free upstream slot too: a queue never waits forever.
        try:
            async with asyncio.timeout(self.config.connect_timeout_s + self.config.timeout_s):
                async with self._limit:
                    response = await getattr(self._service, operation)(**arguments)
        except (TimeoutError, httpx.TimeoutException):
            raise UpstreamTimeout("SSBTEK did not answer in time") from None
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(
                f"SSBTEK could not be reached ({type(exc).__name__})"
            ) from None
        return _answer_element(response.status_code, response.content, operation)


def _answer_element(status: int, content: bytes, operation: str) -> etree._Element:
    try:
        element = body_element(content)
    except UpstreamInvalidResponse:
        if status >= 400:
            raise UpstreamUnavailable(
                f"SSBTEK answered HTTP {status} without a SOAP fault"
            ) from None
        raise
    if status >= 400:
        raise UpstreamUnavailable(f"SSBTEK answered HTTP {status} without a SOAP fault")
    if etree.QName(element).localname != f"{operation}Response":
        raise UpstreamInvalidResponse(f"SSBTEK's answer is not a {operation}Response")
    return element
