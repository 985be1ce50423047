"""JSON Schemas derived from the models: for editors, and for the exported data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..files.writer import write_atomic
from .model import ID_PATTERN, KINDS, SourceList

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXPORT_VERSION = 1  # of briefs.json (site/export.py writes it)


def kind_schema(kind: str) -> dict[str, Any]:
    model = SourceList if kind == "sources" else KINDS[kind]
    schema = model.model_json_schema()
    schema["$schema"] = SCHEMA_DIALECT
    schema["$id"] = f"https://briefbook.invalid/schemas/{kind}.schema.json"
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    return {**{kind: kind_schema(kind) for kind in [*KINDS, "sources"]}, "briefs-json": export_schema()}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(out: Path) -> int:
    """One `<kind>.schema.json` per kind into the folder; how many."""
    schemas = all_schemas()
    out.mkdir(parents=True, exist_ok=True)
    for kind, document in schemas.items():
        write_atomic(out / f"{kind}.schema.json", dumps(document))
    return len(schemas)


def export_schema() -> dict[str, Any]:
    """The schema of briefs.json, built from the kinds' schemas."""
    kinds = {kind: kind_schema(kind) for kind in KINDS}
    defs: dict[str, Any] = {}
    variants = []
    for kind, schema in kinds.items():
        defs.update(schema.pop("$defs", {}))
        schema.pop("$schema"), schema.pop("$id")
        defs[kind] = schema
        variants.append({
            "type": "object",
            "required": ["id", "kind", "file", "front_matter", "body"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": ID_PATTERN},
                "kind": {"const": kind},
                "file": {"type": "string"},
                "front_matter": {"$ref": f"#/$defs/{kind}"},
                "body": {"type": "string"},
            },
        })
    source = defs["Source"]
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://briefbook.invalid/schemas/briefs-json.schema.json",
        "title": "briefs.json",
        "type": "object",
        "required": ["version", "briefs", "sources"],
        "additionalProperties": False,
        "properties": {
            "version": {"const": EXPORT_VERSION},
            "briefs": {"type": "array", "items": {"oneOf": variants}},
            "sources": {"type": "array", "items": source},
        },
        "$defs": defs,
    }
