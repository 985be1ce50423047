"""What a long command is doing: its stage, and how far along it is.

The stages report through `stage(...)`, which does nothing until a command chooses how to show
it (`show`): on a terminal, a live line per stage drawn by rich (what it is doing, done of total,
the time); in a log (not a terminal, CI) or with `-q`, one line when a stage that took more than
a few seconds ends. The choice
travels to the MkDocs child process of `briefbook build` in an environment variable, so that the
plugin's stages show the same way.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import TextIO

VARIABLE = "BRIEFBOOK_PROGRESS"  # "live", "lines" or "off": how the MkDocs child shows its stages
LIVE, LINES, OFF = "live", "lines", "off"


class Stage:
    """One stage under way; `advance` as its items are done."""

    def __init__(self, what: str, total: int | None):
        self.what, self.total, self.done = what, total, 0

    def advance(self, count: int = 1) -> None:
        self.done += count

    def end(self) -> None:
        raise NotImplementedError


# In a log, a stage quicker than this says nothing: a small project's run stays as quiet as before.
LINE_SECONDS = 3.0


class _Lines(Stage):
    """One line, when a stage that took a while ends: for logs and -q."""

    def __init__(self, what: str, total: int | None, out: TextIO):
        super().__init__(what, total)
        self.out, self.started = out, time.perf_counter()

    def end(self) -> None:
        if time.perf_counter() - self.started < LINE_SECONDS:
            return
        counted = f" {self.done:,} of {self.total:,}" if self.total else ""
        print(f"briefbook: {self.what}:{counted} {time.perf_counter() - self.started:.1f} s", file=self.out, flush=True)


class _Live(Stage):
    """A live line on the terminal, redrawn at most ten times a second; it stays, completed, when the stage ends."""

    def __init__(self, what: str, total: int | None, out: TextIO):
        super().__init__(what, total)
        from rich.console import Console  # loaded only on a terminal
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if total:
            columns += [BarColumn(), MofNCompleteColumn()]
        self.bar = Progress(*columns, TimeElapsedColumn(), console=Console(file=out), transient=False, refresh_per_second=10)
        self.task = self.bar.add_task(what, total=total or None)
        self.bar.start()

    def advance(self, count: int = 1) -> None:
        super().advance(count)
        self.bar.advance(self.task, count)

    def end(self) -> None:
        if self.total:
            self.bar.update(self.task, completed=self.done)
        self.bar.stop()


def mode() -> str:
    return os.environ.get(VARIABLE, OFF)


def show(quiet: bool, out: TextIO = sys.stderr) -> str:
    """Choose how this command (and the MkDocs process it starts) shows its stages: live on a terminal, else one line a stage."""
    chosen = LIVE if out.isatty() and not quiet and os.environ.get("TERM") != "dumb" and not os.environ.get("CI") else LINES
    os.environ[VARIABLE] = chosen
    return chosen


def begin(what: str, total: int | None = None, out: TextIO | None = None) -> Stage:
    """A stage that spans several calls (the plugin's events); call its `end()`."""
    chosen = mode()
    if chosen == OFF:
        return Silent(what, total)
    return (_Live if chosen == LIVE else _Lines)(what, total, out or sys.stderr)


class Silent(Stage):
    """A stage shown nowhere."""

    def end(self) -> None:
        pass


@contextlib.contextmanager
def stage(what: str, total: int | None = None, out: TextIO | None = None) -> Iterator[Stage]:
    shown = begin(what, total, out)
    try:
        yield shown
    finally:
        shown.end()
