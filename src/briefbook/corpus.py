"""The loaded set of briefs: references checked across files, and the derived views."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import gc
import itertools
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .diagnostics import Diagnostic, sort_diagnostics
from .cache import Store, digest
from .cache import enabled as cache_enabled
from .loader import discover, parse_file, read_file
from .model import Actor, Issue, Position, Source, Summit, TimelineEntry, WatchItem
from .settings import Settings, build_date
from .body import MarkdownSetup
from .validate import BriefFile, SourcesFile, validate_file

KIND_ORDER = ("summit", "actor", "issue")
ROLE_TITLES = {"principal": "Principals", "counterpart": "Counterparts", "ally": "Allies", "stakeholder": "Stakeholders"}
ROLE_ORDER = tuple(ROLE_TITLES)
# Up to this many actors, the views show every actor on every issue, gaps included. Beyond it a
# full table is unreadable and grows with issues × actors, so they show the stated positions and
# the gaps that `check` flags (participants of a summit with the issue on its agenda, and allies).
DENSE_ACTORS = 20


@dataclass
class Corpus:
    briefs: dict[str, BriefFile]
    sources: dict[str, Source]
    today: dt.date
    max_age_days: int
    # every file it was linked from (name and digest of the bytes), today and the age limit: two
    # corpora with the same signature answer every question the same way
    signature: bytes = b""

    def of_kind(self, kind: str) -> list[BriefFile]:
        return [b for b in self.briefs.values() if b.kind == kind]

    # The views below are computed once per corpus: pages ask for them on every render.
    @cached_property
    def summits(self) -> list[BriefFile]:
        return sorted(self.of_kind("summit"), key=lambda b: (b.brief.date, b.id))  # type: ignore[union-attr]

    @cached_property
    def actors(self) -> list[BriefFile]:
        return sorted(self.of_kind("actor"), key=lambda b: (ROLE_ORDER.index(b.brief.role), b.brief.title.lower(), b.id))  # type: ignore[union-attr]

    @cached_property
    def issues(self) -> list[BriefFile]:
        return sorted(self.of_kind("issue"), key=lambda b: (b.brief.title.lower(), b.id))

    @property
    def dense(self) -> bool:
        """Whether the views show every actor on every issue (see DENSE_ACTORS)."""
        return len(self.actors) <= DENSE_ACTORS

    @cached_property
    def _actor_rank(self) -> dict[str, int]:
        return {a.id: i for i, a in enumerate(self.actors)}

    @cached_property
    def _summits_by_actor(self) -> dict[str, list[BriefFile]]:
        index: dict[str, list[BriefFile]] = defaultdict(list)
        for s in self.summits:
            for actor_id in dict.fromkeys(p.actor for p in s.brief.participants):  # type: ignore[union-attr]
                index[actor_id].append(s)
        return index

    @cached_property
    def _summits_by_issue(self) -> dict[str, list[BriefFile]]:
        index: dict[str, list[BriefFile]] = defaultdict(list)
        for s in self.summits:
            for issue_id in dict.fromkeys(s.brief.agenda):  # type: ignore[union-attr]
                index[issue_id].append(s)
        return index

    @cached_property
    def _actors_on_issue(self) -> dict[str, list[BriefFile]]:
        """Per issue, in actor order: the actors that state a position on it or are expected to."""
        concerned: dict[str, set[str]] = defaultdict(set)
        for actor in self.actors:
            for issue_id in actor.brief.positions:  # type: ignore[union-attr]
                concerned[issue_id].add(actor.id)
        for issue_id, summits in self._summits_by_issue.items():
            for s in summits:
                concerned[issue_id] |= self.concerned_actors(s.brief)  # type: ignore[arg-type]
        rank = self._actor_rank
        return {issue_id: [self.actors[rank[a]] for a in sorted(ids & rank.keys(), key=rank.__getitem__)] for issue_id, ids in concerned.items()}

    def cited_sources(self, brief: BriefFile) -> list[Source]:
        """The sources a brief declares or cites, in order of first mention: its numbered list."""
        ids = dict.fromkeys(s.id for s in brief.brief.sources)
        ids.update(dict.fromkeys(source_id for source_id, _ in _citations(brief)))
        return [self.sources[i] for i in ids if i in self.sources]

    def position(self, actor_id: str, issue_id: str) -> Position | None:
        actor = self.briefs.get(actor_id)
        return actor.brief.positions.get(issue_id) if actor and actor.kind == "actor" else None  # type: ignore[union-attr]

    def positions_on(self, issue_id: str) -> list[tuple[BriefFile, Position | None]]:
        """Each actor's position on the issue, None for a gap (above DENSE_ACTORS, only the gaps `check` flags)."""
        actors = self.actors if self.dense else self._actors_on_issue.get(issue_id, [])
        return [(actor, self.position(actor.id, issue_id)) for actor in actors]

    def matrix(self, summit_id: str | None = None) -> tuple[list[BriefFile], list[BriefFile]]:
        """(issue rows, actor columns): all of them, or a summit's agenda with its participants and the allies."""
        if summit_id is None:
            return self.issues, self.actors
        summit: Summit = self.briefs[summit_id].brief  # type: ignore[assignment]
        rows = [self.briefs[i] for i in summit.agenda if i in self.briefs]
        concerned = self.concerned_actors(summit)
        rank = self._actor_rank
        return rows, [self.actors[rank[i]] for i in sorted(concerned & rank.keys(), key=rank.__getitem__)]

    def concerned_actors(self, summit: Summit) -> set[str]:
        """The actors expected to state a position on a summit's agenda: its participants and every ally."""
        return {p.actor for p in summit.participants} | self.allies  # type: ignore[union-attr]

    @cached_property
    def allies(self) -> frozenset[str]:
        """The ids of the actors of role ally; computed once, as the briefs do not change after linking."""
        return frozenset(a.id for a in self.of_kind("actor") if a.brief.role == "ally")  # type: ignore[union-attr]

    def summits_of(self, actor_id: str) -> list[BriefFile]:
        return list(self._summits_by_actor.get(actor_id, []))

    def related_to_issue(self, issue_id: str) -> list[BriefFile]:
        """Summits whose agenda holds the issue."""
        return list(self._summits_by_issue.get(issue_id, []))

    def timeline(self) -> list[tuple[TimelineEntry, BriefFile]]:
        entries = [(entry, b) for b in self.briefs.values() for entry in b.brief.timeline]
        return sorted(entries, key=lambda e: (e[0].date, e[1].id, e[0].title))

    def timeline_events(self) -> list[list[tuple[TimelineEntry, BriefFile]]]:
        """The timeline with each event once: entries of one day that share a source or a title are
        one event recorded by several briefs. Each event lists its entries, the summit's first."""
        events: list[list[tuple[TimelineEntry, BriefFile]]] = []
        for _, day in itertools.groupby(self.timeline(), key=lambda e: e[0].date):
            groups: list[tuple[set[str], list[tuple[TimelineEntry, BriefFile]]]] = []
            for entry, brief in day:
                keys = {f"source:{s}" for s in entry.sources} | {f"title:{entry.title.casefold()}"}
                joined = [g for g in groups if g[0] & keys]
                merged = (keys.union(*(g[0] for g in joined)), [e for g in joined for e in g[1]] + [(entry, brief)])
                groups = [g for g in groups if all(g is not j for j in joined)] + [merged]
            for _, entries in groups:
                events.append(sorted(entries, key=lambda e: (KIND_ORDER.index(e[1].kind), e[1].id)))
        return sorted(events, key=lambda event: (event[0][0].date, event[0][1].id, event[0][0].title))

    def watch_by_issue(self) -> dict[str | None, list[tuple[WatchItem, BriefFile]]]:
        grouped: dict[str | None, list[tuple[WatchItem, BriefFile]]] = defaultdict(list)
        for b in sorted(self.briefs.values(), key=lambda b: (KIND_ORDER.index(b.kind), b.id)):
            for item in b.brief.what_to_watch:
                grouped[item.issue or (b.id if b.kind == "issue" else None)].append((item, b))
        order = [i.id for i in self.issues] + [None]
        return {key: grouped[key] for key in order if grouped.get(key)}

    def citing_briefs(self) -> dict[str, list[BriefFile]]:
        citing: dict[str, list[BriefFile]] = {source_id: [] for source_id in self.sources}
        for b in sorted(self.briefs.values(), key=lambda b: (KIND_ORDER.index(b.kind), b.id)):
            for source in self.cited_sources(b):
                citing[source.id].append(b)
        return citing

    def staleness(self, brief: BriefFile) -> str | None:
        """Why a brief is due for review, or None while it is fresh."""
        b = brief.brief
        if b.next_review and b.next_review < self.today:
            return f"due for review since {b.next_review.isoformat()}"
        age = (self.today - b.reviewed).days
        if self.max_age_days and age > self.max_age_days:
            return f"last reviewed {b.reviewed.isoformat()}, more than {self.max_age_days} days ago"
        return None

    @cached_property
    def principal_summit(self) -> BriefFile | None:
        """The summit the book is about, for its front page: the one with the most key judgments,
        then the widest agenda, then the latest."""
        return max(self.summits, key=lambda s: (len(s.brief.key_judgments), len(s.brief.agenda), s.brief.date, s.id), default=None)  # type: ignore[union-attr]

    def review_schedule(self) -> list[tuple[BriefFile, str | None]]:
        """Every brief with why it is due for review (None while fresh): the overdue first, then by next review date."""
        far = dt.date.max
        scheduled = [(b, self.staleness(b)) for b in self.briefs.values()]
        return sorted(scheduled, key=lambda e: (e[1] is None, e[0].brief.next_review or far, e[0].brief.reviewed, e[0].id))

    def tags_of(self, brief: BriefFile) -> list[str]:
        """The brief's own tags plus its kind, its actor role and its issues. A tag that is the id of a
        brief is shown as that brief's title, so that `japan` and "Japan" are one tag, not two."""
        b = brief.brief
        own = [self.briefs[t].brief.title if t in self.briefs else t for t in b.tags]
        derived = [brief.kind]
        if isinstance(b, Actor):
            derived.append(b.role)
            derived += [self.briefs[i].brief.title for i in b.positions if i in self.briefs]
        elif isinstance(b, Summit):
            derived += [self.briefs[i].brief.title for i in b.agenda if i in self.briefs]
        elif isinstance(b, Issue):
            derived.append(b.title)
        return list(dict.fromkeys([*own, *derived]))


