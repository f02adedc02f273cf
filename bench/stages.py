"""Where a full miss's CPU goes (issue 23, item 2): everything for one person, cache off, the
simulator's latency off, the facade in this process with its answer read and completed on the
event loop, so that one thread does all of it; the CPU of that thread for each stage, by
counters wrapped around the stage's function (the outermost call only), and for the whole
request; then the C libraries' own work on the same answer alone (parsing it, writing the
facade's answer, building its objects), the floor compiled code would stand on.
`python -m bench.stages` prints them."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import os
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import msgspec
import orjson
from lxml import etree

import graph.view
import resolvers.audit
import resolvers.client
import resolvers.decode.answer
import schema.execution
import schema.planned_execution
import schema.planner
from bench.direct import RawZeep
from bench.harness import ALLA
from bench.selection import question_of, simulator_process
from graph.app import create_app, tune_serving_process
from graph.settings import load_settings
from tests.support import CASEWORKER, PERIOD, facade_env, post_scope
from tests.support.queries import everything

spent: defaultdict[str, float] = defaultdict(float)
_inside: Counter[str] = Counter()


# A base64 payload inside the SOAP answer (whitespace allowed).
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")


def _counted(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, its outermost calls' CPU (of the calling thread) added to `stage`."""

    @functools.wraps(function)
    def counted(*args: Any, **kwargs: Any) -> Any:
        if _inside[stage]:
            return function(*args, **kwargs)
        _inside[stage] += 1
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[stage] += time.thread_time() - started
            _inside[stage] -= 1

    return counted


def _count_stages() -> None:
    """Counters around each stage; every answer read and every completion on the loop."""
    resolvers.client.INLINE_ANSWER_BYTES = 1 << 40
    schema.execution.HEAVY_S = float("inf")
    for module, name, stage in (
        (resolvers.client, "envelope", "the question's envelope"),
        (resolvers.client, "body_element", "the SOAP answer parsed"),
        (resolvers.client, "_read_answer", "the answer parsed and decoded"),
        (schema.planned_execution, "plan_operation", "planning"),
        (graph.view, "encode_answer", "the JSON encoded"),
    ):
        setattr(module, name, _counted(stage, getattr(module, name)))
    decoders = resolvers.decode.answer.DECODERS
    for agency, decode in list(decoders.items()):
        decoders[agency] = _counted(f"  decoded: {agency.value}", decode)
    context = schema.execution.FacadeExecutionContext
    context._complete = _counted("the compiled completions", context._complete)  # type: ignore[method-assign]
    trail = resolvers.audit.AuditTrail
    trail.question = _counted("the audit line", trail.question)  # type: ignore[method-assign]


async def _request(app: Any, body: bytes) -> bytes:
    """One POST to /graphql through the ASGI app, no socket; the response body."""
    sent = False
    answer: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # the client stays connected
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        answer.append(message.get("body", b""))

    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-handlaggare", CASEWORKER.encode()),
    ]
    scope = post_scope(headers, client_port=40000)
    await app(scope, receive, send)
    return b"".join(answer)


def measure(requests: int = 40) -> dict[str, float]:
    """Milliseconds of CPU per request, by stage, and for the whole request (its median)."""
    _count_stages()
    with simulator_process(latency=False) as sim_url:
        env = facade_env(sim_url, SSBTEK_AUDIT_FILE=os.devnull, SSBTEK_TIMEOUT_S="30")
        app = create_app(load_settings(env), served_host="127.0.0.1")
        tune_serving_process()
        variables = {"pnr": ALLA, "period": PERIOD}
        body = json.dumps({"query": everything("bench"), "variables": variables}).encode()
        answers: list[bytes] = []

        async def run() -> list[float]:
            for _ in range(5):  # warm: imports, connections, compiled completions
                answer = await _request(app, body)
                if b'"errors"' in answer[:200]:
                    raise RuntimeError("the bench's question failed")
            answers.append(answer)
            spent.clear()
            whole = []
            for _ in range(requests):
                started = time.thread_time()
                await _request(app, body)
                whole.append(time.thread_time() - started)
            return whole

        whole = asyncio.run(run())
        figures = {stage: cpu * 1000 / requests for stage, cpu in sorted(spent.items())}
        figures["the whole request (median)"] = statistics.median(whole) * 1000
        question = question_of(sim_url, everything("bench"), variables)
        soap = RawZeep(sim_url).client.service.hamtaBastjanstInformation(**question).content
    figures.update(c_libraries_alone(soap, answers[0]))
    return figures


def _cpu_ms(work: Callable[[], object], times: int = 200) -> float:
    work()
    started = time.process_time()
    for _ in range(times):
        work()
    return (time.process_time() - started) * 1000 / times


def c_libraries_alone(soap: bytes, answer: bytes) -> dict[str, float]:
    """What the C libraries' own work on this answer costs, without the facade's Python around
    it: the floor that compiled code decoding and writing the typed answer would stand on."""
    envelope = etree.fromstring(soap)
    encoded = [
        item.text
        for item in envelope.iter()
        if isinstance(item.tag, str) and item.text and len(item.text) > 1000
        if _BASE64.fullmatch(item.text)
    ]
    payloads = [base64.b64decode(text) for text in encoded]
    json_payloads = [p for p in payloads if p.lstrip()[:1] in (b"{", b"[")]
    xml_payloads = [p for p in payloads if p.lstrip()[:1] == b"<"]
    objects = orjson.loads(answer)
    return {
        "C alone: the SOAP answer by lxml": _cpu_ms(lambda: etree.fromstring(soap)),
        "C alone: its base64 payloads": _cpu_ms(lambda: [base64.b64decode(t) for t in encoded]),
        "C alone: their JSON by msgspec": _cpu_ms(
            lambda: [msgspec.json.decode(p) for p in json_payloads]
        ),
        "C alone: their XML by lxml": _cpu_ms(lambda: [etree.fromstring(p) for p in xml_payloads]),
        "C alone: the answer written by orjson": _cpu_ms(lambda: orjson.dumps(objects)),
        "C alone: the answer's objects built": _cpu_ms(lambda: orjson.loads(answer)),
    }


def main() -> None:
    """Print the stages."""
    for stage, ms in measure().items():
        print(f"{stage:<40} {ms:7.2f} ms")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
