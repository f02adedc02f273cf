"""What the tests and the benchmarks share: environments, the facade and the simulator run
in-process (httpx's ASGI transport, no socket) or on loopback ports (uvicorn), and values that
several test modules use. Test modules import from here, never from each other."""

from tests.support.env import (
    AUDIT_SECRET,
    CASEWORKER,
    PERIOD,
    REQUESTER,
    facade_env,
    valid_personnummer,
)
from tests.support.inprocess import (
    Facade,
    Simulator,
    asgi_client,
    facade,
    facade_app,
    post_scope,
    simulator,
)
from tests.support.network import command, free_port, served_facade, served_simulator, serving
from tests.support.waiting import eventually, until

__all__ = [
    "AUDIT_SECRET",
    "CASEWORKER",
    "PERIOD",
    "REQUESTER",
    "Facade",
    "Simulator",
    "asgi_client",
    "command",
    "eventually",
    "facade",
    "facade_app",
    "facade_env",
    "free_port",
    "post_scope",
    "served_facade",
    "served_simulator",
    "serving",
    "simulator",
    "until",
    "valid_personnummer",
]
