"""Lines that come in floods under attack are logged once per interval with a count of those held
back (graph/logs.py EveryInterval): asyncio's failed accepts when the process is out of files."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import resource
import socket

import httpx
import pytest

from graph.logs import REPEATED_LINES, EveryInterval
from tests.support import command, free_port

ACCEPT_FAILED = "socket.accept() out of system resource"


def test_a_flood_of_failed_accepts_is_logged_once_per_interval() -> None:
    """Provoked for real: the facade's process may open 64 files, and 200 connections come at
    once. asyncio logs every failed accept (hundreds here); the facade one line per interval."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    # Connections that send nothing are closed after a second (graph/connections.py).
    env = {"SSBTEK_HEADER_TIMEOUT_S": "1", "SSBTEK_LOG_FORMAT": "text"}
    serving = command(
        ["serve", "--port", str(port)], f"{base}/readyz", env, capture=True, preexec_fn=few_files
    )
    with serving as process:
        flood = [socket.socket() for _ in range(200)]
        for sock in flood:
            sock.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                sock.connect(("127.0.0.1", port))
        with contextlib.suppress(httpx.TransportError):  # out of files: it cannot be taken
            httpx.get(f"{base}/healthz", timeout=1)
        for sock in flood:
            sock.close()
        for _ in range(100):  # the facade accepts again once the flood has gone
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
        answered = httpx.get(f"{base}/healthz", timeout=10).status_code
    lines = [line for line in process.output.splitlines() if ACCEPT_FAILED in line]
    assert answered == 200
    assert 1 <= len(lines) <= 2, lines[:5]
    assert "ERROR asyncio" in lines[0] and "Too many open files" in lines[0]
    assert "Traceback" not in process.output, process.output[-3000:]
    # A hard limit of 64 files cannot be raised: the facade says that it is too low.
    assert "this process may open 64 files, fewer than SSBTEK_MAX_CONNECTIONS" in process.output


def test_held_back_lines_are_counted_in_the_next(caplog: pytest.LogCaptureFixture) -> None:
    """asyncio's own handler called as it does on every failed accept, 100 times a second for
    25 s: three lines, the second and third saying how many were held back."""
    now = [0.0]
    once = EveryInterval(REPEATED_LINES["asyncio"], interval_s=10, clock=lambda: now[0])
    asyncio_log = logging.getLogger("asyncio")
    kept, asyncio_log.filters = asyncio_log.filters, [once]
    loop = asyncio.new_event_loop()
    failed = {
        "message": ACCEPT_FAILED,
        "exception": OSError(errno.EMFILE, "Too many open files"),
        "socket": None,
    }
    try:
        with caplog.at_level(logging.ERROR, logger="asyncio"):
            for second in range(25):
                now[0] = float(second)
                for _ in range(100):
                    loop.call_exception_handler(failed)
            loop.call_exception_handler({"message": "another problem"})
    finally:
        asyncio_log.filters = kept
        loop.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "asyncio"]
    line = f"{ACCEPT_FAILED} (OSError: [Errno 24] Too many open files)"
    assert lines == [
        line,
        f"{line} [999 more like it in the last 10 s not logged]",
        f"{line} [999 more like it in the last 10 s not logged]",
        "another problem",
    ]
