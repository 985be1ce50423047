"""JSON Schemas derived from the models: for editors, and for the exported data."""

from __future__ import annotations

import json
from typing import Any

from .model import KINDS, SourceList

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def kind_schema(kind: str) -> dict[str, Any]:
    model = SourceList if kind == "sources" else KINDS[kind]
    schema = model.model_json_schema()
    schema["$schema"] = SCHEMA_DIALECT
    schema["$id"] = f"https://briefbook.invalid/schemas/{kind}.schema.json"
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    return {kind: kind_schema(kind) for kind in [*KINDS, "sources"]}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
