"""What a page asked of the corpus while it rendered, so that a later run can tell whether the page
would come out the same.

A page's template reaches other briefs only through the `corpus` it is given. Rendering gives it
a `RecordingCorpus`, which notes each question (an attribute, a method call with its arguments, a
key looked up in `corpus.briefs` or `corpus.sources`) with a fingerprint of the answer. A brief
answers with its id, file, the digest of its front matter and the sources its body cites, so
whatever the template reads from it is covered; the body itself, which only a few pages show, is
noted where it is read (`noting_body_reads`). The next run asks the same questions of the new
corpus (`Answers`); if every answer has the same fingerprint, the page's Markdown would be the
same, and is reused.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any, Iterator

from pydantic import BaseModel

from .cache import digest
from .corpus import Corpus
from .loader import RawFile, body_readers
from .validate import BriefFile


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
            # (`noting_body_reads`): an edit to the prose changes its own page, not every view
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


class _RecordingMapping(Mapping):
    """`corpus.briefs` or `corpus.sources`: a key looked up is one question; going through them all is another."""

    def __init__(self, name: str, mapping: Mapping, asked: dict, fingerprint: Fingerprints):
        self._name, self._mapping, self._asked, self._fingerprint = name, mapping, asked, fingerprint

    def __getitem__(self, key: Any) -> Any:
        value = self._mapping[key]
        self._asked[(self._name, "[]", key)] = self._fingerprint.answer(value)
        return value

    def __contains__(self, key: object) -> bool:
        value = self._mapping.get(key)
        self._asked[(self._name, "[]", key)] = self._fingerprint.answer(value)
        return value is not None

    def _all(self) -> Mapping:
        self._asked[(self._name, "*")] = self._fingerprint.answer(self._mapping)
        return self._mapping

    def __iter__(self) -> Iterator:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._mapping.get(key)
        self._asked[(self._name, "[]", key)] = self._fingerprint.answer(value)
        return default if value is None else value

    def keys(self):  # type: ignore[no-untyped-def]
        return self._all().keys()

    def values(self):  # type: ignore[no-untyped-def]
        return self._all().values()

    def items(self):  # type: ignore[no-untyped-def]
        return self._all().items()


class RecordingCorpus:
    """The corpus as a template sees it, noting each question and the fingerprint of its answer in `asked`."""

    def __init__(self, corpus: Corpus, asked: dict, fingerprint: Fingerprints):
        self._corpus, self._asked, self._fingerprint = corpus, asked, fingerprint

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._corpus, name)
        if isinstance(value, Mapping):
            seen: Any = _RecordingMapping(name, value, self._asked, self._fingerprint)
        elif not callable(value):
            self._asked[(name,)] = self._fingerprint.answer(value)
            seen = value
        else:
            def seen(*args: Any, **kwargs: Any) -> Any:
                result = value(*args, **kwargs)
                key = (name, self._fingerprint.arguments(args)) if not kwargs else (name, UNKNOWN)
                self._asked[key] = self._fingerprint.answer(result)
                return result
        # asked once: the next look-up finds the attribute without coming here
        object.__setattr__(self, name, seen)
        return seen


@contextmanager
def noting_body_reads(asked: dict) -> Iterator[None]:
    """Note in `asked` the body of each brief read meanwhile, with a digest of its text."""

    def note(raw: RawFile) -> None:
        asked[(_BODY, raw.id)] = digest(raw.body_text.encode())

    token = body_readers.set(note)
    try:
        yield
    finally:
        body_readers.reset(token)


class Answers:
    """The current corpus's answers to questions recorded in an earlier run, each computed once."""

    def __init__(self, corpus: Corpus, fingerprint: Fingerprints):
        self._corpus, self._fingerprint = corpus, fingerprint
        self._known: dict[Any, Any] = {}

    def same(self, asked: dict) -> bool:
        """Whether every question gets the answer it got when it was recorded."""
        for question, answer in asked.items():
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
            return digest(brief.raw.body_text.encode()) if brief is not None else None
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
