"""The corpus as a template sees it while its page is made for the page cache: every question the
template asks, each with a fingerprint of the answer, and the same questions asked again of a
later corpus (page_cache.py decides with them).

A question is one of: of the corpus, an attribute (`corpus.actors`), a method call with its
arguments (`corpus.positions_on("sanctions")`), a key looked up in `corpus.briefs` or
`corpus.sources`, or going through one of them whole; of one brief the corpus handed out, read
through the brief itself (`_SeenBrief`), one field of its front matter (`brief.brief.summary`),
its body (`brief.raw.body`), the citations in its body, and for anything else of it (a method of
the model, the file's other parts) its whole front matter or its whole file.

A brief inside an answer is fingerprinted by what it is (id, file, kind), not by what it holds:
what a template reads of it is a question of its own. So a view that lists actors by title
depends on each actor's title and nothing else of them: an edit to a summary makes again only the
pages that show summaries. Every other record in an answer (a source, a position, a timeline
entry) is fingerprinted by all its fields.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Mapping
from typing import Any, Callable, Iterator

from pydantic import BaseModel

from ..corpus.corpus import Corpus
from ..files.store import digest
from ..format.validate import BriefFile


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
# The questions of one brief, (aspect, brief id[, field]): none is a name a corpus attribute can have.
BODY, FIELD, FRONT, FILE, CITED = "@body", "@field", "@front", "@file", "@cited"
BRIEF_ASPECTS = frozenset((BODY, FIELD, FRONT, FILE, CITED))
# The questions whose answers a change to a body alone can change (Corpus.fronts is all the others
# see): those of a brief's body, its whole file, where its body cites, and of the corpus's signature.
_SIGNATURE = "signature"
OF_BODIES = frozenset((BODY, FILE, CITED, _SIGNATURE))
ANY_BODY = "*"  # not an id: ids are lowercase letters, digits and hyphens
_MISSING = ("@missing",)  # the answer for a field the brief's model does not have
_IDENTITY = frozenset(("id", "kind", "display"))  # what a brief's fingerprint already holds


class Fingerprints:
    """What an answer shows, in a form that can be kept and compared across runs.

    `self(value)` is a structure of plain values, equal across runs exactly when `value` shows the
    same content: a brief is `("brief", id, file, kind)` (what a template reads of it is asked on
    its own, see the module's docstring), a record (a source, a position) the digest of its fields.
    `answer(value)`, the form stored, is the digest of that structure's repr: the views ask
    questions whose answers span the whole corpus. Records are remembered by identity for the run:
    a source or a position is in many answers, and, given the `earlier` run's, for as long as it
    lives: the records are frozen, and a preview's next run loads the briefs it did not change as
    the very objects it had (the briefs' store is kept in memory), so that only the changed briefs'
    records are fingerprinted again. What the earlier run did not use is let go."""

    def __init__(self, earlier: Fingerprints | None = None) -> None:
        self._records: dict[int, tuple[Any, Any]] = {}  # id -> (the object, kept alive so that its id stays its own; fingerprint)
        self._answers: dict[int, bytes] = {}  # id of an object in _records -> its answer
        self._of_briefs: dict[tuple, bytes] = {}  # (brief id, aspect, field) -> the answer, once a run (of one corpus)
        self._brief_answers: dict[int, tuple[BriefFile, bytes]] = {}  # id -> (the brief, its answer)
        # the earlier run's records and answers, taken into this run's as they are asked for
        self._earlier_records = earlier._records if earlier is not None else {}
        self._earlier_answers = earlier._answers if earlier is not None else {}

    def __call__(self, value: Any) -> Any:
        kind = type(value)
        if kind in _EXACTLY_PLAIN:  # most values: checked first, without isinstance
            return value
        if kind is list or kind is tuple:
            return tuple(map(self, value))
        if kind is BriefFile:
            return (_BRIEF, value.id, value.display, value.kind)  # the only tuple fingerprint that starts so
        if isinstance(value, _PLAIN):
            return str(value) if isinstance(value, str) else value  # Markup as plain text
        if isinstance(value, BaseModel):
            known = self._records.get(id(value))
            if known is None and (known := self._earlier_records.get(id(value))) is not None:
                self._records[id(value)] = known
            if known is None:
                # a digest, so that an answer holding many records (every position on an issue) stays short
                record = digest(repr((type(value).__name__, tuple(self(v) for v in value.__dict__.values()))).encode())
                known = self._records[id(value)] = (value, record)
            return known[1]
        if isinstance(value, (list, tuple)):
            return tuple(map(self, value))
        if isinstance(value, Mapping):
            return ("mapping", tuple((self(k), self(v)) for k, v in value.items()))
        if isinstance(value, (set, frozenset)):
            return ("set", tuple(sorted((self(v) for v in value), key=repr)))
        return UNKNOWN

    def answer(self, value: Any) -> bytes:
        if type(value) is BriefFile:  # looked up again and again: `briefs[id]`, on every link to a brief
            known = self._brief_answers.get(id(value))
            if known is None:  # the brief is kept, so that its id stays its own while the run lasts
                known = self._brief_answers[id(value)] = (value, digest(repr(self(value)).encode()))
            return known[1]
        if isinstance(value, BaseModel):  # looked up again and again: `sources[id]`
            known = self._answers.get(id(value))
            if known is None:
                fingerprint = self(value)  # the record taken into this run's, if the earlier run had it
                known = self._earlier_answers.get(id(value)) or digest(repr(fingerprint).encode())
                self._answers[id(value)] = known
            return known
        return digest(repr(self(value)).encode())

    def of_brief(self, brief: BriefFile, aspect: str, name: str = "") -> bytes:
        """The answer to a question of one brief: a field of its front matter, its body, ..."""
        key = (brief.id, aspect, name)
        known = self._of_briefs.get(key)
        if known is None:
            if aspect == FIELD:
                known = self.answer(getattr(brief.brief, name, _MISSING))
            elif aspect == BODY:
                known = digest(brief.raw.body.encode())
            elif aspect == CITED:
                known = self.answer(brief.citations)
            elif aspect == FRONT:
                known = brief.raw.front_digest
            else:
                known = brief.raw.digest
            self._of_briefs[key] = known
        return known

    def arguments(self, args: tuple) -> tuple:
        """Arguments as they can be stored and passed again: plain values and briefs, else UNKNOWN."""
        return tuple(self(a) if isinstance(a, (*_PLAIN, BriefFile)) else UNKNOWN for a in args)


Note = Callable[[tuple, bytes], None]  # a question of a brief and its answer, noted for what is being made


class _SeenBrief:
    """A brief as a recorded template sees it: what it reads of the brief is noted as questions."""

    __slots__ = ("_brief", "_note", "_fingerprint", "id", "kind")

    def __init__(self, brief: BriefFile, note: Note, fingerprint: Fingerprints):
        self._brief, self._note, self._fingerprint = brief, note, fingerprint
        self.id, self.kind = brief.id, brief.kind  # read on every link to it: no question, they are its fingerprint

    def _asked(self, aspect: str, name: str = "") -> None:
        question = (aspect, self._brief.id, name) if name else (aspect, self._brief.id)
        self._note(question, self._fingerprint.of_brief(self._brief, aspect, name))

    def __getattr__(self, name: str) -> Any:
        if name == "brief":
            return _SeenModel(self)
        if name == "raw":
            return _SeenRaw(self)
        if name == "citations":
            self._asked(CITED)
        elif name not in _IDENTITY:
            self._asked(FILE)
        return getattr(self._brief, name)

    def __eq__(self, other: object) -> bool:
        return self._brief == _plain(other)

    __hash__ = None  # type: ignore[assignment]  # as BriefFile's


class _SeenModel:
    """A brief's front matter as a recorded template sees it: each field read is a question."""

    __slots__ = ("_seen",)

    def __init__(self, seen: _SeenBrief):
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        seen = self._seen
        model = seen._brief.brief
        if name in _fields(type(model)):
            seen._asked(FIELD, name)
        else:  # a method or a derived property: it may read any field
            seen._asked(FRONT)
        return getattr(model, name)

    def _whole(self) -> BaseModel:
        self._seen._asked(FRONT)
        return self._seen._brief.brief

    def __iter__(self) -> Iterator:
        return iter(self._whole())

    def __str__(self) -> str:
        return str(self._whole())

    def __eq__(self, other: object) -> bool:
        return self._whole() == _plain(other)

    __hash__ = None  # type: ignore[assignment]  # as the models'


class _SeenRaw:
    __slots__ = ("_seen",)

    def __init__(self, seen: _SeenBrief):
        self._seen = seen

    @property
    def body(self) -> str:
        self._seen._asked(BODY)
        return self._seen._brief.raw.body

    def __getattr__(self, name: str) -> Any:
        self._seen._asked(FILE)
        return getattr(self._seen._brief.raw, name)


@functools.lru_cache(maxsize=None)
def _fields(model: type[BaseModel]) -> frozenset[str]:
    # pydantic's `model_fields` is a property of the class, computed again on each read of a field
    return frozenset(model.model_fields)


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is _SeenBrief:
        return value._brief
    if kind is _SeenModel:
        return value._whole()
    return value


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
    """The corpus as a template sees it, noting each question and the fingerprint of its answer in
    `asked`; the questions of the briefs it hands out go to `note`, whatever is being made when they are read."""

    def __init__(self, corpus: Corpus, asked: dict, fingerprint: Fingerprints, note: Note):
        self._corpus, self.asked, self.fingerprint, self._note = corpus, asked, fingerprint, note

    def seen(self, value: Any) -> Any:
        """An answer as the template gets it: each brief in it a `_SeenBrief`."""
        kind = type(value)
        if kind is BriefFile:
            return _SeenBrief(value, self._note, self.fingerprint)
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

    def same(self, asked: dict, changed: frozenset[str] | None = None, fronts_same: bool = False,
             unaffected: frozenset[str] = frozenset()) -> bool:
        """Whether every question gets the answer it got. Not asked: the questions of briefs whose
        files are not among those `changed` (answered from their files alone), with `fronts_same`
        (Corpus.fronts as it was) the corpus's, but that of its signature, and the corpus's
        questions `unaffected` by the fields changed (front_changes.py), but those with an argument
        that cannot be asked again."""
        for question, answer in asked.items():
            name = question[0]
            if name in BRIEF_ASPECTS:
                if changed is not None and question[1] not in changed:
                    continue
            elif fronts_same and name != _SIGNATURE:
                continue
            elif name in unaffected and (len(question) == 1 or question[1] in ("*", "[]")
                                         or (question[1] is not UNKNOWN and UNKNOWN not in question[1])):
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
        if name in BRIEF_ASPECTS:
            brief = corpus.briefs.get(question[1])
            return fingerprint.of_brief(brief, name, question[2] if len(question) > 2 else "") if brief is not None else None
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
                    return None  # the brief it was asked about is another now: the page renders again anyway
                arg = brief
            args.append(arg)
        return fingerprint.answer(value(*args))


def bodies_read(asked: dict) -> frozenset[str]:
    """The briefs whose body, file or body's citations these questions read (ANY_BODY: every file's)."""
    return frozenset(ANY_BODY if question[0] == _SIGNATURE else question[1] for question in asked if question[0] in OF_BODIES)
