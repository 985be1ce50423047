"""`briefbook reference`: the format reference page, generated from the models.

Every field of every kind and shared record, with its type, whether it is
required, its allowed values and its description; and, per kind, the brief
`briefbook new` writes, as an example that validates.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from ..files.shipped import default_templates_dir
from .fields import FieldSpec, doc_of, fields_of, records_of, writing_order
from .model import ID_PATTERN, KINDS, MAX_ID_LENGTH, SourceList
from .scaffold import render_scaffold

# A fixed date for the examples, so that the page is the same whenever it is generated.
EXAMPLE_DATE = dt.date(2019, 2, 27)
EXAMPLE_FENCE = "````markdown"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _type_cell(spec: FieldSpec) -> str:
    label = spec.type_label
    if spec.record is not None:
        name = spec.record.__name__
        label = label.replace(name, f"[{name}](#{name.lower()})", 1)
    return label


def field_table(record: type[BaseModel]) -> str:
    rows = ["| Field | Type | Required | Allowed values | Description |", "|---|---|---|---|---|"]
    for spec in (writing_order(record) if record in KINDS.values() else fields_of(record)):
        rows.append("| " + " | ".join([
            f"`{spec.name}`", _cell(_type_cell(spec)), "required" if spec.required else "optional",
            _cell(spec.allowed_values), _cell(spec.description),
        ]) + " |")
    return "\n".join(rows)


def example(kind: str) -> str:
    """The brief `briefbook new <kind>` writes with the packaged scaffolds."""
    return render_scaffold(kind, f"new-{kind}", today=EXAMPLE_DATE, search=[default_templates_dir()])


def reference_markdown() -> str:
    kinds = list(KINDS.values())
    out = [
        "---",
        "title: Format reference",
        "search:",
        "  audience: maintainers",
        "---",
        "",
        "<!-- Generated from src/briefbook/format/model.py by `briefbook reference --out docs/format.md`; do not edit by hand. -->",
        "",
        "# Format reference",
        "",
        "A brief is a Markdown file with YAML front matter between two `---` lines: the front matter holds",
        "the fields below, the body holds the analysis in prose. The file name is the brief's id.",
        "Unknown fields are errors, so a misspelt field never goes unnoticed.",
        "",
        f"- **id**: lowercase letters, digits and single hyphens (`{ID_PATTERN}`), at most {MAX_ID_LENGTH} characters,",
        "  e.g. `hanoi-2019`; ids are unique across the briefs folder, and source ids across all sources.",
        "- **date**: `YYYY-MM-DD`, e.g. `2019-02-27`.",
        "- **text**: YAML text; quote it when it could be read as something else (`\"yes\"`, `\"NO\"`, `\"2019\"`).",
        "",
        "The [editing guide](editing.md) shows how to write a brief and check it.",
        "",
        "## Kinds of brief",
        "",
    ]
    for kind, model in KINDS.items():
        out += [
            f"### {model.__name__}",
            "",
            f"`kind: {kind}`. {doc_of(model)}",
            "",
            field_table(model),
            "",
            f"What `briefbook new {kind} new-{kind}` writes: required fields hold placeholders, optional ones are comments.",
            "",
            EXAMPLE_FENCE,
            example(kind).rstrip("\n"),
            "````",
            "",
        ]
    out += ["## Shared records", "", "The records that the kinds above hold in their fields.", ""]
    for record in records_of(kinds):
        doc = doc_of(record)
        out += [f"### {record.__name__}", ""] + ([doc, ""] if doc else []) + [field_table(record), ""]
    out += [
        "## Shared sources files",
        "",
        f"{doc_of(SourceList)} A source declared there is cited like one declared in a brief.",
        "",
        field_table(SourceList),
        "",
    ]
    return "\n".join(out)
