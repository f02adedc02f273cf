"""`serve --workers N`: uvicorn's supervisor, each worker listening on a socket of its own.

With one listening socket shared by the workers, asyncio accepts every connection waiting on it
in whichever worker wakes first, so a burst of new keep-alive connections (a gateway's pool, a
load generator's) lands on one worker and stays there while the others idle
(docs/performance.md, Workers). Here each worker has its own socket on the same address, bound
with `SO_REUSEPORT`, and the kernel spreads new connections between them. A worker that is
replaced (it died, or the supervisor restarts them all) gets its predecessor's socket."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

from uvicorn.config import Config
from uvicorn.supervisors import Multiprocess


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets bound to `host`:`port` with SO_REUSEPORT (port 0: the port the first
    one was given), for the workers to listen on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        port = sock.getsockname()[1]
        sockets.append(sock)
    return sockets


class _Workers(list[Any]):
    """The supervisor's list of worker processes. uvicorn makes each replacement inside a walk
    over this list (`enumerate(self.processes)`): the walk tells the supervisor which worker's
    place, and so which socket, is being served."""

    def __init__(self, supervisor: SpreadingMultiprocess) -> None:
        super().__init__()
        self.supervisor = supervisor

    def __iter__(self) -> Iterator[Any]:
        try:
            for index, process in enumerate(super().__iter__()):
                self.supervisor.place = index
                yield process
        finally:
            self.supervisor.place = None


class SpreadingMultiprocess(Multiprocess):
    """uvicorn's `Multiprocess`, worker i serving `sockets[i]` only."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        self.own = sockets
        # The place whose worker is being made: set while uvicorn walks the processes; while it
        # makes them first, the next place.
        self.place: int | None = None
        super().__init__(config, sockets)
        self.processes = _Workers(self)

    @property
    def sockets(self) -> list[socket.socket]:
        """The socket of the worker being made (uvicorn passes `self.sockets` to each)."""
        place = len(self.processes) if self.place is None else self.place
        return [self.own[place % len(self.own)]]

    @sockets.setter
    def sockets(self, _sockets: list[socket.socket]) -> None:
        pass  # uvicorn's constructor sets them: each worker's own is kept in `own`
