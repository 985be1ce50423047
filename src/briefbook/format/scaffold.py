"""`briefbook new`: a new brief from a scaffold, its fields derived from the model.

The scaffold templates (`templates/new/<kind>.md.j2`, else `templates/new/default.md.j2`,
project templates first, packaged defaults after) receive the fields of the kind as
`ScaffoldField`s and lay them out as YAML: required fields with a placeholder, optional
ones commented out. Placeholders carry the marker `TODO`, which `briefbook check`
reports until it is replaced.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..files.shipped import default_templates_dir, template_options
from ..files.writer import create_new
from .discover import discover
from .fields import FieldSpec, doc_of, fields_of, writing_order
from .model import BRIEF_SUFFIX, KINDS, MAX_ID_LENGTH, RESERVED_NAMES, TEMPLATE_SUFFIX, is_id
from .names import check_folder_name
from .settings import Settings
from .validate import PLACEHOLDER

SCAFFOLD_FOLDER = "new"
# Required dates whose right value in a new brief is the day it is written.
TODAY_FIELDS = {"reviewed"}
# Id fields that name a brief of another kind, for the hint in the scaffold.
REFERENCED_KIND = {"actor": "actor", "agenda": "issue", "related": "issue", "issue": "issue", "positions": "issue"}
MAX_LISTED_IDS = 8


class ScaffoldError(Exception):
    """A request `briefbook new` refuses; the message says why."""


@dataclass(frozen=True)
class ScaffoldField:
    """A field as the scaffold shows it: its description, and the value to write."""

    spec: FieldSpec
    value: str  # a YAML value: the placeholder of a required field, an example for an optional one
    note: str  # the comment beside it
    commented: bool  # optional fields are written as comments
    children: tuple["ScaffoldField", ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def container(self) -> str | None:
        return self.spec.container

    @property
    def is_record(self) -> bool:
        return self.spec.scalar == "record"


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML string


def _scaffold_field(spec: FieldSpec, *, commented: bool, today: dt.date, known: dict[str, list[str]],
                    title: str | None) -> ScaffoldField:
    """The value and comment of one field; `commented` when an enclosing optional field is commented out."""
    commented = commented or not spec.required
    what = (spec.description or spec.name.replace("_", " ")).rstrip(".")
    # a required value the analyst must still choose: the comment carries the placeholder
    to_choose = False
    notes: list[str] = []
    if spec.scalar == "text":
        if spec.name == "title" and title:
            value = _yaml_text(title)
        else:
            value = _yaml_text(f"{PLACEHOLDER}: {what}" if not commented else (spec.description or "…"))
        what = ""  # said by the value itself
    elif spec.scalar == "date":
        value = today.isoformat()
        to_choose = spec.name not in TODAY_FIELDS
    elif spec.scalar == "boolean":
        value = spec.choices[0]  # bare, so that YAML reads it as true, not as the text "true"
        to_choose = True
    elif spec.scalar == "choice":
        value = spec.default or spec.choices[0]
        value = value if len(spec.choices) == 1 else _yaml_text(value)
        to_choose = len(spec.choices) > 1 and not spec.default
    elif spec.scalar == "id":
        referenced_kind = REFERENCED_KIND.get(spec.name, "source")
        referenced = known.get(referenced_kind, [])
        value = referenced[0] if referenced and spec.container is None else f"{referenced_kind}-id"
        to_choose = True
        if referenced:
            listed = ", ".join(referenced[:MAX_LISTED_IDS]) + (", …" if len(referenced) > MAX_LISTED_IDS else "")
            notes.append(f"{referenced_kind} ids: {listed}")
    elif spec.scalar == "url":
        value = "https://example.org/"
    else:  # a record, or a mapping of records: laid out from its children
        value = f"{REFERENCED_KIND.get(spec.name, 'item')}-id" if spec.container == "mapping" else ""
    if spec.scalar == "id" and spec.container is None:
        notes.insert(0, f"{REFERENCED_KIND.get(spec.name, 'source')} id")
    elif (spec.container or spec.scalar not in ("text", "choice", "boolean")) and "YYYY-MM-DD" not in spec.description:
        notes.insert(0, spec.type_label)
    if spec.scalar in ("choice", "boolean") and len(spec.choices) > 1:
        notes.insert(0, f"one of: {', '.join(spec.choices)}")
    if spec.default and spec.scalar != "choice":
        notes.append(f"default: {spec.default}")
    if what and spec.description:
        notes.insert(0, what)
    if spec.required and to_choose and not commented:
        notes.insert(0, PLACEHOLDER)
    elif not spec.required:
        notes.insert(0, "optional")
    children: tuple[ScaffoldField, ...] = ()
    if spec.record is not None:
        own = [child for child in fields_of(spec.record) if child.name != "kind"]
        # required first: a list item must start with a key that is not commented out
        ordered = sorted(own, key=lambda child: not child.required)
        children = tuple(_scaffold_field(child, commented=commented, today=today, known=known, title=None) for child in ordered)
    note = "; ".join(n for n in notes if n).replace(f"{PLACEHOLDER}; ", f"{PLACEHOLDER}: ").replace("optional; ", "optional: ")
    return ScaffoldField(spec, value, note, commented, children)


def scaffold_fields(kind: str, today: dt.date, known: dict[str, list[str]] | None = None,
                    title: str | None = None) -> list[ScaffoldField]:
    """The fields of a kind, ready for a scaffold template."""
    return [_scaffold_field(spec, commented=False, today=today, known=known or {}, title=title)
            for spec in writing_order(KINDS[kind])]


def scaffold_environment(search: list[Path]) -> jinja2.Environment:
    """Scaffolds are YAML and Markdown written verbatim: no Markdown escaping, values are quoted by scaffold.py."""
    return jinja2.Environment(**template_options(search), autoescape=False)


def render_scaffold(kind: str, brief_id: str, *, today: dt.date, search: list[Path],
                    title: str | None = None, known: dict[str, list[str]] | None = None) -> str:
    env = scaffold_environment(search)
    template = env.select_template([f"{SCAFFOLD_FOLDER}/{kind}{TEMPLATE_SUFFIX}", f"{SCAFFOLD_FOLDER}/default{TEMPLATE_SUFFIX}"])
    return template.render(kind=kind, id=brief_id, doc=doc_of(KINDS[kind]), placeholder=PLACEHOLDER,
                           fields=scaffold_fields(kind, today, known, title))


def check_id(brief_id: str) -> None:
    if not is_id(brief_id):
        raise ScaffoldError(f"`{brief_id}` is not a valid id: use lowercase letters, digits and single hyphens "
                            f"(at most {MAX_ID_LENGTH} characters), e.g. `hanoi-2019`; the id is also the file name")
    if brief_id in RESERVED_NAMES:
        raise ScaffoldError(f"`{brief_id}` is a reserved device name on Windows; choose another id")


def target_path(settings: Settings, kind: str, brief_id: str, folder: str | None) -> Path:
    """Where the new brief goes: `<briefs>/<kind>s/<id>.md`, or `<briefs>/<folder>/<id>.md`."""
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind `{kind}`: expected one of {', '.join(KINDS)}")
    check_id(brief_id)
    root = settings.briefs
    relative = Path(folder) if folder is not None else Path(f"{kind}s")
    target_dir = (root / relative).resolve()
    if relative.is_absolute() or (target_dir != root and root not in target_dir.parents):
        raise ScaffoldError(f"--folder `{folder}` must be a folder inside the briefs folder {root}")
    if any(part.startswith((".", "_")) for part in relative.parts):
        raise ScaffoldError(f"--folder `{folder}`: briefbook skips folders whose names start with `.` or `_`, so the brief would never be read")
    for part in target_dir.relative_to(root).parts:
        problem = check_folder_name(part)
        if problem:
            raise ScaffoldError(f"--folder `{folder}`: {problem[0]} ({problem[1]})")
    return target_dir / f"{brief_id}{BRIEF_SUFFIX}"


def known_ids(settings: Settings) -> dict[str, list[str]]:
    """The ids of the existing briefs by kind, read from the front matter's `kind:` line (no full load needed)."""
    found, _ = discover(settings.briefs, [settings.briefs], settings.project_dir) if settings.briefs.is_dir() else ([], [])
    by_kind: dict[str, list[str]] = {}
    for path, _display in found:
        if path.suffix != BRIEF_SUFFIX:
            continue
        kind = _declared_kind(path)
        if kind:
            by_kind.setdefault(kind, []).append(path.stem)
    return {kind: sorted(ids) for kind, ids in by_kind.items()}


def _declared_kind(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle):
                if number > 200:
                    break
                if line.startswith("kind:"):
                    return line.partition(":")[2].split("#")[0].strip().strip("'\"") or None
    except OSError:
        return None
    return None


def new_brief(settings: Settings, kind: str, brief_id: str, *, today: dt.date, title: str | None = None,
              folder: str | None = None) -> Path:
    """Write a new brief from its scaffold; never overwrites, never reuses an id."""
    target = target_path(settings, kind, brief_id, folder)
    shown = os.path.relpath(target, settings.project_dir)
    if target.exists():
        raise ScaffoldError(f"{shown} already exists; briefbook new never overwrites a file")
    known = known_ids(settings)
    for other_kind, ids in known.items():
        if brief_id in ids:
            raise ScaffoldError(f"the id `{brief_id}` is already used by a brief of kind {other_kind}: ids are unique across the briefs folder")
    text = render_scaffold(kind, brief_id, today=today, title=title, known=known,
                           search=[settings.templates, default_templates_dir()])
    try:
        create_new(target, text)
    except FileExistsError:
        raise ScaffoldError(f"{shown} already exists; briefbook new never overwrites a file") from None
    return target
