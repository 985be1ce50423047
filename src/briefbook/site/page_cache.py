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
has the same fingerprint, the page's Markdown would be the same, and is reused. When the whole
corpus is the one the cache was last checked against (`corpus.signature`), no question is asked
again. A piece made inside a page (a brief's part of briefs.json) is an entry of its own; the
page that holds it depends on all the piece asked, and keeps the piece's entry alive while it is
reused.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Hashable, TypeVar

from ..corpus.corpus import Corpus
from ..files.shipped import default_templates_dir
from ..files.store import digest, enabled, kept, opened
from ..files.writer import write_atomic
from ..format.settings import Settings
from ..format.validate import BriefFile
from .questions import BODY, FILE, Answers, Fingerprints, RecordingCorpus, front_signature

__all__ = ["PageCache", "RecordingCorpus", "inputs_version", "whole"]
_Made = TypeVar("_Made")
# what a body edit can change when every front matter is as it was: the body, and the whole file
_OF_BODIES = frozenset((BODY, FILE))


class PageCache:
    """The pages of the last run, and what each was made from (see THE RULE above)."""

    def __init__(self, corpus: Corpus, settings: Settings, also: bytes = b""):
        self.corpus = corpus
        # `also`: what every page may show besides the corpus (the history of the briefs)
        self.store = opened(settings.cache, "rendered", inputs_version(settings) + also)
        self.fingerprint = Fingerprints()
        self.answers = Answers(corpus, self.fingerprint)
        # Whom the cached pages were last checked against: when it is this corpus, every answer is
        # the same. Removed while the shards are written, so that a run stopped halfway leaves the
        # next one to check each page.
        self._checked_against = settings.cache / "rendered.corpus"
        try:
            self.corpus_unchanged = self._checked_against.read_bytes() == self.store.version + corpus.signature
        except OSError:
            self.corpus_unchanged = False
        # A store kept in memory (a preview) remembers the corpus of its last run as every question
        # but those of a body or a whole file see it; when that is this one's, only those are asked again.
        self.front = front_signature(corpus, self.fingerprint) if kept() else b""
        self.bodies_only = bool(self.front) and getattr(self.store, "front", None) == self.front
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
        if self._still_right(entry, own):
            _, asked, made, pieces = entry
            for piece in pieces:  # kept for the next run that makes this again
                self.store.get(piece)
        else:
            asked, pieces = {}, set()
            self._making.append((asked, pieces))
            try:
                made = make(RecordingCorpus(self.corpus, asked, self.fingerprint, self._note))
            finally:
                self._making.pop()
            self.store.put(key, (own, asked, made, frozenset(pieces)))
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
        if self._still_right(entry, own):
            return entry[2]
        if entry is not None:
            self.store.put(key, None)
        return None

    def _still_right(self, entry: Any, own: Any) -> bool:
        return entry is not None and entry[0] == own and (
            self.corpus_unchanged or self.answers.same(entry[1], _OF_BODIES if self.bodies_only else None))

    def _note(self, question: tuple, answer: bytes) -> None:
        """A question of a brief, asked of whatever is being made when the template reads it."""
        if self._making:
            self._making[-1][0][question] = answer

    def save(self) -> None:
        """Keep what this run made and reused for the next; call it only after a complete run."""
        try:
            self._checked_against.unlink(missing_ok=True)
            if self.store.save():
                write_atomic(self._checked_against, self.store.version + self.corpus.signature)
            self.store.front = self.front
        except OSError:  # a read-only project still builds; the next run checks every page
            pass


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
