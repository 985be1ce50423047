"""Characters and sizes a brief may not hold: controls that make text show other than it is, and
bodies too long for Markdown to read in good time. Checked in every key, value and body."""

from __future__ import annotations

import re
import unicodedata

from .diagnostics import Diagnostic
from .model import MAX_BODY_CHARS, MAX_PARAGRAPH_CHARS
from .raw import RawFile

# Characters that make text show other than it is, refused in every value, key and body: the C0
# controls but tab and newline (a carriage return is read as a line end before this), DEL and the
# C1 controls, which a terminal takes as commands (ESC clears the screen or moves the cursor); and
# the Unicode bidi embeddings, overrides and isolates, which reorder what a reader, a reviewer of the
# pull request or an editor shows (CVE-2021-42574, "Trojan Source"). The marks U+200E, U+200F and
# U+061C are allowed: right-to-left text needs them, and they reorder nothing but neutral characters.
DECEPTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_DECEPTIVE_REPORTED = 20  # per part of a file; a file full of them gets a count after these


def may_deceive(text: str) -> bool:
    # str.isprintable() is false for each character of DECEPTIVE (and for a few more, such as a
    # no-break space), and tells most texts apart in half the time of a search with DECEPTIVE
    return not text.replace("\n", " ").replace("\t", " ").isprintable() and DECEPTIVE.search(text) is not None


def deceptive_places(text: str, first_line: int) -> list[tuple[int, int, str]]:
    """(line, column, character) of each character of DECEPTIVE in a text starting on `first_line`."""
    places = []
    for match in DECEPTIVE.finditer(text):
        start = match.start()
        line_start = text.rfind("\n", 0, start) + 1
        places.append((first_line + text.count("\n", 0, start), start - line_start + 1, match.group()))
    return places


def deceptive_message(character: str) -> str:
    name = unicodedata.name(character, "")  # the bidi controls have names, the others none
    what = f"the bidi control U+{ord(character):04X} ({name})" if name else f"the control character U+{ord(character):04X}"
    return f"{what} is not allowed: it makes the text show other than it is"


def deceptive_problems(raw: RawFile, places: list[tuple[int, int, str]], named: bool = False, field: str = "") -> list[Diagnostic]:
    """A diagnostic for each place (the first MAX_DECEPTIVE_REPORTED of them, then a count), in the
    field that holds it when the front matter could be read (`named`), else in `field`."""
    problems = [Diagnostic(raw.display, line, column, raw.field_at(line, column) if named else field, deceptive_message(c),
                           "delete it; your editor may not show it")
                for line, column, c in places[:MAX_DECEPTIVE_REPORTED]]
    if len(places) > MAX_DECEPTIVE_REPORTED:
        line, column, _ = places[MAX_DECEPTIVE_REPORTED]
        problems.append(Diagnostic(raw.display, line, column, field, f"{len(places) - MAX_DECEPTIVE_REPORTED:,} more control characters from here on",
                                   "delete them; your editor may not show them"))
    return problems



def check_body(raw: RawFile) -> list[Diagnostic]:
    """No character of DECEPTIVE in the body, and bounds: Markdown's cost grows faster than the length of a paragraph."""
    deceptive = deceptive_problems(raw, deceptive_places(raw.body, raw.body_line), field="body") if may_deceive(raw.body) else []
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
