"""The outline of a brief for the editor: its front matter's fields and its body's headings, nested."""

from __future__ import annotations

from dataclasses import dataclass, field

from .places import ITEM, Document, Line, is_blank, read_line


@dataclass
class Section:
    """A key (or list item) of the front matter and the lines it spans, with its own sections."""

    name: str
    detail: str
    line: int
    column: int
    end_line: int
    is_list: bool = False
    is_item: bool = False
    children: list[Section] = field(default_factory=list)


def outline(doc: Document) -> list[Section]:
    """The front matter's top-level fields, with their entries and list items."""
    entries = []
    for i in range(doc.front_start, doc.front_end):
        text = doc.lines[i]
        if not is_blank(text):
            entries.append((i, read_line(text)))
    return _sections(entries, 0, len(entries), 0, doc.front_end - 1)


def _sections(entries: list[tuple[int, Line]], lo: int, hi: int, depth: int, last_line: int) -> list[Section]:
    if depth > 3 or lo >= hi:
        return []
    column = entries[lo][1].first
    if column is None:
        return []
    starts = [k for k in range(lo, hi) if entries[k][1].first == column]
    found = []
    for n, k in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else hi
        line, parsed = entries[k]
        end_line = entries[stop][0] - 1 if stop < len(entries) and stop < hi else last_line
        part = parsed.tokens[0][1]
        if part is ITEM:
            name = parsed.value or next((entries[j][1].value for j in range(k, stop) if entries[j][1].value), "item")
            # the key after the dash opens the item's own mapping, at the key's column
            inner = [(line, read_line(" " * parsed.tokens[1][0] + f"{parsed.tokens[1][1]}: {parsed.value}"))] if len(parsed.tokens) > 1 else []
            section = Section(_short(name), "", line, column, end_line, is_item=True)
            section.children = _sections(inner + entries[k + 1:stop], 0, len(inner) + stop - k - 1, depth + 1, end_line)
        else:
            section = Section(str(part), _short(parsed.value), line, column, end_line)
            nested = entries[k + 1:stop]
            section.is_list = bool(nested and nested[0][1].tokens and nested[0][1].tokens[0][1] is ITEM) or parsed.value.startswith("[")
            if not parsed.value:  # under a value of its own are its continuation lines, not fields
                section.children = _sections(entries, k + 1, stop, depth + 1, end_line)
        found.append(section)
    return found


def _short(text: str, limit: int = 60) -> str:
    text = text.strip().strip("\"'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the extent of what a diagnostic points at ----------------------------------------------------