def _citations(brief: BriefFile) -> Iterator[tuple[str, tuple]]:
    """Every source id the brief cites, with the field path (or body line) that cites it."""
    b = brief.brief
    for i, kj in enumerate(b.key_judgments):
        for j, s in enumerate(kj.sources):
            yield s, ("key_judgments", i, "sources", j)
    for i, entry in enumerate(b.timeline):
        for j, s in enumerate(entry.sources):
            yield s, ("timeline", i, "sources", j)
    if isinstance(b, Actor):
        for issue_id, position in b.positions.items():
            for j, s in enumerate(position.sources):
                yield s, ("positions", issue_id, "sources", j)
    for source_id, line, column in brief.citations:
        yield source_id, ("@body", line, column)


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
    named = [("source", i, path) for i, path in _citations(b)] + [("issue", i, path) for i, path in _issue_references(b)]
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
    corpus = Corpus(dict(sorted(briefs.items())), sources, today, max_age_days, signature)
    issue_ids = {b.id for b in corpus.of_kind("issue")}
    actor_ids = {b.id for b in corpus.of_kind("actor")}

    for b in corpus.briefs.values():
        for source_id, path in _citations(b):
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


@dataclass
class LoadResult:
    """Every brief that loaded, linked, and every problem found on the way."""

    corpus: Corpus
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def _load_one(item: tuple[Path, str], store: Store | None, markdown: MarkdownSetup) -> tuple[BriefFile | SourcesFile | None, list[Diagnostic]]:
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
    if store is not None:
        store.put(key, (hashed, typed and dataclasses.replace(typed, raw=typed.raw.packed()), problems))
    return typed, problems


