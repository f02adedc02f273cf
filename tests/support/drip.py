"""Slow clients: a connection that sends the start of a request, then one byte at a time, and
sees what the server answers and when it closes the connection (tests/test_connections.py,
bench/connections.py)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

# A header that never ends, and a body that never ends (1000 bytes announced).
HEAD_DRIP = b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: "
BODY_DRIP = (
    b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000\r\n\r\n{"
)


@dataclass
class Drip:
    """What a dripping client saw: when it had connected (the loop's clock), the bytes it was
    answered, and when the server closed the connection (None: still open when it gave up)."""

    connected_at: float
    answer: bytes
    closed_at: float | None

    @property
    def status(self) -> str:
        """The answer's HTTP status, or "closed" when the server answered nothing."""
        return self.answer.split(b" ", 2)[1].decode() if self.answer else "closed"


async def drip(port: int, first: bytes, every_s: float, give_up_s: float) -> Drip:
    """Connect to a loopback port, send `first`, then one byte every `every_s` until the server
    closes the connection or `give_up_s` has passed."""
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    connected_at = loop.time()
    writer.write(first)

    async def one_byte_at_a_time() -> None:
        with contextlib.suppress(OSError):
            while not writer.is_closing():
                await asyncio.sleep(every_s)
                writer.write(b"x")
                await writer.drain()

    dripping = asyncio.create_task(one_byte_at_a_time())
    answer = bytearray()
    closed_at = None
    try:
        async with asyncio.timeout(give_up_s):
            with contextlib.suppress(ConnectionResetError):
                while chunk := await reader.read(65536):
                    answer += chunk
            closed_at = loop.time()
    except TimeoutError:
        pass
    finally:
        dripping.cancel()
        writer.close()
    return Drip(connected_at, bytes(answer), closed_at)
