"""A real `redis-server` on a free loopback port, started and stopped by the tests."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from tests.support.network import free_port


class RedisServer:
    """A running redis-server: its URL, a client to look inside, and stop/start."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = tempfile.mkdtemp(prefix="ssbtek-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start (or restart) the server on its port; wait until it answers."""
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", self.folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (as an outage would)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        """A plain client, to look at what Redis holds."""
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    async def wait_gone(self, keys: set[bytes]) -> None:
        """Return once Redis holds none of `keys` (they expired): waits on Redis's own clock,
        polling, rather than sleeping for a guessed time."""
        client = self.client()
        deadline = time.monotonic() + 30
        while any(client.exists(key) for key in keys):
            if time.monotonic() > deadline:
                raise TimeoutError("Redis still holds the keys")
            await asyncio.sleep(0.02)


def redis_binary() -> str | None:
    """The redis-server command, if installed (the Makefile installs it when root)."""
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A redis-server for the duration of the block."""
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
    server = RedisServer(binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
