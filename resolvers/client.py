"""The SOAP client for SSBTEK over httpx, with timeouts, mTLS and a limit on concurrent upstream
calls. zeep loads the WSDL at start-up (each operation's element and SOAP action); the envelope
is written by `resolvers/envelope.py`; answers are returned as XML elements for the project's
lenient decoders, or read where they are parsed."""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, overload

import httpx
from lxml import etree
from opentelemetry import propagate, trace
from zeep import AsyncClient, Settings
from zeep.transports import AsyncTransport

from resolvers import collector
from resolvers.contract import SsbtVersion
from resolvers.courtesy import giving_way_to
from resolvers.envelope import envelope
from resolvers.errors import (
    UpstreamInvalidResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from resolvers.limiter import FairLimiter
from resolvers.soap import body_element
from resolvers.tracing import enabled as tracing_enabled

# zeep logs whole SOAP messages at DEBUG: personal data that must never reach a log.
logging.getLogger("zeep.transports").setLevel(logging.WARNING)

log = logging.getLogger(__name__)

T = TypeVar("T")
# An answer up to this size is parsed and read on the event loop (well under a millisecond): a
# worker thread's hand-over (a wake-up of the loop through its self-pipe, the interpreter
# passed back and forth) costs more than that. A larger one is parsed and read in one worker
# thread, the loop free meanwhile.
INLINE_ANSWER_BYTES = 16 * 1024


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
    max_answer_bytes: int = 64 * 1024 * 1024

    @property
    def wsdl_location(self) -> str:
        """The WSDL zeep loads: the configured one, or the project's own for the version."""
        return self.wsdl or str(self.version.wsdl_path)


class AnswerTooLarge(Exception):
    """SSBTEK's answer grew past `max_answer_bytes` while it was read."""


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes | None:
    """A streamed response's decoded body, or None as soon as it grows past `max_bytes`."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            return None
    return bytes(body)


_DECODED_HEADERS = (b"content-encoding", b"content-length", b"transfer-encoding")


class CappedTransport(AsyncTransport):
    """zeep's transport, reading SSBTEK's answer as a stream and stopping past a size: an answer
    too large to decode in reasonable time and memory is refused before it is all read."""

    def __init__(self, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]  # zeep: not annotated
        self.max_bytes = max_bytes

    async def post(self, address: str, message: Any, headers: Any) -> httpx.Response:
        """POST the envelope and read the answer up to the size limit, with the trace's
        `traceparent` (W3C) when a trace is recorded."""
        if tracing_enabled():
            headers = dict(headers)
            propagate.inject(headers)
        async with self.client.stream(
            "POST", address, content=message, headers=headers
        ) as response:
            body = await read_capped(response, self.max_bytes)
            if body is None:
                raise AnswerTooLarge
            # The body is decoded already (gzip and the like): the new response must not say
            # it is encoded, or it would be decoded twice.
            headers = [
                (name, value)
                for name, value in response.headers.raw
                if name.lower() not in _DECODED_HEADERS
            ]
            return httpx.Response(
                response.status_code, headers=headers, content=bytes(body), request=response.request
            )


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
        self._http = httpx.AsyncClient(
            timeout=timeout,
            verify=verify,
            transport=transport,
            event_hooks={"request": [_trace_handshake]},
        )
        wsdl_http = httpx.Client(timeout=timeout, verify=verify)
        self._transport = CappedTransport(
            config.max_answer_bytes, client=self._http, wsdl_client=wsdl_http
        )
        try:
            zeep_client = AsyncClient(
                config.wsdl_location,
                transport=self._transport,
                # For reading the WSDL: zeep sends no call (resolvers/envelope.py writes them).
                settings=Settings(strict=False, xml_huge_tree=True),
            )
            binding = zeep_client.wsdl.bindings[
                f"{{{config.version.namespace}}}BastjanstInformationInterfaceSoapBinding"
            ]
            # What each call needs of the WSDL: its element's name and its SOAP action. The
            # envelope itself is written by `resolvers/envelope.py`.
            self._operations = {
                name: (
                    operation.input.body.qname.text,
                    {
                        "SOAPAction": f'"{operation.soapaction or ""}"',
                        "Content-Type": "text/xml; charset=utf-8",
                    },
                )
                for name, operation in binding.all().items()
            }
        except Exception as exc:  # zeep, lxml and httpx raise many kinds while loading a WSDL
            raise WsdlError(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
        finally:
            wsdl_http.close()
        self.limiter = FairLimiter(config.max_concurrency)

    @overload
    async def hamta(
        self, question: dict[str, Any], asker: str = "", read: None = None
    ) -> etree._Element: ...

    @overload
    async def hamta(
        self, question: dict[str, Any], asker: str = "", *, read: Callable[[etree._Element], T]
    ) -> T: ...

    async def hamta(
        self,
        question: dict[str, Any],
        asker: str = "",
        read: Callable[[etree._Element], T] | None = None,
    ) -> etree._Element | T:
        """Send one question for `asker` (who asks, for the fair share of the upstream slots);
        return the `hamtaBastjanstInformationResponse` element, or what `read` makes of it
        where it was parsed (for a large answer in the same worker thread: `_read_answer`)."""
        return await self._call("hamtaBastjanstInformation", question, asker, read)

    @overload
    async def testa(self, read: None = None) -> etree._Element: ...

    @overload
    async def testa(self, read: Callable[[etree._Element], T]) -> T: ...

    async def testa(self, read: Callable[[etree._Element], T] | None = None) -> etree._Element | T:
        """Send the connectivity probe; return the `testaBastjanstInformationResponse` element,
        or what `read` makes of it."""
        return await self._call("testaBastjanstInformation", {}, "probe", read)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def _call(
        self,
        operation: str,
        arguments: dict[str, Any],
        asker: str,
        read: Callable[[etree._Element], T] | None,
    ) -> etree._Element | T:
        # One deadline covers the wait for a slot and the call: a queue never waits forever, and a
        # call that could not finish in the time left is not started (UPSTREAM_BUSY).
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.connect_timeout_s + self.config.timeout_s
        await self.limiter.acquire(asker, deadline)
        started = loop.time()
        took: float | None = None
        try:
            element, headers = self._operations[operation]
            message = envelope(element, arguments)
            async with asyncio.timeout_at(deadline):
                response = await self._transport.post(self.config.url, message, headers)
            took = loop.time() - started
        except (TimeoutError, httpx.TimeoutException):
            raise UpstreamTimeout("SSBTEK did not answer in time") from None
        except AnswerTooLarge:
            raise UpstreamInvalidResponse(
                f"SSBTEK's answer is larger than {self.config.max_answer_bytes} bytes"
            ) from None
        except httpx.TransportError as exc:
            tls = tls_failure(exc)
            if tls is None:
                raise UpstreamUnavailable(
                    f"SSBTEK could not be reached ({type(exc).__name__})"
                ) from None
            reason = f"SSBTEK could not be reached: TLS failed ({tls})"
            log.warning(reason)
            raise UpstreamUnavailable(reason) from None
        finally:
            self.limiter.release(asker, took)
        if tracing_enabled():
            trace.get_current_span().set_attribute("ssbtek.answer_bytes", len(response.content))
        if len(response.content) <= INLINE_ANSWER_BYTES:
            return _read_answer(response.status_code, response.content, operation, read)
        # In a worker thread with the collector's passes paused: the parse's and the JSON's
        # temporaries die unwalked, and what the decoding keeps is walked after (passes run
        # meanwhile only while the worker gives way to the loop: `resolvers/collector.py`).
        work = partial(_read_answer, response.status_code, response.content, operation, read)
        courteous = partial(giving_way_to, loop, threading.get_ident(), work)
        return await asyncio.to_thread(collector.paused, courteous)


class _HandshakeTrace:
    """httpcore's `trace` extension for one request: did its own connection just finish the
    TLS handshake, and has an answer begun to arrive since?"""

    def __init__(self) -> None:
        self.handshake_done = False
        self.answered = False

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "connection.start_tls.complete":
            self.handshake_done = True
        elif event.endswith(".receive_response_headers.complete"):
            self.answered = True


async def _trace_handshake(request: httpx.Request) -> None:
    request.extensions["trace"] = _HandshakeTrace()


def tls_failure(exc: httpx.TransportError) -> str | None:
    """Whether a failed call failed in TLS: the exception class names to log, or None.

    Only class names are given, never messages: those can name certificates and files.

    It was TLS when an `ssl.SSLError` is anywhere in the cause chain: a server certificate that
    does not verify, a TLS alert, a handshake broken off. With TLS 1.3 the client has finished
    its handshake before the server checks the client certificate, so a server that refuses the
    certificate (or gets none) can only close the connection; uvicorn sends no alert, so the
    first write or read fails with a reset, a broken pipe or an EOF. That counts as TLS too when
    the request's own connection had just finished the handshake and no answer had begun.
    """
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    names = " <- ".join(dict.fromkeys(type(e).__name__ for e in chain))  # httpx's, httpcore's
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return names
    if not isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError):
        return None
    try:
        trace = exc.request.extensions.get("trace")
    except RuntimeError:  # no request attached
        return None
    if isinstance(trace, _HandshakeTrace) and trace.handshake_done and not trace.answered:
        return f"closed after the handshake, as when the client certificate is refused: {names}"
    return None


def _read_answer(
    status: int, content: bytes, operation: str, read: Callable[[etree._Element], T] | None
) -> etree._Element | T:
    """The answer element, parsed once, or what `read` makes of it."""
    element = _answer_element(status, content, operation)
    return element if read is None else read(element)


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
