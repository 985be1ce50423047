"""The protocol's terms for what the core reports: a problem as an LSP diagnostic, a line and
column as a client position; and the guard that keeps a failing handler from stopping the server."""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, TypeVar

from lsprotocol import types as lsp
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

from ..format.diagnostics import Diagnostic
from .places import extent

logger = logging.getLogger("briefbook.lsp")
T = TypeVar("T")
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning}


def guarded(default: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Bad input never stops the server: a handler that fails logs why and answers nothing."""

    def wrap(handler: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(handler)
        def run(*args: Any) -> T:
            try:
                return handler(*args)
            except Exception:
                logger.exception("briefbook lsp: %s failed", handler.__name__)
                return default

        return run

    return wrap


def to_lsp_diagnostic(d: Diagnostic, lines: list[str], codec: PositionCodec) -> lsp.Diagnostic:
    """The same message as `check` prints, at the same line and column, over the key or value there."""
    line = min(max(d.line - 1, 0), max(len(lines) - 1, 0))
    text = lines[line] if lines else ""
    start = min(max(d.column - 1, 0), len(text))
    prefix = f"{d.file}:{d.line}:{d.column}: {d.severity}: "
    return lsp.Diagnostic(
        range=text_range(lines, codec, line, start, line, extent(text, start)),
        message=d.text()[len(prefix):],
        severity=SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
        source="briefbook",
    )


def text_range(lines: list[str], codec: PositionCodec, line: int, start: int, end_line: int, end: int) -> lsp.Range:
    return lsp.Range(client_position(lines, codec, line, start), client_position(lines, codec, end_line, end))


def client_position(lines: list[str], codec: PositionCodec, line: int, column: int) -> lsp.Position:
    if 0 <= line < len(lines):
        column = min(column, len(lines[line]))
        return codec.position_to_client_units(lines, ServerTextPosition(line, column))
    return lsp.Position(line, column)


