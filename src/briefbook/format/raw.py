"""A file as read: its front matter as plain values, the body, and the position of every value."""

from __future__ import annotations

import dataclasses
import functools
import marshal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FieldPath = tuple[str | int, ...]
Position = tuple[int, int]  # (line, column) in the file, from 1


@dataclass
class RawFile:
    """A loaded file: its front matter as plain values, and where each value sits."""

    path: Path
    display: str
    data: dict[str, Any]
    body: str = ""
    body_line: int = 1
    # the YAML text as written, comments included, and the file line it starts on
    front: str = ""
    front_line: int = 1
    # path of a value -> (line, column) of the value, and of its key when in a mapping
    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)
    # path of a plain scalar that YAML read as a non-text value -> (its text, what YAML read)
    non_text: dict[FieldPath, tuple[str, str]] = field(default_factory=dict)
    digest: bytes = b""  # of the file's bytes: what a cached result of this file is keyed by
    front_digest: bytes = b""  # of the front matter alone: all that most pages show of a brief
    packed_positions: bytes = b""  # values and keys while cached, unpacked when first asked for

    @functools.cached_property  # asked for on every link to the brief
    def id(self) -> str:
        return self.path.stem

    def locate(self, path: FieldPath) -> Position:
        """Where a field path points: the value, else its key, else the nearest parent."""
        self._restore_positions()
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def field_at(self, line: int, column: int) -> str:
        """The field a place in the front matter belongs to: that of the last key or value before it."""
        self._restore_positions()
        before = [(where, path) for path, where in [*self.keys.items(), *self.values.items()] if where <= (line, column)]
        # a list item's mapping starts where its first key does: the longer path names the field
        return dotted(max(before, key=lambda entry: (entry[0], len(entry[1])))[1]) if before else ""

    def key_location(self, path: FieldPath) -> Position:
        """Where the key of a mapping entry sits (else where its value does)."""
        self._restore_positions()
        return self.keys.get(tuple(path)) or self.locate(path)

    def packed(self) -> RawFile:
        """A copy to cache: positions packed into one string (unpickling 80 small dicts per brief
        would take as long as the rest of the cache), and what only validation reads left out."""
        positions = marshal.dumps((self.values, self.keys))
        return dataclasses.replace(self, data={}, front="", values={}, keys={}, non_text={}, packed_positions=positions)

    def _restore_positions(self) -> None:
        if self.packed_positions:
            self.values, self.keys = marshal.loads(self.packed_positions)
            self.packed_positions = b""


def dotted(path: FieldPath) -> str:
    """A field path as a reader writes it: `positions.sanctions.sources[0]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
