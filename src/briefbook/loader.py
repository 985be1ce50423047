"""Files to raw briefs: front matter as plain values, the body, and where every value sits.

YAML hazards are handled here, once: duplicate keys, anchors and aliases, tabs,
custom tags, excessive nesting, bad encodings and oversized files each get a
diagnostic that points at the line, never a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import marshal
import os
import re
import stat
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from yaml import events as ev

from .cache import digest
from .diagnostics import Diagnostic
from .model import ID_PATTERN, MAX_ID_LENGTH

try:  # the C parser is much faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 100_000
MAX_BODY_CHARS = 60_000
MAX_PARAGRAPH_CHARS = 6_000  # a paragraph, list or table without a blank line in it
BRIEF_SUFFIX = ".md"
SOURCES_SUFFIXES = (".yml", ".yaml")
# suffixes of files that are surely meant as briefs or sources, and what they should be
_MEANT_SUFFIXES = {".md": BRIEF_SUFFIX, ".markdown": BRIEF_SUFFIX, ".mdown": BRIEF_SUFFIX, ".mkd": BRIEF_SUFFIX,
                   ".yml": ".yml", ".yaml": ".yaml"}
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
ID_RE = re.compile(ID_PATTERN)

Path_ = tuple[str | int, ...]
Location = tuple[int, int]

# Characters that make text show other than it is, refused in every value, key and body: the C0
# controls but tab and newline (a carriage return is read as a line end before this), DEL and the
# C1 controls, which a terminal takes as commands (ESC clears the screen or moves the cursor); and
# the Unicode bidi embeddings, overrides and isolates, which reorder what a reader, a reviewer of the
# pull request or an editor shows (CVE-2021-42574, "Trojan Source"). The marks U+200E, U+200F and
# U+061C are allowed: right-to-left text needs them, and they reorder nothing but neutral characters.
DECEPTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_DECEPTIVE_REPORTED = 20  # per part of a file; a file full of them gets a count after these

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


# Told of each read of a file's body while it is set: a body shows on few pages (its brief's own),
# so the page cache (asked.py) notes who reads it rather than counting it in every brief's answer.
body_readers: ContextVar[Callable[[RawFile], None] | None] = ContextVar("body_readers", default=None)


@dataclass
class RawFile:
    """A loaded file: its front matter as plain values, and where each value sits."""

    path: Path
    display: str
    data: dict[str, Any]
    body_text: str = ""  # read it as `body`, so that a renderer can note who reads it
    body_line: int = 1
    # the YAML text as written, comments included, and the file line it starts on
    front: str = ""
    front_line: int = 1
    # path of a value -> (line, column) of the value, and of its key when in a mapping
    values: dict[Path_, Location] = field(default_factory=dict)
    keys: dict[Path_, Location] = field(default_factory=dict)
    # path of a plain scalar that YAML read as a non-text value -> (its text, what YAML read)
    non_text: dict[Path_, tuple[str, str]] = field(default_factory=dict)
    digest: bytes = b""  # of the file's bytes: what a cached result of this file is keyed by
    front_digest: bytes = b""  # of the front matter alone: all that most pages show of a brief
    packed_positions: bytes = b""  # values and keys while cached, unpacked when first asked for

    @functools.cached_property  # asked for on every link to the brief
    def id(self) -> str:
        return self.path.stem

    @property
    def body(self) -> str:
        reader = body_readers.get()
        if reader is not None:
            reader(self)
        return self.body_text

    @body.setter
    def body(self, text: str) -> None:
        self.body_text = text

    def locate(self, path: Path_) -> Location:
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
        return _dotted(max(before, key=lambda entry: (entry[0], len(entry[1])))[1]) if before else ""

    def key_location(self, path: Path_) -> Location:
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


class _YamlProblem(Exception):
    def __init__(self, line: int, column: int, field: str, message: str, hint: str = ""):
        super().__init__(message)
        self.line, self.column, self.field, self.message, self.hint = line, column, field, message, hint


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _scalar_value(event: ev.ScalarEvent, path: Path_, raw: RawFile, line: int, col: int) -> Any:
    tag = event.tag
    if tag not in (None, "!") and tag != _STR_TAG:
        raise _YamlProblem(line, col, _dotted(path), f"YAML tag `{tag}` is not allowed", "remove the tag; write plain text, a number or a date")
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
        raise _YamlProblem(line, col, _dotted(path), f"`{event.value}` is not a valid date: {err}",
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
                            raise _YamlProblem(line, col, _dotted(path), "mapping keys must be plain text")
                        key = event.value
                        if key in container:
                            first = keys[path + (key,)]
                            raise _YamlProblem(line, col, _dotted(path + (key,)), f"duplicate key `{key}` (first given on line {first[0]})",
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
                        raise _YamlProblem(line, col, _dotted(child[:-1]), f"the front matter is nested more than {MAX_DEPTH} levels deep")
                    if event.tag not in (None, "!"):
                        raise _YamlProblem(line, col, _dotted(child), f"YAML tag `{event.tag}` is not allowed", "remove the tag")
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


def _pending_path(stack: list[list[Any]]) -> Path_:
    if not stack:
        return ()
    container, path, key = stack[-1]
    return path + ((len(container),) if isinstance(container, list) else (key,))


def _too_large(display: str, size: int) -> Diagnostic:
    return Diagnostic(display, 1, 1, "", f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                      "split it into several briefs, or move long material to a linked source")


def _decode(data: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    if len(data) > MAX_FILE_BYTES:
        return None, [_too_large(display, len(data))]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        column = len(data[line_start:err.start].decode("utf-8").lstrip("\ufeff")) + 1
        return None, [Diagnostic(display, line, column, "", f"the file is not valid UTF-8 (byte 0x{data[err.start]:02x})",
                                 "save the file as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        hint = "list the sources under `sources:`" if display.endswith(SOURCES_SUFFIXES) else "start it with front matter between `---` lines"
        return None, [Diagnostic(display, 1, 1, "", "the file is empty", hint)]
    return text, []


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
    written = _deceptive_places(front, first_line) if _may_deceive(front) else []
    if written:  # parsed with each replaced, to name the field it sits in
        front = DECEPTIVE.sub("\ufffd", front)
    try:
        data = _build(front, raw, first_line)
    except _YamlProblem as p:
        return _deceptive(raw, written) + [Diagnostic(raw.display, p.line, p.column, p.field, p.message, p.hint)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + first_line if mark else first_line
        column = mark.column + 1 if mark else 1
        context = f"{err.context} " if err.context else ""
        return _deceptive(raw, written) + [Diagnostic(raw.display, line, column, "", f"YAML syntax error: {context}{err.problem}".strip(),
                                                      "check the indentation and quoting on this line and the one before")]
    except yaml.YAMLError as err:  # reported without a mark
        return _deceptive(raw, written) + [Diagnostic(raw.display, first_line, 1, "", f"YAML error: {err}")]
    problems = _deceptive(raw, written, named=True)
    if "\\" in front:  # in double quotes, an escape such as `\e` or `\u202e` writes one
        problems += _escaped_deceptive(raw, data)
    if problems:
        return problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return [Diagnostic(raw.display, first_line, 1, "", "the front matter must be a mapping of fields (`name: value`)")]
    raw.data = data
    return []


def _may_deceive(text: str) -> bool:
    # str.isprintable() is false for each character of DECEPTIVE (and for a few more, such as a
    # no-break space), and tells most texts apart in half the time of a search with DECEPTIVE
    return not text.replace("\n", " ").replace("\t", " ").isprintable() and DECEPTIVE.search(text) is not None


def _deceptive_places(text: str, first_line: int) -> list[tuple[int, int, str]]:
    """(line, column, character) of each character of DECEPTIVE in a text starting on `first_line`."""
    places = []
    for match in DECEPTIVE.finditer(text):
        start = match.start()
        line_start = text.rfind("\n", 0, start) + 1
        places.append((first_line + text.count("\n", 0, start), start - line_start + 1, match.group()))
    return places


def _deceptive_message(character: str) -> str:
    name = unicodedata.name(character, "")  # the bidi controls have names, the others none
    what = f"the bidi control U+{ord(character):04X} ({name})" if name else f"the control character U+{ord(character):04X}"
    return f"{what} is not allowed: it makes the text show other than it is"


def _deceptive(raw: RawFile, places: list[tuple[int, int, str]], named: bool = False, field: str = "") -> list[Diagnostic]:
    """A diagnostic for each place (the first MAX_DECEPTIVE_REPORTED of them, then a count), in the
    field that holds it when the front matter could be read (`named`), else in `field`."""
    problems = [Diagnostic(raw.display, line, column, raw.field_at(line, column) if named else field, _deceptive_message(c),
                           "delete it; your editor may not show it")
                for line, column, c in places[:MAX_DECEPTIVE_REPORTED]]
    if len(places) > MAX_DECEPTIVE_REPORTED:
        line, column, _ = places[MAX_DECEPTIVE_REPORTED]
        problems.append(Diagnostic(raw.display, line, column, field, f"{len(places) - MAX_DECEPTIVE_REPORTED:,} more control characters from here on",
                                   "delete them; your editor may not show them"))
    return problems


def _escaped_deceptive(raw: RawFile, data: Any) -> list[Diagnostic]:
    """Keys and values that an escape in double quotes gave a character of DECEPTIVE."""
    problems: list[Diagnostic] = []

    def report(text: str, path: Path_, where: Location) -> None:
        if len(problems) < MAX_DECEPTIVE_REPORTED and (match := DECEPTIVE.search(text)):
            problems.append(Diagnostic(raw.display, *where, _dotted(path), _deceptive_message(match.group()),
                                       "remove the escape that writes it, such as `\\e`, `\\x1b` or `\\u202e`"))

    def walk(value: Any, path: Path_) -> None:
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


def check_body(raw: RawFile) -> list[Diagnostic]:
    """No character of DECEPTIVE in the body, and bounds: Markdown's cost grows faster than the length of a paragraph."""
    deceptive = _deceptive(raw, _deceptive_places(raw.body, raw.body_line), field="body") if _may_deceive(raw.body) else []
    return deceptive + _body_size(raw)


