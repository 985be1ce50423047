"""Which fields of the briefs' front matter an edit changed, and which of the corpus's questions
cannot see them: those the page cache need not ask again after it (page_cache.py).

A question of the corpus (`corpus.timeline_events()`, `corpus.tags_of(brief)`) is asked again after
any edit to a front matter, since it may read every brief. But each reads only some fields: the
timeline reads the briefs' `timeline` entries and nothing of their positions, so a stance edit
cannot change its answer. `READS` says, for the questions a page asks most, every field of a brief
it (and what it calls) reads; `tests/test_front_changes.py` changes each other field of every brief
of the bundled book, one at a time, and checks that every answer stays the same. A question not
in `READS` is asked after every edit to a front matter, as before.

A field is a front matter's (`positions`), or one field of each record of a list or mapping of
records (`positions.stance`, `key_judgments.sources`); `@keys` stands for which records a mapping
holds, `@citations` for where a brief's body cites its sources.
"""

from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel

from ..corpus.corpus import Corpus

_CITED = frozenset({"sources", "key_judgments.sources", "key_judgments.resolution", "what_to_watch.history",
                    "timeline.sources", "positions.sources", "@citations", "corpus.sources"})
READS: dict[str, frozenset[str]] = {
    "briefs": frozenset(),  # a brief in an answer is its id, file and kind (questions.py)
    "sources": frozenset({"corpus.sources"}),
    "of_kind": frozenset(),
    "summits": frozenset({"date"}),
    "actors": frozenset({"role", "title"}),
    "issues": frozenset({"title"}),
    "allies": frozenset({"role"}),
    "dense": frozenset({"role", "title"}),
    "position": frozenset({"positions"}),
    "positions_on": frozenset({"positions", "role", "title", "agenda", "participants", "date"}),
    "matrix": frozenset({"agenda", "participants", "role", "title"}),
    "summits_of": frozenset({"participants", "date"}),
    "related_to_issue": frozenset({"agenda", "date"}),
    "timeline": frozenset({"timeline"}),
    "timeline_events": frozenset({"timeline"}),
    "watch_by_issue": frozenset({"what_to_watch", "title"}),
    "staleness": frozenset({"next_review", "reviewed"}),
    "review_schedule": frozenset({"next_review", "reviewed"}),
    "cited_sources": _CITED,
    "citing_briefs": _CITED,
    "tags_of": frozenset({"tags", "title", "role", "positions.@keys", "agenda"}),
}


Fingerprint = Callable[[Any], Any]  # questions.Fingerprints: equal exactly when the content is, order included


def changed_fields(earlier: Corpus, corpus: Corpus, changed: frozenset[str], fingerprint: Fingerprint) -> frozenset[str] | None:
    """The fields that differ between the briefs `changed` in `earlier` and in `corpus`
    (`corpus.sources` if the sources declared anywhere differ); None if anything else may differ:
    a brief added, removed, renamed or of another kind, the day, the age limit."""
    if earlier.today != corpus.today or earlier.max_age_days != corpus.max_age_days:
        return None
    fields: set[str] = set() if fingerprint(earlier.sources) == fingerprint(corpus.sources) else {"corpus.sources"}
    for brief_id in changed:
        old, new = earlier.briefs.get(brief_id), corpus.briefs.get(brief_id)
        if old is None or new is None or old.kind != new.kind or old.display != new.display or type(old.brief) is not type(new.brief):
            return None
        if old.citations != new.citations:
            fields.add("@citations")
        for name in type(new.brief).model_fields:
            before, after = getattr(old.brief, name), getattr(new.brief, name)
            if fingerprint(before) != fingerprint(after):
                fields |= _differing(name, before, after, fingerprint)
    return frozenset(fields)


def _differing(name: str, before: Any, after: Any, fingerprint: Fingerprint) -> set[str]:
    """`name` whole, or, for a list or mapping of records of the same shape, the records' fields that differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        if list(before) != list(after):  # other records, or in another order
            return {name}
        pairs = [(before[key], after[key]) for key in before]
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = list(zip(before, after))
    else:
        return {name}
    if not all(isinstance(b, BaseModel) and type(b) is type(a) for b, a in pairs):
        return {name}
    fields = {f"{name}.{field}" for b, a in pairs for field in type(b).model_fields if fingerprint(getattr(b, field)) != fingerprint(getattr(a, field))}
    return fields or {name}


def unaffected(fields: frozenset[str]) -> frozenset[str]:
    """The questions in `READS` that read none of these fields."""
    return frozenset(name for name, reads in READS.items() if not any(_overlap(field, read) for field in fields for read in reads))


def _overlap(field: str, read: str) -> bool:
    # a whole field changed changes each field of its records; a record's field, the whole field
    return field == read or read.startswith(field + ".") or field.startswith(read + ".")
