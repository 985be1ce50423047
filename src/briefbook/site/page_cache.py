"""The page cache: what a run keeps of each page it rendered, and when the next run reuses it.

THE RULE. A page (or a piece of one, such as a brief's part of briefs.json) is reused when its own
input and every answer its template got from the corpus are what they were when it was made:

- its own input: for a brief's page, the brief's whole file (id, file name, digest of its bytes);
  for a view, nothing of its own;
- what every page depends on (`inputs_version`): the settings, every template file, briefbook's
  code and the libraries that shape a page (see `files.store.code_version`);
- the answers: a template reaches other briefs only through the `corpus` it is given. While a page
  is made, that is a `questions.RecordingCorpus`, which notes each question (an attribute, a method
  call with its arguments, a key looked up in `corpus.briefs` or `corpus.sources`) with a
  fingerprint of the answer. A brief in an answer is only what it is (id, file, kind); each field
  of its front matter that the template reads, its body, the citations in its body are questions
  of their own (see questions.py), so that a page depends on the fields it shows and no others.

The next run asks the recorded questions of the new corpus (`questions.Answers`); if every answer
has the same fingerprint, the page's Markdown would be the same, and is reused. How many it asks
depends on the corpus the cache was last checked against (`CheckedCorpus`, saved after the
shards): the same (`Corpus.signature`), none; else only the corpus's own questions and those of
the briefs whose files changed, since a question of one brief is answered from its file alone;
and when only bodies changed (`Corpus.fronts` the same), only the questions of those bodies, and
only by the entries that read one of them. A piece made inside a page (a brief's part of briefs.json) is an entry of its own; the
page that holds it depends on all the piece asked, and keeps the piece's entry alive while it is
reused.
"""

from __future__ import annotations

import dataclasses
import marshal
import pickle
from pathlib import Path
from typing import Any, Callable, Hashable, NamedTuple, TypeVar

from ..corpus.corpus import Corpus
from ..files.shipped import default_templates_dir
from ..files.store import Store, digest, enabled, opened, read_checked, write_checked
from ..format.settings import Settings
from ..format.validate import BriefFile
from .front_changes import changed_fields, unaffected
from .questions import ANY_BODY, Answers, Fingerprints, RecordingCorpus, bodies_read

__all__ = ["PageCache", "RecordingCorpus", "inputs_version", "whole"]
_Made = TypeVar("_Made")