def _body_size(raw: RawFile) -> list[Diagnostic]:
    if len(raw.body) > MAX_BODY_CHARS:
        return [Diagnostic(raw.display, raw.body_line, 1, "body", f"the body is {len(raw.body):,} characters, over the limit of {MAX_BODY_CHARS:,}",
                           "split the brief, or move long material to a linked source")]
    start, length = raw.body_line, 0
    for number, line in enumerate(raw.body.split("\n"), start=raw.body_line):
        if not line.strip():
            start, length = number + 1, 0
            continue
        length += len(line) + 1
        if length > MAX_PARAGRAPH_CHARS:
            return [Diagnostic(raw.display, start, 1, "body", f"the paragraph starting on this line is over {MAX_PARAGRAPH_CHARS:,} characters long",
                               "break it into shorter paragraphs with blank lines")]
    return []


def _is_id(name: str) -> bool:
    return bool(ID_RE.match(name)) and len(name) <= MAX_ID_LENGTH


def _as_id(name: str, fallback: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_ID_LENGTH] or fallback


def check_file_name(path: Path, display: str) -> Diagnostic | None:
    stem = path.stem
    if not _is_id(stem):
        return Diagnostic(display, 1, 1, "id", f"the file name gives the id `{stem}`, which is not a valid id",
                          f"ids are lowercase letters, digits and single hyphens, at most {MAX_ID_LENGTH} characters: rename it `{_as_id(stem, 'brief')}{path.suffix}`")
    if stem in RESERVED_NAMES:
        return Diagnostic(display, 1, 1, "id", f"`{stem}` is a reserved device name on Windows", "choose another file name")
    return None


