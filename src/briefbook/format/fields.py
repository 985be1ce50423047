"""The fields of the models, described for people.

The scaffolds of `briefbook new` and the format reference both show the format
field by field; both take that description from here, so that neither restates
the models by hand.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from annotated_types import MaxLen, MinLen
from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic_core import PydanticUndefined

from . import model

# The id type's own description, which every id field would otherwise repeat.
ID_DESCRIPTION = next(m.description for m in get_args(model.Id)[1:] if getattr(m, "description", None))

Scalar = Literal["text", "date", "id", "url", "choice", "boolean", "record"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a model: what it holds, whether it is required, what it means."""

    name: str
    required: bool
    scalar: Scalar  # what one value is; for lists and mappings, what each item is
    container: Literal["list", "mapping"] | None = None
    choices: tuple[str, ...] = ()
    description: str = ""
    default: str | None = None
    max_length: int | None = None  # of a text
    min_items: int = 0
    max_items: int | None = None
    record: type[BaseModel] | None = None  # the model of a record value
    refers_to: str | None = None  # what an id value (or each id of a list) names: model.RefersTo
    keys_refer_to: str | None = None  # what the keys of a mapping name
    children: tuple["FieldSpec", ...] = field(default=(), repr=False)

    @property
    def type_label(self) -> str:
        """The type in words, e.g. `list of KeyJudgment`, `text (at most 300 characters)`."""
        if self.scalar == "record":
            item = self.record.__name__ if self.record else "record"
        elif self.scalar == "text" and self.max_length and self.max_length <= 1_000:
            item = f"text (at most {self.max_length} characters)"
        else:
            item = SCALAR_LABELS[self.scalar]
        if self.container == "list":
            bounds = f", at least {self.min_items}" if self.min_items else ""
            return f"list of {_plural(item)}{bounds}"
        if self.container == "mapping":
            return f"mapping from id to {item}"
        return item

    @property
    def allowed_values(self) -> str:
        """The allowed values and the default, e.g. `` `high`, `moderate`, `low` `` or ``default `watching` ``."""
        values = ", ".join(f"`{c}`" for c in self.choices)
        if self.default is not None:
            values += f" (default `{self.default}`)" if values else f"default `{self.default}`"
        return values


SCALAR_LABELS = {
    "text": "text",
    "date": "date (YYYY-MM-DD)",
    "id": "id",
    "url": "web address (http:// or https://)",
    "choice": "one of the allowed values",
    "boolean": "true or false",
    "record": "record",
}


def _plural(label: str) -> str:
    head, sep, tail = label.partition(" ")
    if head[:1].isupper():  # a record name
        return label
    return (head + "s" if not head.endswith("s") else head) + sep + tail


def _strip_annotated(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    metadata = list(metadata)
    while get_origin(annotation) is typing.Annotated:
        annotation, *extra = get_args(annotation)
        metadata += extra
    return annotation, metadata


def _scalar(annotation: Any, metadata: list[Any]) -> tuple[Scalar, dict[str, Any]]:
    annotation, metadata = _strip_annotated(annotation, metadata)
    extra: dict[str, Any] = {}
    if get_origin(annotation) is Literal:
        return "choice", {"choices": tuple(str(a) for a in get_args(annotation))}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "record", {"record": annotation}
    if annotation is dt.date:
        return "date", extra
    if annotation is bool:
        return "boolean", {"choices": ("true", "false")}
    constraints = [m for m in metadata if isinstance(m, StringConstraints)]
    if any(c.pattern == model.ID_PATTERN for c in constraints):
        return "id", extra
    if any(isinstance(m, AfterValidator) and m.func is model._web_url for m in metadata):
        return "url", extra
    lengths = [c.max_length for c in constraints if c.max_length]
    if lengths:
        extra["max_length"] = min(lengths)
    return "text", extra


def _refers_to(annotation: Any, metadata: list[Any] | None = None) -> str | None:
    _, metadata = _strip_annotated(annotation, metadata or [])
    return next((m.target for m in metadata if isinstance(m, model.RefersTo)), None)


def describe(name: str, info: Any) -> FieldSpec:
    """A FieldSpec from a pydantic FieldInfo."""
    annotation, metadata = _strip_annotated(info.annotation, info.metadata)
    if get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    container = None
    item_metadata: list[Any] = []
    keys_refer_to = None
    if get_origin(annotation) is list:
        container, (annotation,) = "list", get_args(annotation)
    elif get_origin(annotation) is dict:
        keys_refer_to = _refers_to(get_args(annotation)[0])
        container, annotation = "mapping", get_args(annotation)[1]
    if container is None:
        item_metadata = metadata
    scalar, extra = _scalar(annotation, item_metadata)
    default = info.default
    shown_default = None if default in (PydanticUndefined, None) or info.default_factory else str(default)
    record = extra.get("record")
    return FieldSpec(
        name=name,
        required=info.is_required(),
        scalar=scalar,
        container=container,
        description="" if info.description == ID_DESCRIPTION else (info.description or "").strip(),
        default=shown_default,
        min_items=next((m.min_length for m in metadata if isinstance(m, MinLen)), 0) if container else 0,
        max_items=next((m.max_length for m in metadata if isinstance(m, MaxLen)), None) if container else None,
        children=fields_of(record) if record else (),
        refers_to=_refers_to(annotation, item_metadata),
        keys_refer_to=keys_refer_to,
        **extra,
    )


def fields_of(record: type[BaseModel]) -> tuple[FieldSpec, ...]:
    """The fields of a model in the order an analyst writes them: `kind` first, then the model's order."""
    specs = [describe(name, info) for name, info in record.model_fields.items()]
    return tuple(sorted(specs, key=lambda s: s.name != "kind"))


def writing_order(kind_model: type[BaseModel]) -> tuple[FieldSpec, ...]:
    """A kind's fields as a brief lists them: `kind`, the common required fields, the kind's own, the common optional ones."""
    own = set(kind_model.__annotations__)
    specs = fields_of(kind_model)
    return tuple([s for s in specs if s.name == "kind"]
                 + [s for s in specs if s.name not in own and s.required]
                 + [s for s in specs if s.name in own and s.name != "kind"]
                 + [s for s in specs if s.name not in own and not s.required])


def records_of(models: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every record model reachable from the given models, in order of first appearance."""
    seen: dict[type[BaseModel], None] = {}

    def walk(specs: tuple[FieldSpec, ...]) -> None:
        for spec in specs:
            if spec.record and spec.record not in seen:
                seen[spec.record] = None
                walk(spec.children)

    for m in models:
        walk(fields_of(m))
    return list(seen)


def doc_of(record: type[BaseModel]) -> str:
    """The model's own docstring (not one inherited from a base class)."""
    doc = record.__dict__.get("__doc__") or ""
    return " ".join(doc.split())
