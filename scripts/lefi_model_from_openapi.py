"""Derive the project's LEFI v9 answer files from the published LEFI OpenAPI file:

- `resolvers/contract/lefi-v9-model.json`, the model: only what the facade needs to read, type
  and simulate the answer: every schema reachable from `LefiExternFormansinformationSvar`, its
  fields in order with their JSON types, lists, references and enumerated values, and for a code
  the kind of its key (`LefiBokstavskod.id` is text, `LefiSifferkod.id` a whole number).
- `resolvers/contract/lefi-v9-answer.schema.json`, a JSON Schema (draft 2020-12) of the same
  answer, for checking that an answer is one LEFI v9 allows (the simulator's answers are checked
  against it, `tests/test_simulator_conformance.py`): the same reachable schemas as `$defs`, with
  the rules the OpenAPI states (kinds and formats, required properties, enumerations, patterns,
  list lengths, bounds). Like the OpenAPI, it lets an object carry properties it does not name.

Descriptions and examples are not carried over; the facade writes its own. Run once when LEFI
publishes a new version (needs PyYAML, which the project does not):

    python scripts/lefi_model_from_openapi.py PATH/TO/lefi-formansinformation-v9.openapi.yaml
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

CONTRACT = Path(__file__).parent.parent / "resolvers" / "contract"
OUTPUT = CONTRACT / "lefi-v9-model.json"
SCHEMA_OUTPUT = CONTRACT / "lefi-v9-answer.schema.json"
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
                "keyType": code["type"],
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


# The OpenAPI keywords that state a rule an answer must keep, carried over as they are; every
# other keyword (descriptions, examples, vendor extensions) is left behind.
RULES = (
    "type",
    "format",
    "required",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
)


def _reachable(schemas: dict[str, Any], root: str) -> list[str]:
    """The names of the schemas that `root` refers to, directly or through others, and itself."""
    seen: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node and _ref(node) not in seen:
                seen.append(_ref(node))
                walk(schemas[_ref(node)])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({"$ref": f"#/components/schemas/{root}"})
    return sorted(seen)


def _rules(node: dict[str, Any]) -> dict[str, Any]:
    """One OpenAPI schema as JSON Schema: its rules, references into `$defs`."""
    if "$ref" in node:
        return {"$ref": f"#/$defs/{_ref(node)}"}
    rules: dict[str, Any] = {key: node[key] for key in RULES if key in node}
    if "items" in node:
        rules["items"] = _rules(node["items"])
    if "properties" in node:
        rules["properties"] = {key: _rules(value) for key, value in node["properties"].items()}
    return rules


def answer_schema(schemas: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the LEFI answer: every schema reachable from the root
    as a `$def`, with the rules the OpenAPI states for it."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": ROOT,
        "$comment": "LEFI extern förmånsinformation v9: the answer as LEFI allows it. Derived by "
        "scripts/lefi_model_from_openapi.py; do not edit by hand.",
        "$ref": f"#/$defs/{ROOT}",
        "$defs": {name: _rules(schemas[name]) for name in _reachable(schemas, ROOT)},
    }


def _write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(path: str) -> None:
    """Read the OpenAPI file at `path` and write the model and the JSON Schema."""
    import yaml  # only this tool needs it

    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    model = build(spec["components"]["schemas"])
    _write(OUTPUT, model)
    print(f"wrote {OUTPUT} with {len(model['types'])} types and {len(model['enums'])} enums")
    schema = answer_schema(spec["components"]["schemas"])
    _write(SCHEMA_OUTPUT, schema)
    print(f"wrote {SCHEMA_OUTPUT} with {len(schema['$defs'])} definitions")


if __name__ == "__main__":
    main(sys.argv[1])
