"""Files to raw briefs: the bytes read within limits, decoded, split into front matter and body,
and each part read (front_matter.py) and checked for what it may not hold (characters.py)."""

from __future__ import annotations

import stat
from pathlib import Path

from ..files.store import digest
from .characters import check_body
from .diagnostics import Diagnostic
from .front_matter import parse_yaml, split_front_matter
from .model import MAX_FILE_BYTES, SOURCES_SUFFIXES
from .names import check_file_name
from .raw import RawFile


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
