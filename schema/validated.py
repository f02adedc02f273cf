"""Which documents passed parsing and validation (the operation limits, introspection rules and
the schema's own) in the request under way. The graph layer registers a client's document for
automatic persisted queries (graph/apq.py) only when it is among them: a registered document has
passed the same limits as any document."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from strawberry.extensions import SchemaExtension

_VALIDATED: ContextVar[set[str] | None] = ContextVar("validated_documents", default=None)


@contextmanager
def noting_valid_documents() -> Iterator[set[str]]:
    """Within the block, the texts of the documents that pass validation are added to the set
    it gives (operations run in the caller's task, which shares its context)."""
    seen: set[str] = set()
    token = _VALIDATED.set(seen)
    try:
        yield seen
    finally:
        _VALIDATED.reset(token)


class NoteValidDocuments(SchemaExtension):
    """A strawberry extension: once validation is done, a document without errors is noted where
    `noting_valid_documents` asks for it. A document that did not parse is never validated."""

    def on_validate(self) -> Iterator[None]:
        yield
        seen = _VALIDATED.get()
        execution = self.execution_context
        if seen is not None and execution.query and not execution.pre_execution_errors:
            seen.add(execution.query)