@contextmanager
def gc_paused() -> Iterator[None]:
    """Loading and rendering allocate millions of objects and free almost none in cycles, so the
    cyclic collector would rescan the growing corpus again and again: half the time of checking
    10,000 briefs, a fifth of rendering them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_corpus(settings: Settings, paths: list[Path] | None = None, strict: bool | None = None) -> LoadResult:
    """Load, validate and link every brief: all problems at once, sorted."""
    with gc_paused():
        return _load_corpus(settings, paths, strict)


def _load_corpus(settings: Settings, paths: list[Path] | None, strict: bool | None) -> LoadResult:
    root = settings.briefs
    found, problems = discover(root, [root], settings.project_dir)
    shown: set[str] | None = None
    if paths:
        # references are checked against the whole folder; only the named files' problems are reported
        selected, problems = discover(root, paths, settings.project_dir)
        display_of = {p.resolve(): d for p, d in found}
        shown = {display_of.get(p.resolve(), d) for p, d in selected}
        found += [(p, d) for p, d in selected if p.resolve() not in display_of]
    files = []
    # which citations are code depends on the site's Markdown
    store = Store(settings.cache, "briefs", digest(repr(settings.markdown).encode())) if cache_enabled() else None
    # One process: on two cores a process pool was slower, as sending the validated
    # briefs back to the parent costs what the second core saves (benchmarks/README.md).
    for item in found:
        typed, more = _load_one(item, store, settings.markdown)
        problems += more
        if typed is not None:
            files.append(typed)
    corpus, more = link(files, build_date(), settings.max_age_days)
    problems += more
    if store is not None:
        store.save()
    if shown is not None:
        loaded = {d for _, d in found}
        problems = [d for d in problems if d.file in shown or d.file not in loaded]
    if strict if strict is not None else settings.strict:
        problems = [d.as_error() for d in problems]
    return LoadResult(corpus, sort_diagnostics(problems))

