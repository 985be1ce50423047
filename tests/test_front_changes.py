"""What front_changes.py says each question of the corpus reads, checked against what the answers
do: every field of every brief of the bundled book is changed in turn (to the value another brief
of its kind has, or its records' fields to other records'), and every question in READS that it
says reads none of the fields changed must give the same answer; and the fields it finds changed
are the fields that were."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pydantic import BaseModel

from briefbook.corpus.corpus import Corpus
from briefbook.site.front_changes import READS, changed_fields, unaffected
from briefbook.site.questions import Fingerprints


def _questions(corpus: Corpus) -> dict[str, list[tuple]]:
    """Each question in READS with the arguments the templates ask it with."""
    briefs = list(corpus.briefs.values())
    ids = {kind: [b.id for b in briefs if b.kind == kind] for kind in ("summit", "actor", "issue")}
    with_args = {
        "briefs": [], "sources": [], "of_kind": [("summit",), ("actor",), ("issue",)],
        "summits_of": [(i,) for i in ids["actor"]], "related_to_issue": [(i,) for i in ids["issue"]],
        "staleness": [(b,) for b in briefs], "cited_sources": [(b,) for b in briefs], "tags_of": [(b,) for b in briefs],
        "position": [(a, i) for a in ids["actor"] for i in ids["issue"]], "positions_on": [(i,) for i in ids["issue"]],
        "matrix": [(None,)] + [(s,) for s in ids["summit"]],
    }
    assert with_args.keys() <= READS.keys()
    return {name: with_args.get(name, [()]) for name in READS}


def _answers(corpus: Corpus, questions: dict[str, list[tuple]]) -> dict[tuple, bytes]:
    fingerprint = Fingerprints()
    answers = {}
    for name, calls in questions.items():
        value = getattr(corpus, name)
        if name in ("briefs", "sources"):
            answers[(name,)] = fingerprint.answer(value)
            continue
        for args in calls:
            briefs_args = tuple(a.id if hasattr(a, "brief") else a for a in args)
            answers[(name, briefs_args)] = fingerprint.answer(value(*[corpus.briefs[a.id] if hasattr(a, "brief") else a for a in args]) if callable(value) else value)
    return answers


def _edits(corpus: Corpus):
    """(brief id, the edited brief, the fields edited): each field of each brief given another brief's value."""
    briefs = list(corpus.briefs.values())
    for brief in briefs:
        others = [b for b in briefs if b.kind == brief.kind and b.id != brief.id]
        for name in type(brief.brief).model_fields:
            if name == "kind":
                continue
            mine = getattr(brief.brief, name)
            theirs = next((getattr(o.brief, name) for o in others if getattr(o.brief, name) != mine), None)
            if theirs is not None:
                yield brief.id, dataclasses.replace(brief, brief=brief.brief.model_copy(update={name: theirs})), name
            if isinstance(mine, dt.date):  # long past: what depends on the day (staleness) changes too
                yield brief.id, dataclasses.replace(brief, brief=brief.brief.model_copy(update={name: dt.date(1990, 1, 1)})), name
            records = list(mine.values()) if isinstance(mine, dict) else mine if isinstance(mine, list) else []
            if len(records) >= 2 and all(isinstance(r, type(records[0])) for r in records) and isinstance(records[0], BaseModel):
                for field in type(records[0]).model_fields:  # each record's field given the next record's
                    shifted = [r.model_copy(update={field: getattr(records[(i + 1) % len(records)], field)}) for i, r in enumerate(records)]
                    if any(getattr(a, field) != getattr(b, field) for a, b in zip(shifted, records)):
                        value = dict(zip(mine, shifted)) if isinstance(mine, dict) else shifted
                        yield brief.id, dataclasses.replace(brief, brief=brief.brief.model_copy(update={name: value})), f"{name}.{field}"
            if isinstance(mine, dict) and len(mine) >= 2:  # the same records in another order
                yield brief.id, dataclasses.replace(brief, brief=brief.brief.model_copy(update={name: dict(reversed(mine.items()))})), f"{name}.@keys"


def _with(corpus: Corpus, brief_id: str, edited) -> Corpus:
    briefs = dict(corpus.briefs)
    briefs[brief_id] = edited
    sources = dict(corpus.sources)
    for source in corpus.briefs[brief_id].brief.sources:  # the sources it declares are the corpus's
        sources.pop(source.id, None)
    sources.update({s.id: s for s in edited.brief.sources})
    return Corpus(briefs, sources, corpus.today, corpus.max_age_days, b"edited", b"edited")


def test_each_question_gives_the_same_answer_after_an_edit_to_a_field_it_does_not_read(bundled_corpus):
    questions = _questions(bundled_corpus)
    before = _answers(bundled_corpus, questions)
    seen_kinds, checked = set(), 0
    for brief_id, edited, edited_field in _edits(bundled_corpus):
        after_corpus = _with(bundled_corpus, brief_id, edited)
        fields = changed_fields(bundled_corpus, after_corpus, frozenset({brief_id}), Fingerprints())
        assert fields is not None and edited_field.split(".")[0] in {f.split(".")[0] for f in fields}, (brief_id, edited_field, fields)
        skipped = unaffected(fields)
        after = _answers(after_corpus, questions)
        for question, answer in before.items():
            if question[0] in skipped:
                assert after[question] == answer, f"{question} changed after an edit to {brief_id}'s {edited_field} ({sorted(fields)})"
                checked += 1
        seen_kinds.add(bundled_corpus.briefs[brief_id].kind)
    assert seen_kinds == {"summit", "actor", "issue"} and checked > 1000


def test_a_stance_edit_leaves_the_timeline_and_the_sources_unasked_and_the_positions_asked(bundled_corpus):
    actor = next(b for b in bundled_corpus.briefs.values() if b.kind == "actor" and b.brief.positions)
    issue, position = next(iter(actor.brief.positions.items()))
    positions = {**actor.brief.positions, issue: position.model_copy(update={"stance": position.stance + " (edited)"})}
    edited = dataclasses.replace(actor, brief=actor.brief.model_copy(update={"positions": positions}))
    fields = changed_fields(bundled_corpus, _with(bundled_corpus, actor.id, edited), frozenset({actor.id}), Fingerprints())
    assert fields == {"positions.stance"}
    skipped = unaffected(fields)
    assert {"timeline_events", "cited_sources", "citing_briefs", "tags_of", "watch_by_issue", "staleness"} <= skipped
    assert not {"positions_on", "position"} & skipped


@pytest.mark.parametrize("change", ["added", "removed", "day"])
def test_anything_but_fields_changed_asks_every_question(bundled_corpus, change):
    briefs = dict(bundled_corpus.briefs)
    some = next(iter(briefs))
    today = bundled_corpus.today
    if change == "removed":
        del briefs[some]
    elif change == "day":
        today = today.replace(year=today.year + 1)
    after = Corpus(briefs, bundled_corpus.sources, today, bundled_corpus.max_age_days)
    changed = frozenset({some}) if change != "added" else frozenset({"not-in-either"})
    assert changed_fields(bundled_corpus, after, changed, Fingerprints()) is None