def check_folder_name(name: str) -> tuple[str, str] | None:
    """(message, hint) when a folder under the briefs folder may not have this name. Folder names
    reach the edit link of every brief in them, so they are held to what an id may hold."""
    if not _is_id(name):
        return (f"the folder name `{name}` is not an id: folders under the briefs folder are named as ids are",
                f"use lowercase letters, digits and single hyphens: rename it `{_as_id(name, 'briefs')}`")
    if name in RESERVED_NAMES:
        return f"`{name}` is a reserved device name on Windows", "choose another folder name"
    return None


def load_file(path: Path, display: str) -> tuple[RawFile | None, list[Diagnostic]]:
    """Read one brief (`.md`) or shared sources file (`.yml`)."""
    data, problems = read_file(path, display)
    if data is None:
        return None, problems
    return parse_file(path, display, data, digest(data))


def read_file(path: Path, display: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A file's bytes, refusing what is not a regular file or is over the size limit."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
            return None, [Diagnostic(display, 1, 1, "", "not a regular file", "briefs must be plain files")]
        if status.st_size > MAX_FILE_BYTES:  # refuse before reading, so a huge file costs nothing
            return None, [_too_large(display, status.st_size)]
        with path.open("rb") as handle:  # never more than the limit, even if the file grows meanwhile
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        return None, [Diagnostic(display, 1, 1, "", f"cannot read the file: {err.strerror}")]
    return data, []


def parse_file(path: Path, display: str, data: bytes, data_digest: bytes) -> tuple[RawFile | None, list[Diagnostic]]:
    """A file's bytes as front matter and body; `data_digest` is `digest(data)`, which the caller has already."""
    text, problems = _decode(data, display)
    if text is None:
        return None, problems
    raw = RawFile(path=path, display=display, data={}, digest=data_digest)
    if path.suffix in SOURCES_SUFFIXES:
        raw.front = text
        problems = parse_yaml(text, raw, 1)
        return (None if problems else raw), problems
    name_problem = check_file_name(path, display)
    split = split_front_matter(text, display)
    if isinstance(split, Diagnostic):
        return None, [split] + ([name_problem] if name_problem else [])
    front, raw.body, raw.body_line = split
    raw.front, raw.front_line, raw.front_digest = front, 2, digest(front.encode("utf-8"))
    problems = parse_yaml(front, raw, 2) + check_body(raw)
    if name_problem:
        problems.append(name_problem)
    return (None if problems else raw), problems


def discover(root: Path, paths: list[Path], display_root: Path) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """The brief and sources files under the given paths, refusing any that resolve outside `root`."""
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    real_root = root.resolve()

    prefix = str(display_root.absolute()) + os.sep

    def display(p: Path) -> str:
        text = str(p)
        return text[len(prefix):] if text.startswith(prefix) else text

    def inside(p: Path) -> bool:
        real = p.resolve()
        return real == real_root or real_root in real.parents

    real_briefs = Path(os.path.normpath(root.absolute()))
    checked: set[Path] = set()

    def check_folders(folder: Path) -> None:
        """The name of each folder from the briefs folder down to `folder`, each reported once."""
        try:
            parts = Path(os.path.normpath(folder)).relative_to(real_briefs).parts
        except ValueError:  # outside the briefs folder: refused as such
            return
        at = real_briefs
        for part in parts:
            if part.startswith((".", "_")):  # not read by a build: its name reaches nothing
                return
            at = at / part
            if at not in checked:
                checked.add(at)
                problem = check_folder_name(part)
                if problem:
                    problems.append(Diagnostic(display(at), 1, 1, "", *problem))

    def consider(p: Path, known_inside: bool = False) -> None:
        name = p.name
        if name.startswith((".", "_")) or (p.stem.lower() == "readme" and _MEANT_SUFFIXES.get(p.suffix.lower()) == BRIEF_SUFFIX):
            return
        if p.suffix not in (BRIEF_SUFFIX, *SOURCES_SUFFIXES):
            meant = _MEANT_SUFFIXES.get(p.suffix.lower())
            if meant:  # `Extra.MD`, `notes.markdown`: surely meant as a brief, and silently missing from the site
                problems.append(Diagnostic(display(p), 1, 1, "", "not read: briefs are `.md` files and sources files `.yml` or `.yaml`",
                                           f"rename it `{p.stem}{meant}`", "warning"))
            return
        if not known_inside:
            try:
                within = inside(p)
            except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError up to Python 3.12)
                problems.append(Diagnostic(display(p), 1, 1, "", "the file is a symbolic link that never reaches a file",
                                           "remove the link, or point it at a brief inside the briefs folder"))
                return
            if not within:
                problems.append(Diagnostic(display(p), 1, 1, "", "the file links to a place outside the briefs folder",
                                           "briefs must be real files inside the briefs folder"))
                return
        found.append((p, display(p)))

    for start in paths:
        start = start.absolute()
        if start.is_file():
            check_folders(start.parent)
            consider(start)
            continue
        if not start.is_dir():
            problems.append(Diagnostic(display(start), 1, 1, "", "no such file or folder"))
            continue
        # symlinked folders are not followed, so a plain file found here is inside the root if
        # `start` is; only symlinked files need resolving (a tenth of the time of a warm check)
        start_inside = inside(start)
        for folder, dirs, files in os.walk(start):
            check_folders(Path(folder))
            for d in dirs:
                if os.path.islink(os.path.join(folder, d)) and not d.startswith((".", "_")):
                    problems.append(Diagnostic(display(Path(folder, d)), 1, 1, "", "the folder is a symbolic link; it was not read",
                                               "briefs must be real files in real folders inside the briefs folder"))
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and not os.path.islink(os.path.join(folder, d)))
            for name in sorted(files):
                path = os.path.join(folder, name)
                consider(Path(path), known_inside=start_inside and not os.path.islink(path))
    return found, problems


def dotted(path: Path_) -> str:
    return _dotted(path)

