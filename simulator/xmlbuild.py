"""Building the simulator's XML answers."""

from __future__ import annotations

from lxml import etree


def sub(parent: etree._Element, ns: str | None, name: str, value: object = None) -> etree._Element:
    """A child element `{ns}name` (unqualified without `ns`), with `value` as text if given;
    booleans as `true`/`false`."""
    element = etree.SubElement(parent, f"{{{ns}}}{name}" if ns else name)
    if value is not None:
        element.text = str(value).lower() if isinstance(value, bool) else str(value)
    return element
