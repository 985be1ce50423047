"""A project held in memory for an editor: every file as `check` loads it, open buffers in place of
their files, and the problems `check` would report.

After an edit only the edited file is read and validated again; the corpus is then linked afresh
from the files already validated, which is what makes the cross-file problems (unknown ids,
duplicates, citations of undeclared sources) those of `check`. Each stage is the one `check` runs
(discover, parse, validate, then `corpus.load.checked`: link, the strict setting, sort), so the
problems are the same records.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..corpus.corpus import Corpus
from ..corpus.link import references
from ..corpus.load import briefs_store, checked, gc_paused, load_one
from ..files.store import Store, digest
from ..format.diagnostics import Diagnostic
from ..format.discover import discover
from ..format.loader import parse_file
from ..format.model import BRIEF_SUFFIX, SOURCES_SUFFIXES, Source
from ..format.settings import Settings
from ..format.validate import BriefFile, SourcesFile, validate_file

Typed = BriefFile | SourcesFile


@dataclass
class LoadedFile:
    path: Path
    typed: Typed | None
    problems: list[Diagnostic]
    # (mtime, size, inode) of the file when it was read; None while an open buffer stands in for it
    stamp: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class Snapshot:
    """The project after one link: never changed afterwards, so that it can be read while the next is made."""

    corpus: Corpus
    diagnostics: dict[str, list[Diagnostic]]  # by file, as `check` shows it
    files: dict[str, LoadedFile]
    project_dir: Path

    def path_of(self, display: str) -> Path:
        loaded = self.files.get(display)
        return loaded.path if loaded else self.project_dir / display

    def declaration(self, source_id: str) -> tuple[str, int, int] | None:
        """Where a source is declared first (in the order `link` reads the files): file, line, column."""
        for display, loaded in self.files.items():
            typed = loaded.typed
            declared: list[Source] = typed.sources if isinstance(typed, SourcesFile) else (typed.brief.sources if typed else [])
            for i, source in enumerate(declared):
                if source.id == source_id:
                    line, column = typed.raw.locate(("sources", i, "id"))  # type: ignore[union-attr]
                    return display, line, column
        return None

    def references_to(self, target: str, named_id: str) -> Iterator[tuple[str, int, int]]:
        """Every place a brief names this issue, actor or source: file, line, column."""
        for brief in self.corpus.briefs.values():
            for kind, other, line, column in references(brief):
                if kind == target and other == named_id:
                    yield brief.display, line, column


@dataclass
class LiveProject:
    settings: Settings
    files: dict[str, LoadedFile] = field(default_factory=dict)  # by display name, in the order `check` reads them
    buffers: dict[str, str] = field(default_factory=dict)  # open buffers by display name: their text
    found_problems: list[Diagnostic] = field(default_factory=list)  # those of discovering the files
    snapshot: Snapshot | None = None

    @classmethod
    def load(cls, settings: Settings) -> LiveProject:
        project = cls(settings)
        store = briefs_store(settings)
        with gc_paused():
            project.refresh(store)
            if store is not None:
                store.save()
            project.relink()
        return project

    def display_of(self, path: Path) -> str | None:
        """The name `check` gives a file, if it is a brief or sources file of this project; else None."""
        root = self.settings.briefs
        path = path.parent.resolve() / path.name
        try:
            relative = path.relative_to(root)
        except ValueError:
            return None
        if any(part.startswith((".", "_")) for part in relative.parts) or path.name.lower() == "readme.md":
            return None
        if path.suffix not in (BRIEF_SUFFIX, *SOURCES_SUFFIXES):
            return None
        folder = root
        for part in relative.parts[:-1]:  # `check` does not follow symbolic links to folders
            folder = folder / part
            if folder.is_symlink():
                return None
        prefix = str(self.settings.project_dir.absolute()) + os.sep
        text = str(root / relative)
        return text[len(prefix):] if text.startswith(prefix) else text

    def set_buffer(self, display: str, path: Path, text: str) -> None:
        """Check an open buffer's text in place of its file."""
        self.buffers[display] = text
        data = text.encode("utf-8", "surrogatepass")  # a lone surrogate reads as the bad UTF-8 it would be on disk
        raw, problems = parse_file(path, display, data, digest(data))
        typed = None
        if raw is not None:
            typed, more = validate_file(raw, self.settings.markdown)
            problems += more
        self.files[display] = LoadedFile(path, typed, problems)

    def close_buffer(self, display: str) -> None:
        """Back to the file on disk (read again by the next refresh)."""
        if self.buffers.pop(display, None) is not None and display in self.files:
            self.files[display].stamp = None

    def refresh(self, store: Store | None = None) -> None:
        """Read again the files that changed on disk, as `check` would find them; open buffers stay."""
        found, self.found_problems = discover(self.settings.briefs, [self.settings.briefs], self.settings.project_dir)
        files = {}
        for path, display in found:
            known = self.files.get(display)
            if display in self.buffers and known is not None:
                files[display] = known
                continue
            stamp = _stamp(path)
            if known is not None and stamp is not None and known.stamp == stamp:
                files[display] = known
                continue
            typed, problems = load_one((path, display), store, self.settings.markdown)
            files[display] = LoadedFile(path, typed, problems, stamp)
        for display in self.buffers:  # a new file not saved yet
            if display not in files and display in self.files:
                files[display] = self.files[display]
        self.files = files

    def relink(self) -> Snapshot:
        """Link the files as they stand and collect every problem, as `check` reports them."""
        typed = [f.typed for f in self.files.values() if f.typed is not None]
        corpus, problems = checked(typed, self.found_problems + [d for f in self.files.values() for d in f.problems], self.settings)
        by_file: dict[str, list[Diagnostic]] = defaultdict(list)
        for d in problems:
            by_file[d.file].append(d)
        self.snapshot = Snapshot(corpus, dict(by_file), dict(self.files), self.settings.project_dir)
        return self.snapshot


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino
