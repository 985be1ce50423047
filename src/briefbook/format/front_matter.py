"""Front matter to plain values, with the position of each: YAML's hazards handled here, once.

Duplicate keys, anchors and aliases, tabs, custom tags, excessive nesting and more than one
document each get a diagnostic that points at the line, never a traceback.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml import events as ev

from .characters import DECEPTIVE, MAX_DECEPTIVE_REPORTED, deceptive_message, deceptive_places, deceptive_problems, may_deceive
from .diagnostics import Diagnostic
from .model import MAX_DEPTH, MAX_NODES
from .raw import FieldPath, Position, RawFile, dotted

try:  # the C parser is much faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
# a plain scalar can be read as something other than text only if it starts with one of these
_IMPLICIT_FIRST_CHARACTERS = frozenset(c for c in _resolver.yaml_implicit_resolvers if c is not None)
_CONSTRUCT = {
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
    "tag:yaml.org,2002:timestamp": _constructor.construct_yaml_timestamp,
}
# Plain scalars YAML reads as something other than text: where the format expects
# text, the analyst almost certainly meant the text (`country: NO`, `stance: yes`).
NON_TEXT_TAGS = {
    "tag:yaml.org,2002:bool": "the boolean",
    "tag:yaml.org,2002:int": "the number",
    "tag:yaml.org,2002:float": "the number",
    "tag:yaml.org,2002:null": "an empty value",
}


class _YamlProblem(Exception):
    def __init__(self, line: int, column: int, field: str, message: str, hint: str = ""):
        super().__init__(message)
        self.line, self.column, self.field, self.message, self.hint = line, column, field, message, hint


def _scalar_value(event: ev.ScalarEvent, path: FieldPath, raw: RawFile, line: int, col: int) -> Any:
    tag = event.tag
    if tag not in (None, "!") and tag != _STR_TAG:
        raise _YamlProblem(line, col, dotted(path), f"YAML tag `{tag}` is not allowed", "remove the tag; write plain text, a number or a date")
    plain = tag is None and event.implicit[0]
    if not plain or event.value[:1] not in _IMPLICIT_FIRST_CHARACTERS:
        return event.value
    resolved = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))
    construct = _CONSTRUCT.get(resolved)
    if construct is None:
        return event.value
    try:
        value = construct(yaml.ScalarNode(resolved, event.value))
    except ValueError as err:  # e.g. `2019-02-30`: shaped like a date, but no such day
        raise _YamlProblem(line, col, dotted(path), f"`{event.value}` is not a valid date: {err}",
                           "check the year, month and day: YYYY-MM-DD") from None
    if resolved in NON_TEXT_TAGS:
        raw.non_text[path] = (event.value, resolved)
    return value


def _build(front: str, raw: RawFile, line_offset: int) -> Any:
    """Build plain values from parser events, recording positions and refusing hazards.

    Events are pulled one at a time (a 1 MB list would take hundreds of MB as a list of
    events), and this loop is the loader's hot path: it is written flat on purpose.
    """
    values, keys = raw.values, raw.keys
    root: Any = None
    stack: list[list[Any]] = []  # frames: [container, path, key awaiting its value or None, is a mapping]
    nodes = documents = 0
    parser = _YamlLoader(front)
    get_event = parser.get_event
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is _SCALAR or kind is _MAPPING_START or kind is _SEQUENCE_START:
                mark = event.start_mark
                line, col = mark.line + line_offset, mark.column + 1
                if event.anchor is not None:
                    raise _YamlProblem(line, col, "", _ANCHOR_MESSAGE, _ANCHOR_HINT)
                nodes += 1
                if nodes > MAX_NODES:
                    raise _YamlProblem(line, col, "", f"the front matter has more than {MAX_NODES} values", "split the brief")
                if stack:
                    frame = stack[-1]
                    container, path, key, is_mapping = frame
                    if is_mapping and key is None:  # this event is a key
                        if kind is not _SCALAR:
                            raise _YamlProblem(line, col, dotted(path), "mapping keys must be plain text")
                        key = event.value
                        if key in container:
                            first = keys[path + (key,)]
                            raise _YamlProblem(line, col, dotted(path + (key,)), f"duplicate key `{key}` (first given on line {first[0]})",
                                               "YAML would silently keep only the last one; merge the two or rename one")
                        frame[2] = key
                        keys[path + (key,)] = (line, col)
                        continue
                    child = path + ((key,) if is_mapping else (len(container),))
                else:
                    frame, child = None, ()
                if kind is _SCALAR:
                    value = _scalar_value(event, child, raw, line, col)
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise _YamlProblem(line, col, dotted(child[:-1]), f"the front matter is nested more than {MAX_DEPTH} levels deep")
                    if event.tag not in (None, "!"):
                        raise _YamlProblem(line, col, dotted(child), f"YAML tag `{event.tag}` is not allowed", "remove the tag")
                    value = {} if kind is _MAPPING_START else []
                if frame is None:
                    root = value
                elif frame[3]:
                    frame[0][frame[2]] = value
                    frame[2] = None
                else:
                    frame[0].append(value)
                values[child] = (line, col)
                if kind is not _SCALAR:
                    stack.append([value, child, None, kind is _MAPPING_START])
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                stack.pop()
            elif kind is _ALIAS:
                mark = event.start_mark
                raise _YamlProblem(mark.line + line_offset, mark.column + 1, "", _ANCHOR_MESSAGE, _ANCHOR_HINT)
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _YamlProblem(line_offset, 1, "", "the front matter holds more than one YAML document")
            elif kind is ev.StreamEndEvent or event is None:
                return root
    finally:
        parser.dispose()


_SCALAR, _ALIAS = ev.ScalarEvent, ev.AliasEvent
_MAPPING_START, _MAPPING_END = ev.MappingStartEvent, ev.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = ev.SequenceStartEvent, ev.SequenceEndEvent
_ANCHOR_MESSAGE = "YAML anchors and aliases (`&name`, `*name`) are not allowed"
_ANCHOR_HINT = "write the value out in full; aliases hide what a field holds"


def split_front_matter(text: str, display: str) -> tuple[str, str, int] | Diagnostic:
    """(front matter, body, line of the body) or the diagnostic that says what is wrong."""
    first, newline, rest = text.partition("\n")
    if first.rstrip() != "---":
        return Diagnostic(display, 1, 1, "", "front matter missing: a brief must start with a line `---`",
                          "put the fields between two `---` lines at the top of the file")
    closing = re.search(r"^---[ \t]*$", rest, re.MULTILINE) if newline else None
    if closing is None:
        return Diagnostic(display, 1, 1, "", "front matter opened on line 1 is never closed",
                          "add a line `---` after the last field")
    front = rest[: closing.start()]
    body = rest[closing.end() + 1:]
    body_line = front.count("\n") + 3
    return front, body, body_line


def parse_yaml(front: str, raw: RawFile, first_line: int) -> list[Diagnostic]:
    """Fill raw.data from YAML text that starts on file line `first_line`."""
    problems = []
    for number, line in enumerate(front.split("\n") if "\t" in front else (), start=first_line):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            problems.append(Diagnostic(raw.display, number, len(line) - len(stripped) + 1, "",
                                       "tab used for indentation", "YAML indents with spaces only; replace the tab with spaces"))
    if problems:
        return problems
    written = deceptive_places(front, first_line) if may_deceive(front) else []
    if written:  # parsed with each replaced, to name the field it sits in
        front = DECEPTIVE.sub("\ufffd", front)
    try:
        data = _build(front, raw, first_line)
    except _YamlProblem as p:
        return deceptive_problems(raw, written) + [Diagnostic(raw.display, p.line, p.column, p.field, p.message, p.hint)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + first_line if mark else first_line
        column = mark.column + 1 if mark else 1
        context = f"{err.context} " if err.context else ""
        return deceptive_problems(raw, written) + [Diagnostic(raw.display, line, column, "", f"YAML syntax error: {context}{err.problem}".strip(),
                                                      "check the indentation and quoting on this line and the one before")]
    except yaml.YAMLError as err:  # reported without a mark
        return deceptive_problems(raw, written) + [Diagnostic(raw.display, first_line, 1, "", f"YAML error: {err}")]
    problems = deceptive_problems(raw, written, named=True)
    if "\\" in front:  # in double quotes, an escape such as `\e` or `\u202e` writes one
        problems += _escapeddeceptive_problems(raw, data)
    if problems:
        return problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return [Diagnostic(raw.display, first_line, 1, "", "the front matter must be a mapping of fields (`name: value`)")]
    raw.data = data
    return []


def _escapeddeceptive_problems(raw: RawFile, data: Any) -> list[Diagnostic]:
    """Keys and values that an escape in double quotes gave a character of DECEPTIVE."""
    problems: list[Diagnostic] = []

    def report(text: str, path: FieldPath, where: Position) -> None:
        if len(problems) < MAX_DECEPTIVE_REPORTED and (match := DECEPTIVE.search(text)):
            problems.append(Diagnostic(raw.display, *where, dotted(path), deceptive_message(match.group()),
                                       "remove the escape that writes it, such as `\\e`, `\\x1b` or `\\u202e`"))

    def walk(value: Any, path: FieldPath) -> None:
        if isinstance(value, str):
            report(value, path, raw.values[path])
        elif isinstance(value, dict):
            for key, child in value.items():
                report(key, path + (key,), raw.keys[path + (key,)])
                walk(child, path + (key,))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, path + (i,))

    walk(data, ())
    return problems