class PageCache:
    """The pages of the last run, and what each was made from (see THE RULE above)."""

    def __init__(self, corpus: Corpus, settings: Settings, also: bytes = b""):
        self.corpus = corpus
        # `also`: what every page may show besides the corpus (the history of the briefs)
        self.store = opened(settings.cache, "rendered", inputs_version(settings) + also)
        # a preview's store in memory keeps the last run's fingerprints of the briefs it still holds
        self.fingerprint = self.store.fingerprints = Fingerprints(getattr(self.store, "fingerprints", None))
        self.answers = Answers(corpus, self.fingerprint)
        self._checked_against = settings.cache / CHECKED_FILE
        self.bodies = {b.id: b.raw.digest for b in corpus.briefs.values()}
        last = checked_corpus(self.store, self._checked_against)
        earlier: Corpus | None = getattr(self.store, "checked_with", None)
        # what this run puts is made from this corpus, not that one: said again once it is saved
        self.store.checked = self.store.checked_with = None
        # When the cached pages were last checked against this very corpus, every answer is the
        # same. Else, given that corpus, only the questions of the briefs whose files changed are
        # asked again, with the corpus's own; and when it differs from this one only in bodies
        # (Corpus.fronts), only the entries that read a changed body ask their questions of it.
        self.corpus_unchanged = last is not None and last.signature == corpus.signature
        self.changed: frozenset[str] | None = None
        self.fronts_same = False
        if last is not None:
            self.changed = frozenset(i for i in self.bodies.keys() | last.bodies.keys() if self.bodies.get(i) != last.bodies.get(i))
            self.fronts_same = last.fronts == corpus.fronts
        # In a preview, the corpus that was checked is still in memory: after an edit to front
        # matter, the corpus's questions that read none of the fields it changed are not asked again.
        self.unaffected: frozenset[str] = frozenset()
        if (last is not None and earlier is not None and earlier.signature == last.signature and self.changed is not None
                and not self.corpus_unchanged and not self.fronts_same):
            fields = changed_fields(earlier, corpus, self.changed, self.fingerprint)
            self.unaffected = unaffected(fields) if fields is not None else frozenset()
        # what is being made, innermost last: the questions each has asked, and the pieces it holds
        self._making: list[tuple[dict, set]] = []

    @classmethod
    def open(cls, corpus: Corpus, settings: Settings, also: bytes = b"") -> PageCache | None:
        """The project's page cache, or None when caching is off for this run."""
        return cls(corpus, settings, also) if enabled() else None

    def reused_or_made(self, key: Hashable, own: Any, make: Callable[[Corpus | RecordingCorpus], _Made]) -> _Made:
        """What an earlier run made under `key`, if its own input (`own`) and every answer the corpus
        gave while making it are unchanged; else made now, with what it asked noted for the next run."""
        entry = self.store.get(key)
        asked: dict | None = None
        if entry is not None and entry[0] == own and self._still_true(entry):
            _, _, made, pieces, _ = entry
            for piece in pieces:  # kept for the next run that makes this again
                self.store.get(piece)
            if self._making:
                asked = _questions(entry)
        else:
            asked, pieces = {}, set()
            self._making.append((asked, pieces))
            try:
                made = make(RecordingCorpus(self.corpus, asked, self.fingerprint, self._note))
            finally:
                self._making.pop()
            # the questions kept pickled, so that a run that need not ask them does not unpickle them
            self.store.put(key, (own, pickle.dumps(asked, protocol=pickle.HIGHEST_PROTOCOL), made, frozenset(pieces), bodies_read(asked)))
        if self._making:  # a piece of what is being made: that depends on all the piece asked, and holds it
            outer_asked, outer_pieces = self._making[-1]
            outer_asked.update(asked)
            outer_pieces.add(key)
            outer_pieces.update(pieces)
        return made

    def reused(self, key: Hashable, own: Any) -> Any:
        """What `reused_or_made` would reuse under `key` (a page, not a piece of one), or None when
        it would make it again; then what is kept under `key` is let go, so that no later run takes
        it for this corpus's before it is made."""
        entry = self.store.get(key)
        if entry is not None and entry[0] == own and self._still_true(entry):
            return entry[2]
        if entry is not None:
            self.store.put(key, None)
        return None

    def _still_true(self, entry: tuple) -> bool:
        """Whether every question the entry's maker asked has the answer it had."""
        if self.corpus_unchanged:
            return True
        if self.fronts_same and self.changed is not None and entry[4].isdisjoint(self.changed) and ANY_BODY not in entry[4]:
            return True
        return self.answers.same(_questions(entry), self.changed, self.fronts_same, self.unaffected)

    def _note(self, question: tuple, answer: bytes) -> None:
        """A question of a brief, asked of whatever is being made when the template reads it."""
        if self._making:
            self._making[-1][0][question] = answer

    def save(self) -> None:
        """Keep what this run made and reused for the next; call it only after a complete run."""
        checked = CheckedCorpus(self.corpus.signature, self.corpus.fronts, self.bodies)
        try:
            # removed while the shards are written: a run stopped halfway leaves the next to ask every question
            self._checked_against.unlink(missing_ok=True)
            if self.store.save():
                write_checked(self._checked_against, self.store.version + marshal.dumps(tuple(checked)))
        except OSError:  # a read-only project still builds; the next run asks every question
            pass
        self.store.checked = checked  # a preview's store in memory holds this run's entries, saved or not
        self.store.checked_with = self.corpus


CHECKED_FILE = "rendered.corpus"


class CheckedCorpus(NamedTuple):
    """The corpus the cached pages were last checked against."""

    signature: bytes
    fronts: bytes
    bodies: dict[str, bytes]  # brief id -> the digest of its file


def checked_corpus(store: Store, path: Path) -> CheckedCorpus | None:
    """What the store's entries were last checked against: kept with a store in memory (None after a
    run that did not finish), else read from `path`; None when unknown."""
    if hasattr(store, "checked"):
        return store.checked
    content = read_checked(path)
    if content is None or not content.startswith(store.version):
        return None
    try:
        checked = CheckedCorpus(*marshal.loads(content[len(store.version):]))
    except (ValueError, EOFError, TypeError):
        return None
    return checked if isinstance(checked.bodies, dict) else None


def _questions(entry: tuple) -> dict:
    return pickle.loads(entry[1])


def inputs_version(settings: Settings) -> bytes:
    """What every page depends on besides the corpus: the settings and the templates."""
    # not where the project is: a cache restored into another checkout still serves
    data = [repr({f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.name != "project_dir"}).encode()]
    for folder in (settings.templates, default_templates_dir()):
        if folder.is_dir():
            data += [str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()]
        data.append(b"\1")
    return digest(b"\0".join(data))


def whole(brief: BriefFile) -> tuple[str, str, bytes]:
    """The own input of what is made from one brief alone: all of its file, body included."""
    return brief.id, brief.display, brief.raw.digest
