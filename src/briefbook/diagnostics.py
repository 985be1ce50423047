"""One record for every problem found in a run, and its formatters."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


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

    def text(self) -> str:
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {field}{self.message}{hint}"


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
    return json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False)


def _escape_github_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(value: str) -> str:
    return _escape_github_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands, which show as annotations on the changed lines."""
    lines = []
    for d in diagnostics:
        title = _escape_github_property(d.field or "briefbook")
        message = d.message + (f" ({d.hint})" if d.hint else "")
        lines.append(
            f"::{d.severity} file={_escape_github_property(d.file)},line={d.line},col={d.column},"
            f"title={title}::{_escape_github_data(message)}"
        )
    lines.append(count_line(diagnostics))
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
