"""The SOAP 1.1 envelope of a question, written straight from the keyword arguments that
`resolvers/question.py build_question` makes for it: the very bytes zeep writes from them
(`tests/test_envelope.py` compares the two), without zeep's object machinery, which cost some
0.4 ms of CPU a call against some 0.05 here (docs/performance.md). zeep still loads the WSDL at
start-up, which names each operation's element and SOAP action (`resolvers/client.py`), and the
simulator checks every question against the project's XSDs (`tests/test_contract_questions.py`).

The arguments are written in the order given (`build_question` gives the contract's order), a
list as one element per item, a dict as an element with its own children; `inkludera` is an
attribute, the contract's only one. Values are written as zeep writes their XSD types: a
boolean `true`/`false`, a date `YYYY-MM-DD`, a date-time in ISO 8601 with UTC as `Z`, bytes in
base64, anything else as its text."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from lxml import etree

from resolvers.contract import SOAP_ENV_NS

ATTRIBUTES = frozenset({"inkludera"})


def envelope(operation: str, arguments: dict[str, Any]) -> bytes:
    """The envelope of a call of `operation` (its element's qualified name, `{ns}name`)."""
    namespace = operation[1 : operation.index("}")]
    root = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap={"soap-env": SOAP_ENV_NS})
    body = etree.SubElement(root, f"{{{SOAP_ENV_NS}}}Body")
    _fill(etree.SubElement(body, operation, nsmap={"ns0": namespace}), arguments, namespace)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _fill(element: etree._Element, values: dict[str, Any], namespace: str) -> None:
    for name, value in values.items():
        if value is None:
            continue
        if name in ATTRIBUTES:
            element.set(name, _text(value))
            continue
        for item in value if isinstance(value, list) else (value,):
            child = etree.SubElement(element, f"{{{namespace}}}{name}")
            if isinstance(item, dict):
                _fill(child, item, namespace)
            elif item is not None:
                child.text = _text(item)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)
