"""Reading an answer in parts (`multipart/mixed`, `@defer`/`@stream`) as a client does, written
from the incremental delivery RFC, not from the facade's code: the parts of a body, and the one
answer they make together, and the operation they must equal."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')


def boundary_of(content_type: str) -> bytes:
    """The boundary a `multipart/mixed` content type names."""
    found = _BOUNDARY.search(content_type)
    assert content_type.startswith("multipart/mixed") and found, content_type
    return found.group(1).encode()


class PartReader:
    """The JSON payloads of a multipart body fed in chunks as they arrive (`feed`), each as soon
    as its part is whole."""

    def __init__(self, content_type: str) -> None:
        self.delimiter = b"--" + boundary_of(content_type)
        self.buffer = b""
        self.closed = False

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        """The payloads whose parts `chunk` completed."""
        self.buffer += chunk
        found: list[dict[str, Any]] = []
        while True:
            start = self.buffer.find(self.delimiter)
            if start < 0:
                return found
            after = start + len(self.delimiter)
            if self.buffer[after : after + 2] == b"--":
                self.closed = True
                return found
            end = self.buffer.find(self.delimiter, after)
            if end < 0:
                return found
            part = self.buffer[after:end]
            self.buffer = self.buffer[end:]
            head, _, body = part.partition(b"\r\n\r\n")
            assert b"application/json" in head.lower(), head
            found.append(json.loads(body.strip()))


def payloads_of(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """Every payload of a whole multipart body, in order; the body must end with its closing
    delimiter."""
    reader = PartReader(content_type)
    found = reader.feed(body)
    assert reader.closed, "the body has no closing delimiter"
    return found


def merged(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """The one answer the payloads make together: each deferred entry's data merged at its
    pending fragment's path (and `subPath`), each streamed entry's items appended to its list,
    errors gathered in order. Checks what the RFC promises on the way: an id is pending before
    its entries come, `hasNext` is false on the last payload only."""
    first, later = payloads[0], payloads[1:]
    answer: dict[str, Any] = {"data": copy.deepcopy(first["data"])}
    errors = list(first.get("errors") or [])
    paths = {item["id"]: item["path"] for item in first.get("pending") or []}
    open_ids = set(paths)
    assert first["hasNext"] is bool(later), "hasNext on the first payload"
    for index, payload in enumerate(later):
        for item in payload.get("pending") or []:
            paths[item["id"]] = item["path"]
            open_ids.add(item["id"])
        for entry in payload.get("incremental") or []:
            assert entry["id"] in open_ids, f"an entry for {entry['id']}, which is not pending"
            where = [*paths[entry["id"]], *entry.get("subPath", [])]
            target = _at(answer["data"], where)
            if "items" in entry:
                assert isinstance(target, list)
                target.extend(copy.deepcopy(entry["items"]))
            else:
                _merge(target, entry["data"])
            errors.extend(entry.get("errors") or [])
        for completed in payload.get("completed") or []:
            open_ids.discard(completed["id"])
            errors.extend(completed.get("errors") or [])
        assert payload["hasNext"] is (index < len(later) - 1), "hasNext on a later payload"
    assert not open_ids, f"fragments never completed: {open_ids}"
    if errors:
        answer["errors"] = errors
    return answer


def without_directives(query: str) -> str:
    """The same operation without `@defer`/`@stream`: what the payloads together must equal."""
    return re.sub(r"@(defer|stream)(\([^)]*\))?", "", query)


def _at(data: Any, path: list[Any]) -> Any:
    for key in path:
        data = data[key]
    return data


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)
