"""The loaded set of briefs, and the views derived from it: what the outputs are made from."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from ..format.model import Actor, Issue, Position, Source, Summit, TimelineEntry, WatchItem
from ..format.validate import BriefFile

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
    # the same without the bodies (corpus/link.py): two corpora with the same fronts answer every
    # question the same way but those of a body, a whole file or where a body cites its sources
    fronts: bytes = b""

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
        ids.update(dict.fromkeys(source_id for source_id, _ in citations_of(brief)))
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


def citations_of(brief: BriefFile) -> Iterator[tuple[str, tuple]]:
    """Every source id the brief cites, with the field path (or body line) that cites it."""
    b = brief.brief
    for i, kj in enumerate(b.key_judgments):
        for j, s in enumerate(kj.sources):
            yield s, ("key_judgments", i, "sources", j)
        for j, s in enumerate(kj.resolution.sources if kj.resolution else ()):
            yield s, ("key_judgments", i, "resolution", "sources", j)
    for i, item in enumerate(b.what_to_watch):
        for k, change in enumerate(item.history):
            for j, s in enumerate(change.sources):
                yield s, ("what_to_watch", i, "history", k, "sources", j)
    for i, entry in enumerate(b.timeline):
        for j, s in enumerate(entry.sources):
            yield s, ("timeline", i, "sources", j)
    if isinstance(b, Actor):
        for issue_id, position in b.positions.items():
            for j, s in enumerate(position.sources):
                yield s, ("positions", issue_id, "sources", j)
    for source_id, line, column in brief.citations:
        yield source_id, ("@body", line, column)

