"""What the format allows at a field path of a brief being typed: the record, field, choices or
ids a slot holds, looked up in the format (fields.py), never restated here."""

from __future__ import annotations

from dataclasses import dataclass
from pydantic import BaseModel

from ..format.fields import FieldSpec, fields_of, writing_order
from ..format.model import KINDS, BriefBase

from .places import ITEM, PathPart


@dataclass(frozen=True)
class Slot:
    """What the format expects at a path: the fields of a record, the keys of an id-keyed mapping,
    or one value of a field (`spec`, an item of it when `item`)."""

    record: type[BaseModel] | None = None
    spec: FieldSpec | None = None
    item: bool = False
    keys_of: FieldSpec | None = None  # a mapping whose keys are ids, e.g. `positions`

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        if self.record is None:
            return ()
        return writing_order(self.record) if self.record in KINDS.values() else fields_of(self.record)

    @property
    def refers_to(self) -> str | None:
        if self.keys_of is not None:
            return self.keys_of.keys_refer_to
        if self.spec is None or (self.spec.container == "list" and not self.item):
            return None
        return self.spec.refers_to

    @property
    def choices(self) -> tuple[str, ...]:
        if self.spec is None or (self.spec.container and not self.item):
            return ()
        return self.spec.choices


def slot_at(root: type[BaseModel], path: tuple[PathPart, ...]) -> Slot | None:
    """The slot a path leads to, or None where the format has nothing (an unknown field)."""
    slot = Slot(record=root)
    for part in path:
        slot = _step(slot, part)  # type: ignore[assignment]
        if slot is None:
            return None
    return slot


def _step(slot: Slot, part: PathPart) -> Slot | None:
    if slot.record is not None:
        if part is ITEM:
            return None
        spec = next((s for s in slot.fields if s.name == part), None)
        if spec is None and part == "kind" and slot.record is BriefBase:
            spec = kind_spec()
        return Slot(spec=spec) if spec is not None else None
    spec = slot.spec
    if spec is None:
        if slot.keys_of is not None and part is not ITEM:  # an entry of an id-keyed mapping
            entry = slot.keys_of
            return Slot(record=entry.record) if entry.record else Slot(spec=entry, item=True)
        return None
    if spec.container == "list" and not slot.item:
        return Slot(spec=spec, item=True) if part is ITEM else None
    if spec.container == "mapping" and not slot.item:
        return _step(Slot(keys_of=spec), part)
    if spec.record is not None:
        return _step(Slot(record=spec.record), part)
    return None


def mapping_slot(root: type[BaseModel], path: tuple[PathPart, ...]) -> Slot | None:
    """The slot whose keys are written at `path`: a record's fields, or an id-keyed mapping's keys."""
    slot = slot_at(root, path)
    if slot is None:
        return None
    if slot.record is not None or slot.keys_of is not None:
        return slot
    spec = slot.spec
    if spec is not None and spec.container == "mapping" and not slot.item:
        return Slot(keys_of=spec)
    if spec is not None and spec.record is not None and (slot.item or not spec.container):
        return Slot(record=spec.record)
    return None


def kind_spec() -> FieldSpec:
    """`kind`, whose allowed values are the kinds (each kind's model allows only its own)."""
    own = next(s for s in fields_of(next(iter(KINDS.values()))) if s.name == "kind")
    return FieldSpec(name="kind", required=True, scalar="choice", choices=tuple(KINDS), description=own.description)


# --- the outline of the front matter ------------------------------------------------------------

