"""Decoding the huge LEFI answers (issue 23): the decoder beside the one before it, in one
process and interleaved, and decoding in a thread beside decoding in a process pool, by what the
serving process pays.

Two answers of the simulator's person with several MB of LEFI (195804121233, `omfattande`),
both over two years: the bench's HUGE question (`bench.harness`, the one `bench/stall.py` asks:
sjukpenning and every payment), and everything LEFI has (every group of every class). Each is
the raw SOAP answer the facade receives; what is timed starts at its FK `data` element.

- In-process: the decoder (`resolvers.decode.lefi.decode`) and the one before it (base64, the json
  module with Decimal, `reference_normalise`), alternately, `rounds` times each; medians, ranges
  and their ratio, and the decoder's three steps (base64, JSON, readers); its readers beside
  the general reading; its JSON (msgspec with Decimal) beside the json module with Decimal (the
  way before), orjson with the checks that would keep every digit LEFI sent (`orjson_exact`, a
  prototype measured, not used) and orjson alone.
- Offloading: the serving process's event loop awaits one decode, `rounds` times, either in a
  thread (`asyncio.to_thread`, as `resolvers/loader.py` does) or in a process pool (the base64
  text pickled to a worker, the decoded answer pickled back and unpickled in the serving process,
  whole or, a prototype, in pieces unpickled in a thread: `decoded_in_pieces`).
  Measured there: the wall time, the CPU time of the serving process (all its threads), and the
  lag of its loop (a task asking to wake every millisecond). The process is tuned as a serving
  one is (`graph.app.tune_serving_process`: start-up frozen out of the collector, 1 ms switches).

`python -m bench.decode` prints the figures; `make bench` adds its rows (`bench/__main__.py`).
Figures only: nothing here is asserted.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import pickle
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any

import orjson
from lxml import etree

import resolvers.client
from bench.harness import HUGE, HUGE_PERSON, TWO_YEARS, compared
from bench.harness import median_range as spread
from bench.harness import ratio as _ratio
from resolvers.contract import SsbtVersion
from resolvers.decode import lefi
from resolvers.xmlread import base64_of, text
from tests.support import facade, facade_env, simulator
from tests.support.raw_soap import answer_element, envelope, everything, hamta_question

TICK_S = 0.001

# orjson reads a number with a fraction as a float. Where the JSON text of every such number is
# what `repr` writes for its float (no exponent, at most 7 digits on each side of the point, no
# trailing zero but in `X.0`, not below 0.0001), `Decimal(repr(f))` has LEFI's digits; these
# look for any text that could break that (in strings too: they only send a text to the json
# module), and for integers of 19 digits or more, which orjson reads as floats.
_UNSAFE_FRACTION = re.compile(rb"\.(?:(?<=[0-9]{8}\.)|[0-9]*[0-9]0(?![0-9])|[0-9]{8}|0000)")
_EXPONENTS = (re.compile(rb"e(?<=[0-9]e)"), re.compile(rb"E(?<=[0-9]E)"))
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def orjson_exact(raw: bytes, floats: list[float]) -> Any:
    """A prototype measured against the json module and msgspec: orjson where the checks above
    find nothing, the json module otherwise; and each of the document's `floats` made the Decimal of
    its `repr`, as readers would make them where they read one (the floats are found before the
    timing: a walk of the document to find them would be per-value work readers do not need)."""
    if (
        _UNSAFE_FRACTION.search(raw)
        or any(e.search(raw) for e in _EXPONENTS)
        or b"0" * 19 in raw.translate(_DIGITS_AS_ZERO)
    ):
        return lefi.read_json(raw)
    document = orjson.loads(raw)
    for number in floats:
        Decimal(repr(number))
    return document


def _floats(value: Any) -> list[float]:
    found: list[float] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
        elif type(item) is float:
            found.append(item)
    return found


def captured_answers() -> dict[str, bytes]:
    """The raw SOAP answers: the HUGE question's, as the facade asks it, and everything's."""
    received: list[bytes] = []
    original = resolvers.client._answer_element

    def keep(status: int, content: bytes, operation: str) -> Any:
        received.append(content)
        return original(status, content, operation)

    resolvers.client._answer_element = keep
    try:
        with simulator() as sim, facade(facade_env(sim.url, SSBTEK_TIMEOUT_S="60")) as api:
            answer = api.query(HUGE, {"pnr": HUGE_PERSON, "period": TWO_YEARS})
            assert "errors" not in answer, answer["errors"]
            version = SsbtVersion("11")
            question = hamta_question(
                version.namespace,
                HUGE_PERSON,
                TWO_YEARS,
                everything(version, HUGE_PERSON, TWO_YEARS, "bench"),
            )
            whole = sim.call(
                "POST", content=envelope(question), headers={"content-type": "text/xml"}
            )
    finally:
        resolvers.client._answer_element = original
    return {"huge": received[-1], "everything": whole.content}


def fk_data(content: bytes) -> etree._Element:
    """The FK `data` element of a raw SOAP answer."""
    data = answer_element(content).find("{*}svarsdata/{*}FK/{*}data")
    assert data is not None, "no FK data in the answer"
    return data


def decode_before(data: etree._Element) -> dict[str, Any]:
    """The decoder before issue 23: base64 after taking out blanks, the json module with
    Decimal, and the general reading value by value."""
    raw = base64_of(data, "lefiJsonSvar", "lefiJsonSvar")
    document = json.loads(raw, parse_float=Decimal)
    return lefi.reference_normalise(document, lefi.lefi_model()["root"])


def _ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def in_process(data: etree._Element, rounds: int) -> dict[str, Any]:
    """The decoder and the one before it, alternately (which goes first alternates too)."""
    before: list[float] = []
    after: list[float] = []
    lefi.decode(data)  # each reader compiled once, before the timing
    for turn in range(rounds):
        pair = [(before, lambda: decode_before(data)), (after, lambda: lefi.decode(data))]
        for timings, call in pair if turn % 2 else pair[::-1]:
            timings.append(_ms(call))
    encoded = text(data, "lefiJsonSvar") or ""
    raw = lefi._base64(encoded)
    document = json.loads(raw, parse_float=Decimal)
    root = lefi.lefi_model()["root"]
    steps = {
        "base64": [_ms(lambda: lefi._base64(encoded)) for _ in range(rounds)],
        "json": [_ms(lambda: lefi.json_document(raw)) for _ in range(rounds)],
        "readers": [_ms(lambda: lefi.normalise(document, root)) for _ in range(rounds)],
    }
    readers_ms: list[float] = []
    general_ms: list[float] = []
    for _ in range(rounds):
        readers_ms.append(_ms(lambda: lefi.normalise(document, root)))
        general_ms.append(_ms(lambda: lefi.reference_normalise(document, root)))
    floats = _floats(orjson.loads(raw))
    json_ms: list[float] = []
    msgspec_ms: list[float] = []
    orjson_ms: list[float] = []
    alone_ms: list[float] = []
    for _ in range(rounds):
        json_ms.append(_ms(lambda: lefi.read_json(raw)))
        msgspec_ms.append(_ms(lambda: lefi.json_document(raw)))
        orjson_ms.append(_ms(lambda: orjson_exact(raw, floats)))
        alone_ms.append(_ms(lambda: orjson.loads(raw)))
    return {
        "json_bytes": len(raw),
        "floats": len(floats),
        "before_ms": before,
        "after_ms": after,
        "steps_ms": steps,
        "readers_ms": readers_ms,
        "general_ms": general_ms,
        "json_ms": json_ms,
        "msgspec_ms": msgspec_ms,
        "orjson_exact_ms": orjson_ms,
        "orjson_alone_ms": alone_ms,
    }


async def _awaited(decode: Callable[[], Any]) -> dict[str, float]:
    """One decode awaited on this loop: its wall time, this process's CPU time meanwhile, and
    the loop's lag (how late a task asking to wake every millisecond woke)."""
    lags: list[float] = []
    done = False

    async def tick() -> None:
        while not done:
            asked = time.perf_counter()
            await asyncio.sleep(TICK_S)
            lags.append((time.perf_counter() - asked - TICK_S) * 1000)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.01)
    lags.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    await decode()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done = True
    await ticker
    ordered = sorted(lags) or [0.0]
    return {
        "wall_ms": wall * 1000,
        "cpu_ms": cpu * 1000,
        "lag_max_ms": ordered[-1],
        "lag_p99_ms": ordered[max(0, -(-len(ordered) * 99 // 100) - 1)],
    }


# A pool's answer in pieces (`decoded_in_pieces`): lists longer than this are sent as pieces of
# this many items, each pickled on its own.
PIECE_ITEMS = 64


def decoded_in_pieces(encoded: str) -> list[bytes]:
    """In a pool's worker: the decoded answer pickled in pieces, so that the serving process can
    unpickle it a piece at a time, handing the interpreter back between pieces: the answer with
    its long lists left empty, then each list's items, `PIECE_ITEMS` at a time, with the path
    of their list. (A prototype measured, not used.)"""
    answer = lefi.decode_payload(encoded)
    pieces: list[bytes] = []

    def cut(value: Any, path: tuple[str, ...]) -> None:
        if type(value) is not dict:
            return
        for key, item in value.items():
            if type(item) is list and len(item) > PIECE_ITEMS:
                for start in range(0, len(item), PIECE_ITEMS):
                    piece = (*path, key), item[start : start + PIECE_ITEMS]
                    pieces.append(pickle.dumps(piece, protocol=pickle.HIGHEST_PROTOCOL))
                value[key] = []
            else:
                cut(item, (*path, key))

    cut(answer, ())
    return [pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL), *pieces]


def joined(pieces: list[bytes]) -> dict[str, Any]:
    """In the serving process: the answer `decoded_in_pieces` sent, unpickled a piece at a time."""
    answer = pickle.loads(pieces[0])
    for piece in pieces[1:]:
        path, items = pickle.loads(piece)
        target = answer
        for key in path[:-1]:
            target = target[key]
        target[path[-1]].extend(items)
    return answer


def offloading(
    encoded: str, rounds: int, pool: ProcessPoolExecutor
) -> dict[str, list[dict[str, float]]]:
    """Decoding in a thread, in the process pool, and in the pool with its answer in pieces
    unpickled in a thread; in turns (which goes first turns too)."""
    assert joined(decoded_in_pieces(encoded)) == lefi.decode_payload(encoded)

    async def run() -> dict[str, list[dict[str, float]]]:
        loop = asyncio.get_running_loop()

        async def in_pieces() -> dict[str, Any]:
            pieces = await loop.run_in_executor(pool, decoded_in_pieces, encoded)
            return await asyncio.to_thread(joined, pieces)

        ways = {
            "thread": lambda: asyncio.to_thread(lefi.decode_payload, encoded),
            "pool": lambda: loop.run_in_executor(pool, lefi.decode_payload, encoded),
            "pieces": in_pieces,
        }
        for way in ways.values():  # warm: the worker's imports, the readers
            await way()
        measured: dict[str, list[dict[str, float]]] = {name: [] for name in ways}
        names = list(ways)
        for turn in range(rounds):
            for name in names[turn % 3 :] + names[: turn % 3]:
                measured[name].append(await _awaited(ways[name]))
        return measured

    return asyncio.run(run())


def unpickling(encoded: str, rounds: int) -> dict[str, Any]:
    """What the serving process does with a pool's answer, alone: unpickle it."""
    pickled = pickle.dumps(lefi.decode_payload(encoded), protocol=pickle.HIGHEST_PROTOCOL)
    return {
        "pickled_bytes": len(pickled),
        "unpickle_ms": [_ms(lambda: pickle.loads(pickled)) for _ in range(rounds)],
    }


def measure(rounds: int = 9) -> dict[str, Any]:
    """Every figure, for both answers, in a process tuned as a serving one is."""
    from graph.app import tune_serving_process

    answers = captured_answers()
    tune_serving_process()
    figures: dict[str, Any] = {"load": os.getloadavg()[0], "rounds": rounds}
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        for name, content in answers.items():
            data = fk_data(content)
            encoded = text(data, "lefiJsonSvar") or ""
            figures[name] = {
                "soap_bytes": len(content),
                **in_process(data, rounds),
                **offloading(encoded, rounds, pool),
                **unpickling(encoded, rounds),
            }
    figures["load_after"] = os.getloadavg()[0]
    return figures


def rows(figures: dict[str, Any], row: Callable[..., dict[str, str]]) -> list[dict[str, str]]:
    """The bench rows of the decode figures (`row` is `bench.__main__._row`)."""
    made = []
    for name, what in (("huge", "the huge question's"), ("everything", "everything's")):
        f = figures[name]
        steps = " / ".join(f"{statistics.median(v):.1f}" for v in f["steps_ms"].values())
        made += [
            compared(
                row,
                f"LEFI decode of {what} answer ({f['json_bytes'] // 1000} kB of JSON), this "
                f"decoder vs the one before, in-process, interleaved (base64 / JSON / readers: "
                f"{steps} ms)",
                f["after_ms"],
                f["before_ms"],
                "≤ 25 ms" if name == "huge" else "",
            ),
            compared(
                row,
                "  its readers vs the general reading value by value (`reference_normalise`), "
                "interleaved",
                f["readers_ms"],
                f["general_ms"],
            ),
            compared(
                row,
                f"  its JSON ({f['floats']:,} numbers with a fraction): msgspec with Decimal vs "
                "the json module with Decimal (before)",
                f["msgspec_ms"],
                f["json_ms"],
            ),
            compared(
                row,
                "  its JSON: orjson with the checks that keep every digit (a prototype) vs the "
                "json module with Decimal",
                f["orjson_exact_ms"],
                f["json_ms"],
            ),
        ]
        for way, how in (("pool", "a process pool"), ("pieces", "a process pool, in pieces")):
            for key, label in (
                ("cpu_ms", "the serving process's CPU"),
                ("lag_max_ms", "its event loop's most lag"),
                ("wall_ms", "the time to the decoded answer"),
            ):
                made.append(
                    compared(
                        row,
                        f"  decoded in {how} vs in a thread: {label}",
                        [r[key] for r in f[way]],
                        [r[key] for r in f["thread"]],
                    )
                )
    made.append(
        row(
            "load average (1 min) before / after the decode rows",
            f"{figures['load']:.1f} / {figures['load_after']:.1f}",
        )
    )
    return made


def main() -> None:
    """Print the figures."""
    figures = measure()
    for name in ("huge", "everything"):
        f = figures[name]
        print(f"{name}: SOAP {f['soap_bytes']:,} B, JSON {f['json_bytes']:,} B")
        ratio = _ratio(f["after_ms"], f["before_ms"])
        print(f"  after {spread(f['after_ms'])}; before {spread(f['before_ms'])}; {ratio:.3f}")
        for step, values in f["steps_ms"].items():
            print(f"    {step:<8} {spread(values)}")
        for key in (
            "readers_ms",
            "general_ms",
            "json_ms",
            "msgspec_ms",
            "orjson_exact_ms",
            "orjson_alone_ms",
        ):
            print(f"  {key:<16} {spread(f[key])}")
        for way in ("thread", "pool", "pieces"):
            for key in ("wall_ms", "cpu_ms", "lag_max_ms", "lag_p99_ms"):
                print(f"  {way:<6} {key:<11} {spread([r[key] for r in f[way]])}")
        print(f"  pickled {f['pickled_bytes']:,} B; unpickled alone {spread(f['unpickle_ms'])}")
    print(f"load average {figures['load']:.1f} before, {figures['load_after']:.1f} after")


if __name__ == "__main__":
    main()
