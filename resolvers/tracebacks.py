"""Tracebacks that name code, never data: the frames (file, line, function and the line of
source) and each exception's class, without its message.

An exception's message may quote what it was given: graphql-core's errors print the document
around their location (a personnummer written in it included), a coercion error the variable's
value, a third-party library whatever it chose. `BareTracebacks`, a logging filter, replaces a
record's exception with its bare traceback before any handler formats it; the facade's loggers
that log exceptions have it, and so has the handler of `ssbtek-graphql serve` (`graph/logs.py`),
which every other logger's records pass (uvicorn's, asyncio's, strawberry's).
"""

from __future__ import annotations

import logging
import traceback

LEFT_OUT = "(message not logged)"


def bare_traceback(exc: BaseException) -> str:
    """The traceback of `exc` and of the exceptions it was raised from or during, oldest first,
    as Python prints it but with each exception's message left out."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for position, each in enumerate(reversed(chain)):
        if position:
            parts.append("\nWhile handling that, another exception occurred:\n\n")
        parts.append("Traceback (most recent call last):\n")
        frames = traceback.StackSummary.extract(traceback.walk_tb(each.__traceback__))
        parts.extend(frames.format())
        kind = type(each)
        parts.append(f"{kind.__module__}.{kind.__qualname__} {LEFT_OUT}\n")
    return "".join(parts).rstrip("\n")


class BareTracebacks(logging.Filter):
    """Replaces the exception of each record with its bare traceback (`bare_traceback`), so that
    no handler or formatter prints an exception's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, its exception made bare."""
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = bare_traceback(record.exc_info[1])
            record.exc_info = None
        return True


BARE_TRACEBACKS = BareTracebacks()
