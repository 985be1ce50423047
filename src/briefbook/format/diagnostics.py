"""One record for every problem found in a run, and its formatters."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]

# What a printed diagnostic shows as an escape (`\x1b`, `\u202e`) rather than as it is: every
# control character, since a newline would start a line that could pass for another diagnostic or
# a `::error` workflow command, and ESC sequences move the cursor or clear the screen; the line and
# paragraph separators; and the Unicode bidi controls and marks, which reorder what a terminal shows.
# A brief may hold none of the controls (loader.DECEPTIVE), but a file name or a message may.
_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
_LEFT_BY_JSON = re.compile(f"[\x7f-\x9f{_BIDI_AND_SEPARATORS}]")  # JSON escapes the C0 controls itself


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """The text with each character a terminal would act on, or reorder, written as its escape."""
    return _UNPRINTABLE.sub(_escape, text) if _UNPRINTABLE.search(text) else text


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def as_error(self) -> "Diagnostic":
        return Diagnostic(self.file, self.line, self.column, self.field, self.message, self.hint, "error")

    def printable(self) -> "Diagnostic":
        """The same diagnostic, its text fields as `printable` makes them: what every formatter shows."""
        return dataclasses.replace(self, file=printable(self.file), field=printable(self.field),
                                   message=printable(self.message), hint=printable(self.hint))

    def text(self) -> str:
        d = self.printable()
        field = f"{d.field}: " if d.field else ""
        hint = f" ({d.hint})" if d.hint else ""
        return f"{d.file}:{d.line}:{d.column}: {d.severity}: {field}{d.message}{hint}"


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics))


def count_line(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return "No problems found."
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def format_text(diagnostics: list[Diagnostic]) -> str:
    return "\n".join([d.text() for d in diagnostics] + [count_line(diagnostics)])


def format_json(diagnostics: list[Diagnostic]) -> str:
    # the values as they are, for tools; what JSON leaves unescaped and a terminal would act on is
    # escaped too (only strings can hold it, so the JSON stays valid and reads back the same)
    dumped = json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False)
    return _LEFT_BY_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def _escape_github_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(value: str) -> str:
    return _escape_github_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands, which show as annotations on the changed lines."""
    lines = []
    for d in (d.printable() for d in diagnostics):
        title = _escape_github_property(d.field or "briefbook")
        message = d.message + (f" ({d.hint})" if d.hint else "")
        lines.append(
            f"::{d.severity} file={_escape_github_property(d.file)},line={d.line},col={d.column},"
            f"title={title}::{_escape_github_data(message)}"
        )
    lines.append(count_line(diagnostics))
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
