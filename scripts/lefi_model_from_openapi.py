"""Derive the project's LEFI v9 answer model (`resolvers/contract/lefi-v9-model.json`) from the
published LEFI OpenAPI file.

The model keeps only what the facade needs to read, type and simulate the answer: every schema
reachable from `LefiExternFormansinformationSvar`, its fields in order with their JSON types,
lists, references and enumerated values. Descriptions are not carried over; the facade writes its
own. Run once when LEFI publishes a new version (needs PyYAML, which the project does not):

    python scripts/lefi_model_from_openapi.py PATH/TO/lefi-formansinformation-v9.openapi.yaml
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).parent.parent / "resolvers" / "contract" / "lefi-v9-model.json"
ROOT = "LefiExternFormansinformationSvar"
SPECIAL = {"LefiBelopp": "belopp", "LefiOmfattning": "omfattning", "LefiFranTill": "frantill"}
SCALARS = {
    ("string", None): "string",
    ("string", "date"): "date",
    ("string", "date-time"): "datetime",
    ("integer", None): "integer",
    ("number", None): "number",
    ("number", "double"): "number",
    ("number", "float"): "number",
    ("boolean", None): "boolean",
}


def _ref(value: dict[str, Any]) -> str:
    return value["$ref"].rsplit("/", 1)[-1]


def build(schemas: dict[str, Any]) -> dict[str, Any]:
    """The model: enumerations and types reachable from the answer root."""
    types: dict[str, Any] = {}
    enums: dict[str, list[Any]] = {}

    def field_type(value: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in value:
            name = _ref(value)
            target = schemas[name]
            if "enum" in target:
                enums[name] = target["enum"]
                kind = SCALARS[(target["type"], target.get("format"))]
                return {"type": kind, "enum": name}
            visit(name)
            return {"type": name}
        if value.get("type") == "array":
            return {**field_type(value["items"]), "list": True}
        return {"type": SCALARS[(value["type"], value.get("format"))]}

    def visit(name: str) -> None:
        if name in types:
            return
        if name in SPECIAL:
            types[name] = {"kind": SPECIAL[name]}
            return
        types[name] = {}  # placeholder against cycles
        properties = schemas[name].get("properties") or {}
        fields = [{"name": key, **field_type(value)} for key, value in properties.items()]
        names = {f["name"] for f in fields}
        if names in ({"kod", "beskrivning"}, {"id", "beskrivning"}):
            key = "kod" if "kod" in names else "id"
            code = next(f for f in fields if f["name"] == key)
            types[name] = {
                "kind": "code",
                "key": key,
                **({"enum": code["enum"]} if "enum" in code else {}),
            }
            return
        types[name] = {"kind": "object", "fields": fields}

    visit(ROOT)
    return {
        "about": "LEFI extern förmånsinformation v9: the answer's schemas as the facade reads "
        "them. Derived by scripts/lefi_model_from_openapi.py; do not edit by hand.",
        "root": ROOT,
        "enums": dict(sorted(enums.items())),
        "types": dict(sorted(types.items())),
    }


def main(path: str) -> None:
    """Read the OpenAPI file at `path` and write the model."""
    import yaml  # only this tool needs it

    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    model = build(spec["components"]["schemas"])
    OUTPUT.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} with {len(model['types'])} types and {len(model['enums'])} enums")


if __name__ == "__main__":
    main(sys.argv[1])
