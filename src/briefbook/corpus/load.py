"""Loading: every file under the briefs folder read, validated (or taken from the cache of an
earlier run when its bytes are unchanged) and linked into a corpus, with every problem found."""

from __future__ import annotations

import dataclasses
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..files import progress
from ..files.store import Store, digest, enabled, opened
from ..format.body import MarkdownSetup
from ..format.diagnostics import Diagnostic, sort_diagnostics
from ..format.discover import discover
from ..format.loader import parse_file, read_file
from ..format.settings import Settings, build_date
from ..format.validate import BriefFile, SourcesFile, validate_file
from .corpus import Corpus
from .link import link


@dataclass
class LoadResult:
    """Every brief that loaded, linked, and every problem found on the way."""

    corpus: Corpus
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def load_one(item: tuple[Path, str], store: Store | None, markdown: MarkdownSetup) -> tuple[BriefFile | SourcesFile | None, list[Diagnostic]]:
    """A file's typed brief and problems: from the cache when the file's bytes are those it was made from."""
    path, display = item
    data, problems = read_file(path, display)
    if data is None:
        return None, problems
    key, hashed = display, digest(data)
    cached = store.get(key) if store is not None else None
    if cached is not None and cached[0] == hashed:
        typed = cached[1]
        if typed is not None:
            typed.raw.path = path  # the project may have moved since
        return typed, cached[2]
    raw, problems = parse_file(path, display, data, hashed)
    typed = None
    if raw is not None:
        typed, more = validate_file(raw, markdown)
        problems += more
        # what only validation reads let go, the positions packed: as the cache gives it, and a
        # third of the memory of 10,000 loaded briefs
        typed = typed and dataclasses.replace(typed, raw=typed.raw.packed())
    if store is not None:
        store.put(key, (hashed, typed, problems))
    return typed, problems


@contextmanager
def gc_paused(kept: bool = False) -> Iterator[None]:
    """Loading and rendering allocate millions of objects and free almost none in cycles, so the
    cyclic collector would rescan the growing corpus again and again: half the time of checking
    10,000 briefs, a fifth of rendering them.

    `kept`: what the pause made is kept (the corpus), and is moved to the oldest generation as it
    is; else the next young collection scans all of it at once (0.4 s after loading 10,000 briefs)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if kept:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def load_corpus(settings: Settings, paths: list[Path] | None = None, strict: bool | None = None) -> LoadResult:
    """Load, validate and link every brief: all problems at once, sorted."""
    with gc_paused(kept=True):
        return _load_corpus(settings, paths, strict)


def _load_corpus(settings: Settings, paths: list[Path] | None, strict: bool | None) -> LoadResult:
    root = settings.briefs
    found, problems = discover(root, [root], settings.project_dir)
    shown: set[str] | None = None
    if paths:
        # references are checked against the whole folder; only the named files' problems are reported
        selected, more = discover(root, paths, settings.project_dir)
        problems = list(dict.fromkeys(problems + more))  # a named file inside the folder is found by both scans
        display_of = {p.resolve(): d for p, d in found}
        shown = {display_of.get(p.resolve(), d) for p, d in selected}
        found += [(p, d) for p, d in selected if p.resolve() not in display_of]
    files = []
    store = briefs_store(settings)
    # One process: on two cores a process pool was slower, as sending the validated
    # briefs back to the parent costs what the second core saves (benchmarks/README.md).
    with progress.stage("checking the briefs", len(found)) as checking:
        for item in found:
            typed, more = load_one(item, store, settings.markdown)
            problems += more
            if typed is not None:
                files.append(typed)
            checking.advance()
    if store is not None:
        store.save()
    if shown is None:
        return LoadResult(*checked(files, problems, settings, strict))
    corpus, problems = checked(files, problems, settings, strict)
    loaded = {d for _, d in found}
    return LoadResult(corpus, [d for d in problems if d.file in shown or d.file not in loaded])


def briefs_store(settings: Settings) -> Store | None:
    """The briefs cache, None when caching is off; which citations are code depends on the site's Markdown."""
    return opened(settings.cache, "briefs", digest(repr(settings.markdown).encode())) if enabled() else None


def checked(files: list[BriefFile | SourcesFile], problems: list[Diagnostic], settings: Settings,
            strict: bool | None = None) -> tuple[Corpus, list[Diagnostic]]:
    """The check after loading, the same for `check`, a build and the editor: the files linked, and
    every problem (those found so far, then linking's), errors under the strict setting, sorted."""
    corpus, linked = link(files, build_date(), settings.max_age_days)
    problems = problems + linked
    if settings.pdf:  # what the PDF cannot show, which the site can
        from ..print.typst_body import unprintable_in

        problems += unprintable_in(corpus, settings)
    if strict if strict is not None else settings.strict:
        problems = [d.as_error() for d in problems]
    return corpus, sort_diagnostics(problems)

