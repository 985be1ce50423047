"""Raw files to typed briefs: the models of model.py applied, each error placed on its line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .body import MarkdownSetup, read_body
from .diagnostics import Diagnostic
from .fields import describe
from .front_matter import NON_TEXT_TAGS
from .model import BRIEF_SUFFIX, KINDS, Brief, Source, SourceList, as_id
from .raw import FieldPath, RawFile, dotted

# The marker `briefbook new` puts where content is still to be written.
PLACEHOLDER = "TODO"
MAX_SHOWN_CHARS = 80  # of a wrong value quoted in a problem; a longer one is cut short
_PLACEHOLDER_RE = re.compile(rf"\b{PLACEHOLDER}\b")


@dataclass
class BriefFile:
    """A valid brief, still knowing where each of its values sits in its file."""

    raw: RawFile
    brief: Brief
    # [@id] citations in the body: (source id, line, column)
    citations: list[tuple[str, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # plain attributes: templates ask for them on every link to the brief
        self.id: str = self.raw.id
        self.kind: str = self.brief.kind

    @property
    def display(self) -> str:
        return self.raw.display

    def at(self, path: FieldPath, message: str, hint: str = "", severity: str = "error") -> Diagnostic:
        line, column = self.raw.locate(path)
        return Diagnostic(self.raw.display, line, column, dotted(path), message, hint, severity)  # type: ignore[arg-type]


@dataclass
class SourcesFile:
    raw: RawFile
    sources: list[Source]


def validate_file(raw: RawFile, markdown: MarkdownSetup = MarkdownSetup()) -> tuple[BriefFile | SourcesFile | None, list[Diagnostic]]:
    typed, problems = _validate_typed(raw, markdown)
    return typed, problems + _unfinished(raw)


def _unfinished(raw: RawFile) -> list[Diagnostic]:
    """Warnings that ask for content still missing: placeholders left in, lists written empty."""
    problems = []
    if PLACEHOLDER in raw.front and _PLACEHOLDER_RE.search(raw.front):  # rare: look line by line only then
        for number, line in enumerate(raw.front.split("\n"), start=raw.front_line):
            if match := _PLACEHOLDER_RE.search(line):
                problems.append(Diagnostic(raw.display, number, match.start() + 1, raw.field_at(number, match.start() + 1),
                                           "placeholder text left in", f"replace the {PLACEHOLDER} with the real content", "warning"))
    if PLACEHOLDER in raw.body and _PLACEHOLDER_RE.search(raw.body):
        for number, line in enumerate(raw.body.split("\n"), start=raw.body_line):
            if match := _PLACEHOLDER_RE.search(line):
                problems.append(Diagnostic(raw.display, number, match.start() + 1, "body", "placeholder text left in",
                                           f"replace the {PLACEHOLDER} with the real content", "warning"))
    for name, value in raw.data.items():
        if value == [] or value == {}:
            line, column = raw.locate((name,))
            problems.append(Diagnostic(raw.display, line, column, name, "is empty", "add entries, or remove the field", "warning"))
    return problems


def _validate_typed(raw: RawFile, markdown: MarkdownSetup) -> tuple[BriefFile | SourcesFile | None, list[Diagnostic]]:
    if raw.path.suffix != BRIEF_SUFFIX:
        model, problems = _validate(raw, SourceList, raw.data)
        return (SourcesFile(raw, list(model.sources)) if model else None), problems
    kind = raw.data.get("kind")
    if kind not in KINDS:
        line, column = raw.locate(("kind",))
        if kind is None:
            return None, [Diagnostic(raw.display, line, column, "kind", "missing required field `kind`",
                                     f"expected one of: {', '.join(KINDS)}")]
        return None, [Diagnostic(raw.display, line, column, "kind", f"unknown kind `{kind}`", _choices_hint(str(kind), list(KINDS)))]
    model, problems = _validate(raw, KINDS[kind], raw.data)
    if model is None:
        return None, problems
    brief = BriefFile(raw, model, read_body(raw.body, markdown).citation_places(raw.body_line))
    return brief, problems + _consistency(brief)



def _consistency(brief: BriefFile) -> list[Diagnostic]:
    """Checks within one brief that a field type cannot express."""
    b = brief.brief
    problems = []
    if getattr(b, "end_date", None) and b.end_date < b.date:  # type: ignore[union-attr]
        problems.append(brief.at(("end_date",), f"ends ({b.end_date}) before it starts ({b.date})"))  # type: ignore[union-attr]
    if b.next_review and b.next_review < b.reviewed:
        problems.append(brief.at(("next_review",), f"next review ({b.next_review}) is before the last review ({b.reviewed})", severity="warning"))
    return problems


def _validate(raw: RawFile, model: type[BaseModel], data: dict[str, Any]) -> tuple[Any, list[Diagnostic]]:
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        errors = err.errors(include_url=False)
    # `prioirty: high` gives both "unknown prioirty" and "missing priority": the first says it all
    misspelt = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent, name = tuple(error["loc"][:-1]), str(error["loc"][-1])
            misspelt.update((parent, f) for f in difflib.get_close_matches(name, _fields_at(model, parent), n=1, cutoff=0.6))
    return None, [_diagnostic(raw, model, error) for error in errors
                  if not (error["type"] == "missing" and (tuple(error["loc"][:-1]), error["loc"][-1]) in misspelt)]


def _diagnostic(raw: RawFile, model: type[BaseModel], error: Any) -> Diagnostic:
    loc: FieldPath = tuple(error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    is_key = bool(loc) and loc[-1] == "[key]"
    if is_key:
        loc = loc[:-1]
    line, column = (raw.keys.get(loc) or raw.locate(loc)) if (is_key or kind == "extra_forbidden") else raw.locate(loc)
    message, hint = _explain(raw, model, loc, kind, value, error["msg"], error.get("ctx") or {})
    if is_key:
        message = f"key {message}"
    return Diagnostic(raw.display, line, column, dotted(loc), message, hint)


def _explain(raw: RawFile, model: type[BaseModel], loc: FieldPath, kind: str, value: Any, msg: str, ctx: dict) -> tuple[str, str]:
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        return f"unknown field `{name}`", _choices_hint(str(name), known, "known fields")
    if kind == "missing":
        return f"missing required field `{name}`", _field_description(model, loc)
    if loc in raw.non_text and raw.non_text[loc][0] and kind in ("string_type", "literal_error", "string_pattern_mismatch", "model_type", "dict_type", "list_type"):
        text, tag = raw.non_text[loc]
        read_as = NON_TEXT_TAGS[tag]
        shown = "" if tag.endswith("null") else f" {value!r}" if not isinstance(value, bool) else f" {str(value).lower()}"
        return f"`{text}` is read by YAML as {read_as}{shown}, not as text", f'quote it: "{text}"'
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        return f"`{value}` is not allowed", _choices_hint(str(value), expected, "expected one of")
    if kind.startswith("date") or kind == "datetime_from_date_parsing":
        return f"`{value}` is not a date in the form YYYY-MM-DD", _iso_hint(value)
    if kind == "string_pattern_mismatch":
        return f"`{value}` is not a valid id", f"ids are lowercase letters, digits and single hyphens, e.g. `{as_id(str(value), 'hanoi-2019')}`"
    if kind == "string_too_short":
        return "is empty", "write the text, or remove the field if it is optional"
    if kind in ("string_type", "list_type", "dict_type", "model_type", "date_type") and value is None:
        return "is empty", _field_description(model, loc) or "give a value, or remove the field if it is optional"
    if kind == "value_error":
        return msg.removeprefix("Value error, "), ""
    shown = value if isinstance(value, (str, int, float, bool)) else type(value).__name__
    if isinstance(shown, str) and len(shown) > MAX_SHOWN_CHARS:  # a 900 KB value would flood the report
        shown = f"{shown[:60]}… ({len(shown):,} characters)"
    return f"{msg[0].lower()}{msg[1:]} (got {shown!r})" if shown is not None else msg, ""


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%Y%m%d")


def _iso_hint(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"write the date alone: {value.date().isoformat()}"
    for fmt in _DATE_FORMATS:
        try:
            return f"write it as {dt.datetime.strptime(str(value).strip(), fmt).date().isoformat()}"
        except ValueError:
            continue
    return "write ISO dates, e.g. 2019-02-27"


def _choices_hint(value: str, choices: list[str], label: str = "expected one of") -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    listed = f"{label}: {', '.join(choices)}" if len(choices) <= 12 else ""
    if close:
        return f"did you mean `{close[0]}`?" + (f" {listed}" if listed and label != "known fields" else "")
    return listed


def _model_at(model: type[BaseModel], loc: FieldPath) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            # a dict key (e.g. an issue id under positions) keeps the current value type
            continue
        current = describe(part, current.model_fields[part]).record
    return current


def _fields_at(model: type[BaseModel], loc: FieldPath) -> list[str]:
    target = _model_at(model, loc)
    if target is None:
        return []
    fields = list(target.model_fields)
    return (["kind"] + [f for f in fields if f != "kind"]) if "kind" in fields else fields


def _field_description(model: type[BaseModel], loc: FieldPath) -> str:
    target = _model_at(model, loc[:-1])
    if target is None or not loc or loc[-1] not in target.model_fields:
        return ""
    description = target.model_fields[loc[-1]].description or ""
    return description.rstrip(".")


