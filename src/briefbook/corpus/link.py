"""Linking: the typed briefs indexed by id, and every reference between them checked once all are loaded."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from typing import Callable, Iterable, Iterator

from ..files.store import digest
from ..format.diagnostics import Diagnostic
from ..format.model import Actor, Issue, Source, Summit
from ..format.validate import BriefFile, SourcesFile
from .corpus import Corpus, citations_of
from .scorecard import open_questions


def _issue_references(b: BriefFile) -> Iterator[tuple[str, tuple]]:
    brief = b.brief
    if isinstance(brief, Actor):
        for issue_id in brief.positions:
            yield issue_id, ("positions", issue_id)
    if isinstance(brief, Summit):
        for i, issue_id in enumerate(brief.agenda):
            yield issue_id, ("agenda", i)
    if isinstance(brief, Issue):
        for i, issue_id in enumerate(brief.related):
            yield issue_id, ("related", i)
    for i, item in enumerate(brief.what_to_watch):
        if item.issue:
            yield item.issue, ("what_to_watch", i, "issue")


def references(b: BriefFile) -> Iterator[tuple[str, str, int, int]]:
    """Every id the brief names, where `link` checks it: (what it names, the id, line, column)."""
    named = [("source", i, path) for i, path in citations_of(b)] + [("issue", i, path) for i, path in _issue_references(b)]
    if isinstance(b.brief, Summit):
        named += [("actor", p.actor, ("participants", i, "actor")) for i, p in enumerate(b.brief.participants)]
    for target, named_id, path in named:
        where = _at(b, path, "")
        yield target, named_id, where.line, where.column


def _at(brief: BriefFile, path: tuple, message: str, hint: str = "", severity: str = "error") -> Diagnostic:
    if path and path[0] == "@body":
        return Diagnostic(brief.display, path[1], path[2], "body", message, hint, severity)  # type: ignore[arg-type]
    if path and path[0] == "positions" and len(path) == 2:
        line, column = brief.raw.key_location(path)
        return Diagnostic(brief.display, line, column, f"positions.{path[1]}", message, hint, severity)  # type: ignore[arg-type]
    return brief.at(path, message, hint, severity)


def _declared_in_sources_file(f: SourcesFile, i: int) -> Diagnostic:
    line, column = f.raw.locate(("sources", i, "id"))
    return Diagnostic(f.raw.display, line, column, f"sources[{i}].id", "")


def _closest(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.5)
    return f"did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""


def _fronts(files: list[BriefFile | SourcesFile], today: dt.date, max_age_days: int) -> bytes:
    """The corpus without its bodies: each brief's front matter and the sources its body cites (not
    where), each sources file, the day and the age limit."""
    parts = sorted((f.raw.display, f.raw.front_digest, tuple(c[0] for c in f.citations)) if isinstance(f, BriefFile)
                   else (f.raw.display, f.raw.digest, ()) for f in files)
    return digest(repr(parts + [today, max_age_days]).encode())


def link(files: list[BriefFile | SourcesFile], today: dt.date, max_age_days: int) -> tuple[Corpus, list[Diagnostic]]:
    """Index the files and check every reference between them."""
    problems: list[Diagnostic] = []
    briefs: dict[str, BriefFile] = {}
    sources: dict[str, Source] = {}
    # where each source is declared, as a function: locating it unpacks a cached file's
    # positions, so it is done only for the duplicates reported
    declared_at: dict[str, Callable[[], Diagnostic]] = {}

    def declare(source: Source, where: Callable[[], Diagnostic]) -> None:
        if source.id in sources:
            first, here = declared_at[source.id](), where()
            problems.append(Diagnostic(here.file, here.line, here.column, here.field,
                                       f"source `{source.id}` is already declared in {first.file}:{first.line}",
                                       "declare a source once and cite it by id everywhere else"))
            return
        sources[source.id] = source
        declared_at[source.id] = where

    for f in files:
        if isinstance(f, SourcesFile):
            for i, source in enumerate(f.sources):
                declare(source, functools.partial(_declared_in_sources_file, f, i))
            continue
        if f.id in briefs:
            other = briefs[f.id]
            problems.append(f.at(("kind",), f"the id `{f.id}` is already used by {other.display}", "ids are file names and must be unique across the briefs folder"))
            continue
        briefs[f.id] = f
        for i, source in enumerate(f.brief.sources):
            declare(source, functools.partial(f.at, ("sources", i, "id"), ""))

    signature = digest(repr(sorted((f.raw.display, f.raw.digest) for f in files) + [today, max_age_days]).encode())
    corpus = Corpus(dict(sorted(briefs.items())), sources, today, max_age_days, signature, _fronts(files, today, max_age_days))
    issue_ids = {b.id for b in corpus.of_kind("issue")}
    actor_ids = {b.id for b in corpus.of_kind("actor")}

    for b in corpus.briefs.values():
        for source_id, path in citations_of(b):
            if source_id not in sources:
                problems.append(_at(b, path, f"cites unknown source `{source_id}`", _closest(source_id, sources) or "declare it in a sources file or in this brief's `sources`"))
        for issue_id, path in _issue_references(b):
            if issue_id not in issue_ids:
                problems.append(_at(b, path, f"unknown issue `{issue_id}`", _closest(issue_id, issue_ids) or "add a brief of kind issue with this file name"))
        brief = b.brief
        if isinstance(brief, Summit):
            for i, participant in enumerate(brief.participants):
                if participant.actor not in actor_ids:
                    problems.append(_at(b, ("participants", i, "actor"), f"unknown actor `{participant.actor}`", _closest(participant.actor, actor_ids) or "add a brief of kind actor with this file name"))
        reason = corpus.staleness(b)
        if reason:
            problems.append(_at(b, ("next_review",) if brief.next_review else ("reviewed",), f"the brief is stale: {reason}", "review it and update `reviewed` and `next_review`", "warning"))
    problems += _missing_positions(corpus)
    problems += [_at(b, path, message, hint, "warning") for b, path, message, hint in open_questions(corpus.briefs.values(), today)]
    return corpus, problems


def _missing_positions(corpus: Corpus) -> list[Diagnostic]:
    """Participants of a summit, and every ally, should state a position on each agenda issue."""
    problems = []
    for summit in corpus.summits:
        agenda = [i for i in summit.brief.agenda if i in corpus.briefs]  # type: ignore[union-attr]
        expected = corpus.concerned_actors(summit.brief)  # type: ignore[arg-type]
        for actor_id in sorted(expected & corpus.briefs.keys()):
            actor = corpus.briefs[actor_id]
            missing = [i for i in agenda if i not in actor.brief.positions]  # type: ignore[union-attr]
            if missing:
                problems.append(_at(actor, ("positions",), f"no position on {', '.join(f'`{i}`' for i in missing)}, on the agenda of summit `{summit.id}`",
                                    "add an entry under `positions` for each issue", "warning"))
    return problems
