"""The page cache: what a run keeps of each page it rendered, and when the next run reuses it.

THE RULE. A page (or a piece of one, such as a brief's part of briefs.json) is reused when its own
input and every answer its template got from the corpus are what they were when it was made:

- its own input: for a brief's page, the brief's whole file (id, file name, digest of its bytes);
  for a view, nothing of its own;
- what every page depends on (`inputs_version`): the settings, every template file, briefbook's
  code and the libraries that shape a page (see `files.store.code_version`);
- the answers: a template reaches other briefs only through the `corpus` it is given. While a page
  is made, that is a `RecordingCorpus`, which notes each question (an attribute, a method call with
  its arguments, a key looked up in `corpus.briefs` or `corpus.sources`) with a fingerprint of the
  answer. A brief answers with its id, file, the digest of its front matter and the sources its
  body cites; its body, which few pages show, is a question of its own, noted where a template
  reads `brief.raw.body` of a brief the corpus handed out (`_SeenBrief`).

The next run asks the recorded questions of the new corpus (`Answers`); if every answer has the
same fingerprint, the page's Markdown would be the same, and is reused. When the whole corpus is
the one the cache was last checked against (`corpus.signature`), no question is asked again. A
piece made inside a page (a brief's part of briefs.json) is an entry of its own; the page that
holds it depends on all the piece asked, and keeps the piece's entry alive while it is reused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any, Callable, Hashable, Iterator, TypeVar

from pydantic import BaseModel

from ..corpus.corpus import Corpus
from ..files.shipped import default_templates_dir
from ..files.store import digest, enabled, kept, opened
from ..files.writer import write_atomic
from ..format.settings import Settings
from ..format.validate import BriefFile

_Made = TypeVar("_Made")


class _Unknown:
    """An answer that cannot be compared across runs: it never matches, so the page is rendered again."""

    def __repr__(self) -> str:
        return f"<unknown {secrets.token_hex(8)}>"  # differs each time, and so does any digest of it

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
_PLAIN = (str, int, float, bool, type(None), dt.date)
_EXACTLY_PLAIN = frozenset(_PLAIN) | {dt.datetime}
_BRIEF = "brief"
_BODY = "@body"  # not a name a corpus attribute can have


class Fingerprints:
    """What an answer shows, in a form that can be kept and compared across runs.

    `self(value)` is a structure of plain values, equal across runs exactly when `value` shows the
    same content: a brief is `("brief", id, file, digest of its front matter, sources its body
    cites)`, a record (a source, a
    position) the digest of its fields. `answer(value)`, the form stored, is the digest of that
    structure's repr: the views ask questions whose answers span the whole corpus. Briefs and
    records are remembered by identity for the run: a source or a position is in many answers."""

    def __init__(self) -> None:
        self._records: dict[int, tuple[Any, Any]] = {}  # id -> (the object, kept alive so that its id stays its own; fingerprint)
        self._answers: dict[int, bytes] = {}  # id of an object in _records -> its answer

    def __call__(self, value: Any) -> Any:
        kind = type(value)
        if kind in _EXACTLY_PLAIN:  # most values: checked first, without isinstance
            return value
        if kind is list or kind is tuple:
            return tuple(map(self, value))
        if isinstance(value, _PLAIN):
            return str(value) if isinstance(value, str) else value  # Markup as plain text
        if isinstance(value, (BriefFile, BaseModel)):
            known = self._records.get(id(value))
            if known is None:
                known = self._records[id(value)] = (value, self._record(value))
            return known[1]
        if isinstance(value, (list, tuple)):
            return tuple(map(self, value))
        if isinstance(value, Mapping):
            return ("mapping", tuple((self(k), self(v)) for k, v in value.items()))
        if isinstance(value, (set, frozenset)):
            return ("set", tuple(sorted((self(v) for v in value), key=repr)))
        return UNKNOWN

    def _record(self, value: BriefFile | BaseModel) -> Any:
        if isinstance(value, BriefFile):
            # its front matter and the sources its body cites; the body itself only where it is read
            # (`_SeenBrief`): an edit to the prose changes its own page, not every view
            cited = tuple(source_id for source_id, _, _ in value.citations)
            return (_BRIEF, value.id, value.display, value.raw.front_digest, cited)  # the only tuple fingerprint holding bytes
        # a digest, so that an answer holding many records (every position on an issue) stays short
        return digest(repr((type(value).__name__, tuple(self(v) for v in value.__dict__.values()))).encode())

    def answer(self, value: Any) -> bytes:
        if isinstance(value, (BriefFile, BaseModel)):  # looked up again and again: `sources[id]`, `briefs[id]`
            known = self._answers.get(id(value))
            if known is None:
                known = self._answers[id(value)] = digest(repr(self(value)).encode())
            return known
        return digest(repr(self(value)).encode())

    def arguments(self, args: tuple) -> tuple:
        """Arguments as they can be stored and passed again: plain values and briefs, else UNKNOWN."""
        return tuple(self(a) if isinstance(a, (*_PLAIN, BriefFile)) else UNKNOWN for a in args)


class _SeenBrief:
    """A brief as a recorded template sees it: the brief itself, but for its `raw`, whose body read
    is a question of its own (`note_body`), asked of whatever is being made when it is read."""

    __slots__ = ("_brief", "_note_body")

    def __init__(self, brief: BriefFile, note_body: Callable[[BriefFile], None]):
        self._brief, self._note_body = brief, note_body

    def __getattr__(self, name: str) -> Any:
        if name == "raw":
            return _SeenRaw(self._brief, self._note_body)
        return getattr(self._brief, name)

    def __eq__(self, other: object) -> bool:
        return self._brief == _plain(other)

    __hash__ = None  # type: ignore[assignment]  # as BriefFile's


class _SeenRaw:
    __slots__ = ("_brief", "_note_body")

    def __init__(self, brief: BriefFile, note_body: Callable[[BriefFile], None]):
        self._brief, self._note_body = brief, note_body

    @property
    def body(self) -> str:
        self._note_body(self._brief)
        return self._brief.raw.body

    def __getattr__(self, name: str) -> Any:
        return getattr(self._brief.raw, name)


def _plain(value: Any) -> Any:
    return value._brief if type(value) is _SeenBrief else value


def _body_digest(brief: BriefFile) -> bytes:
    return digest(brief.raw.body.encode())


class _RecordingMapping(Mapping):
    """`corpus.briefs` or `corpus.sources`: a key looked up is one question; going through them all is another."""

    def __init__(self, name: str, mapping: Mapping, corpus: RecordingCorpus):
        self._name, self._mapping, self._corpus = name, mapping, corpus

    def _note(self, key: Any, value: Any) -> None:
        self._corpus.asked[(self._name, "[]", key)] = self._corpus.fingerprint.answer(value)

    def __getitem__(self, key: Any) -> Any:
        value = self._mapping[key]
        self._note(key, value)
        return self._corpus.seen(value)

    def __contains__(self, key: object) -> bool:
        value = self._mapping.get(key)
        self._note(key, value)
        return value is not None

    def _all(self) -> Mapping:
        self._corpus.asked[(self._name, "*")] = self._corpus.fingerprint.answer(self._mapping)
        return self._mapping

    def __iter__(self) -> Iterator:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._mapping.get(key)
        self._note(key, value)
        return default if value is None else self._corpus.seen(value)

    def keys(self):  # type: ignore[no-untyped-def]
        return self._all().keys()

    def values(self):  # type: ignore[no-untyped-def]
        return [self._corpus.seen(v) for v in self._all().values()]

    def items(self):  # type: ignore[no-untyped-def]
        return [(k, self._corpus.seen(v)) for k, v in self._all().items()]


class RecordingCorpus:
    """The corpus as a template sees it, noting each question and the fingerprint of its answer in `asked`."""

    def __init__(self, corpus: Corpus, asked: dict, fingerprint: Fingerprints, note_body: Callable[[BriefFile], None]):
        self._corpus, self.asked, self.fingerprint, self._note_body = corpus, asked, fingerprint, note_body

    def seen(self, value: Any) -> Any:
        """An answer as the template gets it: each brief in it a `_SeenBrief`."""
        kind = type(value)
        if kind is BriefFile:
            return _SeenBrief(value, self._note_body)
        if kind is list:
            return [self.seen(v) for v in value]
        if kind is tuple:
            return tuple(self.seen(v) for v in value)
        if isinstance(value, dict):
            return {k: self.seen(v) for k, v in value.items()}
        return value

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._corpus, name)
        if isinstance(value, Mapping):
            seen: Any = _RecordingMapping(name, value, self)
        elif not callable(value):
            self.asked[(name,)] = self.fingerprint.answer(value)
            seen = self.seen(value)
        else:
            def seen(*args: Any, **kwargs: Any) -> Any:
                args = tuple(map(_plain, args))
                result = value(*args, **{k: _plain(v) for k, v in kwargs.items()})
                key = (name, self.fingerprint.arguments(args)) if not kwargs else (name, UNKNOWN)
                self.asked[key] = self.fingerprint.answer(result)
                return self.seen(result)
        # asked once: the next look-up finds the attribute without coming here
        object.__setattr__(self, name, seen)
        return seen


class Answers:
    """The current corpus's answers to questions recorded in an earlier run, each computed once."""

    def __init__(self, corpus: Corpus, fingerprint: Fingerprints):
        self._corpus, self._fingerprint = corpus, fingerprint
        self._known: dict[Any, Any] = {}

    def same(self, asked: dict, bodies_only: bool = False) -> bool:
        """Whether every question (with `bodies_only`, every question of a body) gets the answer it got when it was recorded."""
        for question, answer in asked.items():
            if bodies_only and question[0] != _BODY:
                continue
            try:
                current = self._known[question]
            except KeyError:
                current = self._known[question] = self._answer(question)
            if current != answer:
                return False
        return True

    def _answer(self, question: tuple) -> bytes | None:
        corpus, fingerprint = self._corpus, self._fingerprint
        name = question[0]
        if name == _BODY:
            brief = corpus.briefs.get(question[1])
            return _body_digest(brief) if brief is not None else None
        if name.startswith("_") or not hasattr(corpus, name):
            return None
        value = getattr(corpus, name)
        if len(question) == 1 or question[1] == "*":
            return fingerprint.answer(value)
        if question[1] == "[]":
            return fingerprint.answer(value.get(question[2]))
        if question[1] is UNKNOWN:
            return None
        args = []
        for arg in question[1]:
            if arg is UNKNOWN:
                return None
            if isinstance(arg, tuple):  # a brief: only briefs are stored as tuples
                brief = corpus.briefs.get(arg[1])
                if brief is None or fingerprint(brief) != arg:
                    return None  # the brief it was asked about changed: the page renders again anyway
                arg = brief
            args.append(arg)
        return fingerprint.answer(value(*args))


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
        # but a body's sees it; when that is this one's, only the questions of bodies are asked again.
        self.front = _front_signature(corpus, self.fingerprint) if kept() else b""
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
        if entry is not None and entry[0] == own and (self.corpus_unchanged or self.answers.same(entry[1], self.bodies_only)):
            _, asked, made, pieces = entry
            for piece in pieces:  # kept for the next run that makes this again
                self.store.get(piece)
        else:
            asked, pieces = {}, set()
            self._making.append((asked, pieces))
            try:
                made = make(RecordingCorpus(self.corpus, asked, self.fingerprint, self._note_body))
            finally:
                self._making.pop()
            self.store.put(key, (own, asked, made, frozenset(pieces)))
        if self._making:  # a piece of what is being made: that depends on all the piece asked, and holds it
            outer_asked, outer_pieces = self._making[-1]
            outer_asked.update(asked)
            outer_pieces.add(key)
            outer_pieces.update(pieces)
        return made

    def _note_body(self, brief: BriefFile) -> None:
        if self._making:
            self._making[-1][0][(_BODY, brief.id)] = _body_digest(brief)

    def save(self) -> None:
        """Keep what this run made and reused for the next; call it only after a complete run."""
        try:
            self._checked_against.unlink(missing_ok=True)
            if self.store.save():
                write_atomic(self._checked_against, self.store.version + self.corpus.signature)
            self.store.front = self.front
        except OSError:  # a read-only project still builds; the next run checks every page
            pass


def _front_signature(corpus: Corpus, fingerprint: Fingerprints) -> bytes:
    """The corpus as every question but a body's sees it: each brief as its fingerprint (front matter,
    cited sources), each source, the day and the age limit."""
    briefs = [fingerprint(b) for b in corpus.briefs.values()]
    sources = [(source_id, fingerprint.answer(source)) for source_id, source in corpus.sources.items()]
    return digest(repr((briefs, sources, corpus.today, corpus.max_age_days)).encode())


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
