"""Each brief's history from the repository: its commits, and what changed in its front matter.

Git is read with git itself, twice in all: one `git log` lists every commit that touched the briefs
folder with the blobs of each file before and after, and one `git cat-file --batch` reads those
blobs. A log per file (`--follow`) would start a process per brief. The versions' front matter is
compared field by field, so that a revision says "likelihood from likely to very likely", not
"file changed". Dates are the commits' own, so that the same commit builds the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Iterator

from ..files.store import Store
from ..format.model import ID_RE
from .diff import Change, FrontMatter, concerns, diff, front_matter

if TYPE_CHECKING:
    from ..format.validate import BriefFile
    from .corpus import Corpus

_NO_BLOB = "0" * 40


@dataclass(frozen=True)
class Revision:
    brief_id: str
    kind: str  # the brief's kind: summit, actor or issue
    title: str
    date: dt.date
    commit: str  # the short commit id; empty for an editorial note
    message: str
    changes: tuple[Change, ...] = ()
    actors: tuple[str, ...] = ()  # the actors and issues the brief concerns, for the filters
    issues: tuple[str, ...] = ()
    exists: bool = True  # the brief is in the book now (it can be linked to)
    time: int = 0  # the commit's time (seconds since 1970): orders the revisions of one day

    @property
    def all_issues(self) -> tuple[str, ...]:
        """The issues of the brief and those its changes bear on."""
        return tuple(dict.fromkeys([*self.issues, *(c.issue for c in self.changes if c.issue)]))

    @property
    def anchor(self) -> str:
        return f"change-{self.brief_id}-{self.commit or 'note'}-{self.date.isoformat()}"


@dataclass(frozen=True)
class History:
    """The book's revisions, newest first, and whether the repository could give them all."""

    revisions: tuple[Revision, ...] = ()
    complete: bool = False  # full git history was read
    limitation: str = ""  # what is missing, said on the changes page
    digest: bytes = b""  # the commit it was read at: pages made from it are reused while it is the same
    _by_brief: dict[str, list[Revision]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for r in self.revisions:
            self._by_brief.setdefault(r.brief_id, []).append(r)

    def of(self, brief_id: str) -> list[Revision]:
        return self._by_brief.get(brief_id, [])

    def since(self, day: dt.date) -> list[Revision]:
        return [r for r in self.revisions if r.date >= day]

    def moved_positions(self) -> dict[tuple[str, str], dt.date]:
        """(actor id, issue id) -> the date its stance, priority or presence last changed."""
        moved: dict[tuple[str, str], dt.date] = {}
        for r in self.revisions:
            for c in r.changes:
                if c.kind in ("stance", "priority", "position") and c.issue and r.kind == "actor":
                    moved.setdefault((r.brief_id, c.issue), r.date)
        return moved

    @property
    def last_date(self) -> dt.date | None:
        return self.revisions[0].date if self.revisions else None


def read_history(briefs_dir: Path, corpus: "Corpus", store: Store | None = None) -> History:
    """The history of the briefs folder, with each brief's editorial notes; what git could not give
    is said in `limitation`. `store` keeps each comparison of two versions for the next run."""
    commits, complete, limitation, head = _git_revisions(briefs_dir, corpus, store)
    notes = [_note(b, n) for b in corpus.briefs.values() for n in b.brief.changes]
    revisions = sorted(commits + notes, key=lambda r: (r.date, r.time, r.brief_id, r.commit, r.message), reverse=True)
    # the pages made from the history are reused while it is the same: the revisions' text is small
    return History(tuple(revisions), complete, limitation, hashlib.sha256(repr((head, limitation, revisions)).encode()).digest())


def _concerns_now(brief: "BriefFile") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a brief in the book concerns, from its typed version (the filters show the brief as it is now)."""
    b = brief.brief
    front = {"participants": [{"actor": p.actor} for p in getattr(b, "participants", [])], "agenda": list(getattr(b, "agenda", [])),
             "positions": dict.fromkeys(getattr(b, "positions", {}))}
    return concerns(brief.kind, brief.id, front)


def _note(brief: "BriefFile", note: Any) -> Revision:
    actors, issues = _concerns_now(brief)
    return Revision(brief.id, brief.kind, brief.brief.title, note.date, "", note.text, (Change("note", note.text),), actors, issues)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except OSError:  # no git on this machine
        return None
    return done.stdout if done.returncode == 0 else None


def _git_revisions(briefs_dir: Path, corpus: "Corpus", store: Store | None) -> tuple[list[Revision], bool, str, str]:
    found = _git(briefs_dir, "rev-parse", "--is-shallow-repository", "--show-prefix", "HEAD")
    if found is None:
        return [], False, "The project is not a git checkout (or git is not installed), so the briefs' revisions are not known; only editorial change notes are shown.", ""
    shallow, prefix, head = found.decode().split("\n")[:3]
    log = _git(briefs_dir, "log", "--no-merges", "-M", "--raw", "--no-abbrev", "-z", "--format=%x1e%H%x1f%ct%x1f%P%x1f%s", "--", ".")
    if log is None:
        return [], False, "The repository's log could not be read; only editorial change notes are shown.", head
    commits = list(_parse_log(log, prefix))
    # a shallow clone's oldest commit shows every file as added: it is where the history starts, not a change
    boundary = {c[0] for c in commits if shallow == "true" and not c[2]}
    pairs = [(brief_id, old, new, corpus.briefs.get(brief_id)) for c in commits if c[0] not in boundary for brief_id, old, new in c[4]]
    # each pair of versions is compared once: its changes are kept in the cache, keyed by the blobs
    # (what a blob holds never changes) and what the comparison read from the book as it is now
    keys = {(old, new): (old, new, current.kind if current else None) for _, old, new, current in pairs}
    made = {pair: store.get(key) if store is not None else None for pair, key in keys.items()}
    missing = [pair for pair, found in made.items() if found is None]
    blobs = _read_blobs(briefs_dir, {b for pair in missing for b in pair if b != _NO_BLOB})
    versions: dict[str, FrontMatter | None] = {}

    def version(blob: str) -> FrontMatter | None:
        if blob not in versions:
            versions[blob] = front_matter(blobs.get(blob))
        return versions[blob]

    for brief_id, old, new, current in pairs:
        if made[(old, new)] is None:
            before, after = version(old), version(new)
            latest = after if after is not None else before or FrontMatter("")
            kind = current.kind if current else str(latest.get("kind", ""))
            gone = None if current else (kind, str(latest.get("title", brief_id)), concerns(kind, brief_id, latest))
            made[(old, new)] = (tuple(diff(before, after, kind, corpus)), gone)
            if store is not None:
                store.put(keys[(old, new)], made[(old, new)])
    known_concerns = {b.id: _concerns_now(b) for b in corpus.briefs.values()}
    revisions = []
    at = 0
    for sha, when, _, subject, entries in commits:
        if sha in boundary:
            continue
        date = dt.datetime.fromtimestamp(when, dt.timezone.utc).date()
        for brief_id, old, new, current in pairs[at:at + len(entries)]:
            changes, gone = made[(old, new)]
            if current is not None:
                kind, title, (actors, issues) = current.kind, current.brief.title, known_concerns[brief_id]
            else:
                kind, title, (actors, issues) = gone
            revisions.append(Revision(brief_id, kind, title, date, sha[:10], subject, changes, actors, issues, current is not None, when))
        at += len(entries)
    limitation = ""
    if shallow == "true":
        limitation = "The site was built from a shallow clone: revisions before its oldest commit are not shown."
    return revisions, shallow != "true", limitation, head


def _parse_log(log: bytes, prefix: str) -> Iterator[tuple[str, int, str, str, list[tuple[str, str, str]]]]:
    """(commit, time, parents, subject, [(brief id, old blob, new blob)]) per commit that touched a brief."""
    for record in log.split(b"\x1e")[1:]:
        header, _, raw = record.partition(b"\0")
        sha, when, parents, subject = header.decode("utf-8", "replace").split("\x1f", 3)
        tokens = raw.lstrip(b"\n").split(b"\0")
        entries: list[tuple[str, str, str]] = []
        i = 0
        while i < len(tokens):
            meta = tokens[i].lstrip(b"\n").decode()
            if not meta.startswith(":"):
                i += 1
                continue
            _, _, old, new, status = meta.split(" ")
            paths = tokens[i + 1:i + 3] if status[0] in "RC" else tokens[i + 1:i + 2]
            i += 1 + len(paths)
            ids = [_brief_id(p.decode("utf-8", "replace"), prefix) for p in paths]
            if status[0] == "R" and ids[0] != ids[1]:  # renamed to another id: one removed, one added
                entries += [(ids[0], old, _NO_BLOB)] if ids[0] else []
                entries += [(ids[1], _NO_BLOB, new)] if ids[1] else []
            elif ids[-1]:
                entries.append((ids[-1], _NO_BLOB if status[0] == "C" else old, new))
        if entries:
            yield sha, int(when), parents, subject, entries


def _brief_id(path: str, prefix: str) -> str | None:
    """The brief id of a path from the repository's root, or None for a file that is no brief."""
    pure = PurePosixPath(path)
    if pure.suffix != ".md" or not path.startswith(prefix) or any(part.startswith(".") for part in pure.parts):
        return None
    return pure.stem if ID_RE.match(pure.stem) else None


def _read_blobs(root: Path, shas: set[str]) -> dict[str, bytes]:
    if not shas:
        return {}
    ordered = sorted(shas)
    out = _git(root, "cat-file", "--batch", stdin="".join(s + "\n" for s in ordered).encode())
    blobs: dict[str, bytes] = {}
    at = 0
    while out and at < len(out):
        end = out.index(b"\n", at)
        head = out[at:end].split(b" ")
        if len(head) < 3:  # "<sha> missing"
            at = end + 1
            continue
        size = int(head[2])
        blobs[head[0].decode()] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return blobs


