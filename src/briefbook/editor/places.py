"""Where a position in a brief's text falls: which field, whether on a key or a value, which citation.

The text is read line by line from its indentation, not parsed as YAML: a buffer being typed is
rarely valid YAML, and that is when an editor asks what may come next. What a field holds is then
looked up in the format (fields.py), never restated here. The language server is the reader.

Columns here are 0-based and count characters (code points), as Python strings do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Union

from pydantic import BaseModel

from ..format.model import KINDS, SOURCES_SUFFIXES, BriefBase, SourceList


class _Item:
    """One item of a list, whatever its index, in a path."""

    def __repr__(self) -> str:
        return "ITEM"


ITEM = _Item()
PathPart = Union[str, _Item]

_KEY = re.compile(r"""([A-Za-z0-9_][\w.-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:(?=[ \t]|$)""")
_DASH = re.compile(r"-(?=[ \t]|$)[ \t]*")
_CLOSING = re.compile(r"^---[ \t]*$")
_ID_CHARS = re.compile(r"[a-z0-9-]*")
_WORD_CHARS = re.compile(r"[\w.-]*")
_KIND_LINE = re.compile(r"""^kind:[ \t]*["']?([a-z]+)""")
# `[@` and any ids already listed, up to the cursor: what follows is a source id
_OPEN_CITATION = re.compile(r"\[@(?:[a-z0-9-]*[ \t]*;[ \t]*@)*([a-z0-9-]*)$")
_CITATION = re.compile(r"\[@[a-z0-9][a-z0-9-]*(?:\s*;\s*@[a-z0-9][a-z0-9-]*)*\]")
_CITED_ID = re.compile(r"@([a-z0-9][a-z0-9-]*)")


def split_lines(text: str) -> list[str]:
    """The lines as the loader and the protocol count them: split at \\n, \\r\\n and \\r only."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@dataclass(frozen=True)
class Line:
    """The structure of one line of YAML: its list dashes and key, and where its inline value starts."""

    tokens: tuple[tuple[int, PathPart], ...]  # (column, a key or ITEM), left to right
    key_end: int | None  # the column after the key's text
    value_start: int  # where what follows the key (or the dashes) starts
    value: str  # the inline value, without a trailing comment

    @property
    def first(self) -> int | None:
        return self.tokens[0][0] if self.tokens else None


def read_line(line: str) -> Line:
    col = len(line) - len(line.lstrip(" "))
    tokens: list[tuple[int, PathPart]] = []
    while (dash := _DASH.match(line, col)) is not None:
        tokens.append((col, ITEM))
        col = dash.end()
    key_end = None
    if (key := _KEY.match(line, col)) is not None:
        tokens.append((col, key.group(1).strip("\"'")))
        key_end = key.start() + len(key.group(1))
        col = key.end()
        col += len(line) - col - len(line[col:].lstrip(" \t"))
    return Line(tuple(tokens), key_end, col, strip_comment(line[col:]))


def strip_comment(value: str) -> str:
    """A value without its `# comment` (a `#` after a space and outside quotes starts one)."""
    quote = None
    for i, c in enumerate(value):
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'" and (i == 0 or value[i - 1] in " [,"):
            quote = c
        elif c == "#" and (i == 0 or value[i - 1] in " \t"):
            return value[:i].rstrip()
    return value.rstrip()


def is_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


@dataclass(frozen=True)
class Document:
    """A brief (or sources file) as lines, with where its front matter lies."""

    lines: list[str]
    front_start: int  # index of the first front matter line
    front_end: int  # index of the line after it (the closing `---`, or the end)
    sources_file: bool

    @classmethod
    def of(cls, text: str, file_name: str) -> Document:
        lines = split_lines(text)
        if file_name.endswith(SOURCES_SUFFIXES):
            return cls(lines, 0, len(lines), True)
        if not lines or lines[0].lstrip("\ufeff").rstrip() != "---":
            return cls(lines, 0, 0, False)
        end = next((i for i in range(1, len(lines)) if _CLOSING.match(lines[i])), len(lines))
        return cls(lines, 1, end, False)

    def in_front(self, line: int) -> bool:
        return self.front_start <= line < self.front_end

    def in_body(self, line: int) -> bool:
        return not self.sources_file and self.front_end < line < len(self.lines)

    def root(self) -> type[BaseModel]:
        """The model of the front matter: the kind it names, a sources list, or the fields every kind has."""
        if self.sources_file:
            return SourceList
        for line in self.lines[self.front_start:self.front_end]:
            if (match := _KIND_LINE.match(line)) and match.group(1) in KINDS:
                return KINDS[match.group(1)]
        return BriefBase


@dataclass(frozen=True)
class Place:
    """What sits at a position: a key of the mapping at `path`, the value of `path`, a citation, or nothing."""

    where: Literal["key", "value", "citation", "none"]
    path: tuple[PathPart, ...] = ()
    start: int = 0  # the columns of the word at the position, to replace or to look up
    end: int = 0
    word: str = ""
    siblings: frozenset[str] = field(default_factory=frozenset)  # keys already in the same mapping


NOWHERE = Place("none")


def place_at(doc: Document, line: int, column: int) -> Place:
    if not 0 <= line < len(doc.lines):
        return NOWHERE
    text = doc.lines[line]
    column = min(column, len(text))
    if doc.in_body(line):
        return _citation_at(text, column)
    if not doc.in_front(line):
        return NOWHERE
    return _front_place(doc, line, column)


def _citation_at(text: str, column: int) -> Place:
    if (opened := _OPEN_CITATION.search(text, 0, column)) is not None:
        start = opened.start(1)
        end = column + _ID_CHARS.match(text, column).end() - column  # type: ignore[union-attr]
        return Place("citation", start=start, end=end, word=text[start:end])
    for citation in _CITATION.finditer(text):
        if citation.start() <= column <= citation.end():
            for cited in _CITED_ID.finditer(text, citation.start(), citation.end()):
                if cited.start() <= column <= cited.end():
                    return Place("citation", start=cited.start(1), end=cited.end(1), word=cited.group(1))
    return NOWHERE


def _front_place(doc: Document, line: int, column: int) -> Place:
    text = doc.lines[line]
    if text.lstrip().startswith("#") and column >= text.index("#"):
        return NOWHERE
    parsed = read_line(text)
    own = list(parsed.tokens)
    key_col = own[-1][0] if own and own[-1][1] is not ITEM else None
    if key_col is not None and column <= (parsed.key_end or 0):
        if column < key_col:
            return NOWHERE
        # on a key: the mapping it belongs to is above it
        own.pop()
        where, start, end = "key", key_col, parsed.key_end or key_col
    elif key_col is not None:
        # after `key:`, the value of that key
        where, start, end = "value", parsed.value_start, parsed.value_start + len(parsed.value)
    elif own:
        # after `- `: an item of the list (or the first key of a record item being typed: the format tells)
        where, start, end = "value", parsed.value_start, parsed.value_start + len(parsed.value)
    else:
        start = len(text) - len(text.lstrip(" "))
        if text.strip() and column < start:
            return NOWHERE
        if not text.strip():
            start = column
        word = _WORD_CHARS.match(text, start)
        where, end = "key", word.end() if word else start  # type: ignore[assignment]
    ancestors = _ancestors(doc, line, own, start)
    if ancestors is None:
        return NOWHERE
    path = tuple(ancestors)
    if where == "value":
        start, end = _value_word(text, start, end, column)
        if start < 0:
            path += (ITEM,)
            start = -start - 1
    new_item = bool(own) and own[-1][1] is ITEM  # `- key` starts an item: the keys above belong to the one before
    siblings = _sibling_keys(doc, line, start, upward=not new_item) if where == "key" else frozenset()
    return Place(where, path, start, end, text[start:end], siblings)  # type: ignore[arg-type]


def _ancestors(doc: Document, line: int, own: list[tuple[int, PathPart]], column: int) -> list[PathPart] | None:
    """The keys and list items that hold what starts at `column` of `line`, outermost first;
    None inside a block scalar or a value that goes on over several lines."""
    path = [part for _, part in own]
    limit = own[0][0] if own else column
    for i in range(line - 1, doc.front_start - 1, -1):
        if limit == 0:
            break
        text = doc.lines[i]
        if is_blank(text):
            continue
        parsed = read_line(text)
        if not parsed.tokens:
            first = len(text) - len(text.lstrip(" "))
            if first < limit:
                return None  # under a plain value that goes on over lines
            continue
        outer = [(col, part) for col, part in parsed.tokens if col < limit]
        if not outer:
            continue
        if outer[-1] == parsed.tokens[-1] and parsed.value:
            return None  # under a key or an item that has a value of its own (`summary: >-`, a long text)
        path[:0] = [part for _, part in outer]
        limit = outer[0][0]
    return path


def _value_word(text: str, start: int, end: int, column: int) -> tuple[int, int]:
    """The part of a value to replace at the column: in a flow list `[a, b]`, the item at the column
    (its start returned as -start - 1); else the whole value."""
    value = text[start:end]
    if value.startswith("[") and column > start and "]" not in text[start:column]:
        item_start = max(text.rfind(",", start, column), start) + 1
        while item_start < column and text[item_start] == " ":
            item_start += 1
        stop = len(text)
        for c in ",]":
            found = text.find(c, column)
            stop = min(stop, found) if found >= 0 else stop
        item_end = len(text[:stop].rstrip())
        return -item_start - 1, max(item_end, item_start)
    return start, end


def _sibling_keys(doc: Document, line: int, column: int, upward: bool = True) -> frozenset[str]:
    """The keys at this column of the mapping around `line`."""
    found = set()
    for step in ((-1, 1) if upward else (1,)):
        i = line + step
        while doc.front_start <= i < doc.front_end:
            text = doc.lines[i]
            if not is_blank(text):
                parsed = read_line(text)
                keys = [part for col, part in parsed.tokens if col == column and part is not ITEM]
                found.update(keys)  # type: ignore[arg-type]
                first = parsed.first if parsed.first is not None else len(text) - len(text.lstrip(" "))
                if first < column or (step == 1 and parsed.tokens and parsed.tokens[0][0] == column - 2 and parsed.tokens[0][1] is ITEM):
                    break
            i += step
    return frozenset(found)


# --- what the format expects at a path ----------------------------------------------------------


def extent(text: str, column: int) -> int:
    """The column where the key, value or citation starting at `column` ends (at least one further)."""
    if column >= len(text):
        return max(column, len(text))
    if (key := _KEY.match(text, column)) is not None:
        return key.start() + len(key.group(1))
    if text.startswith("[@", column) and (close := text.find("]", column)) >= 0:
        return close + 1
    before = text[:column].rstrip()
    if before.endswith(("[", ",")):
        stop = min([i for i in (text.find(",", column), text.find("]", column)) if i >= 0] or [len(text)])
        return max(column + 1, len(text[:stop].rstrip()))
    return max(column + 1, column + len(strip_comment(text[column:])))


def find_id(text: str, column: int, named_id: str) -> tuple[int, int]:
    """The columns of an id named at `column` (a citation's bracket, a quoted or plain value)."""
    if text.startswith("[", column):
        match = re.compile(rf"@{re.escape(named_id)}(?![a-z0-9-])").search(text, column)
        if match:
            return match.start() + 1, match.end()
    if text[column:column + 1] in ("'", '"') and text.startswith(named_id, column + 1):
        column += 1
    return column, column + len(named_id)

