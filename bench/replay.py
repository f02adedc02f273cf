"""An SSBTEK that answers at once, for the bench: `python -m bench.replay --port P` serves the
simulator's contract (its WSDL, its checks, its people), but answers a question it has answered
before with the same bytes again, without building the answer anew. A question is the same when
its envelope is, but for `korrelationsid` and `frageTidpunkt`, which are new in every question.

The simulator builds its answers in its event loop (the huge LEFI answer in some 50 ms), so every
question behind such an answer waits for it: a stall of the simulator, not of the facade, that
the bench's row against "an SSBTEK that answers at once" must not count (`bench/stall.py`).
Never part of the product."""

from __future__ import annotations

import argparse
import re
from collections import OrderedDict
from typing import Any

import uvicorn

from simulator.app import SimulatorConfig, create_app

# What differs between two askings of the same question.
_VOLATILE = re.compile(rb"<([\w.-]+:)?(korrelationsid|frageTidpunkt)>[^<]*</([\w.-]+:)?\2>")
MAX_KEPT = 64


def replaying(app: Any) -> Any:
    """`app` (the simulator), with each answer to a question kept and given again at once."""
    kept: OrderedDict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    async def serve(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        key = _VOLATILE.sub(b"", body)
        held = kept.get(key)
        if held is None:
            held = await _answer_of(app, scope, body)
            if held[0] == 200:
                kept[key] = held
                while len(kept) > MAX_KEPT:
                    kept.popitem(last=False)
        status, headers, content = held
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    return serve


async def _answer_of(
    app: Any, scope: dict[str, Any], body: bytes
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The simulator's answer to one request, whole."""
    sent = False
    started: dict[str, Any] = {}
    content = b""

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal content
        if message["type"] == "http.response.start":
            started.update(message)
        else:
            content += message.get("body", b"")

    await app(scope, receive, send)
    return started["status"], list(started.get("headers", [])), content


def main() -> None:
    """Serve the replaying simulator on loopback."""
    parser = argparse.ArgumentParser(prog="python -m bench.replay")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = replaying(create_app(SimulatorConfig()))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
