"""The bundled Hanoi briefing book: clean under --strict, fully sourced, every position stated."""

from __future__ import annotations

from pathlib import Path

from helpers import run

from briefbook.corpus.corpus import Corpus, citations_of

HANOI_AGENDA = {"denuclearization", "sanctions", "missiles", "abductions", "human-rights",
                "inter-korean-cooperation", "extended-deterrence"}
ACTOR_ROLES = {"united-states": "principal", "north-korea": "principal", "japan": "ally",
               "south-korea": "ally", "china": "stakeholder", "russia": "stakeholder"}
SUMMITS = {"hanoi-2019", "singapore-2018", "panmunjom-2018", "pyongyang-2018", "panmunjom-2019", "vladivostok-2019"}


def test_check_strict_is_clean_on_the_bundled_briefs(bundled_project: Path):
    result = run(bundled_project, "briefbook", "check", "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "No problems found."


def test_the_book_covers_the_summits_actors_and_issues(bundled_corpus: Corpus):
    assert {b.id for b in bundled_corpus.summits} == SUMMITS
    assert {b.id: b.brief.role for b in bundled_corpus.actors} == ACTOR_ROLES
    assert {b.id for b in bundled_corpus.issues} == HANOI_AGENDA
    hanoi = bundled_corpus.briefs["hanoi-2019"].brief
    assert set(hanoi.agenda) == HANOI_AGENDA
    assert (hanoi.date.isoformat(), hanoi.end_date.isoformat(), hanoi.outcome) == ("2019-02-27", "2019-02-28", "no agreement")


def test_every_actor_states_a_position_on_every_hanoi_agenda_issue(bundled_corpus: Corpus):
    for actor in bundled_corpus.actors:
        assert set(actor.brief.positions) >= HANOI_AGENDA, actor.id
        assert actor.brief.leaders, actor.id
        assert actor.brief.key_judgments and actor.brief.what_to_watch, actor.id


def test_every_citation_resolves_and_every_source_is_cited(bundled_corpus: Corpus):
    cited = set()
    for brief in bundled_corpus.briefs.values():
        for source_id, where in citations_of(brief):
            assert source_id in bundled_corpus.sources, (brief.id, where)
            cited.add(source_id)
        assert brief.citations, f"{brief.id}: the body cites no source"
    assert cited == set(bundled_corpus.sources)
    for source in bundled_corpus.sources.values():
        assert source.url.startswith(("https://", "http://")) and source.publisher and source.title


def test_every_position_and_judgment_is_sourced(bundled_corpus: Corpus):
    for brief in bundled_corpus.briefs.values():
        for kj in brief.brief.key_judgments:
            assert kj.sources, (brief.id, kj.text[:40])
        for issue_id, position in getattr(brief.brief, "positions", {}).items():
            assert position.sources, (brief.id, issue_id)


def test_japan_carries_the_tokyo_analysis(bundled_corpus: Corpus):
    japan = bundled_corpus.briefs["japan"]
    assert "hanoi-setback-tokyo" in {s.id for s in bundled_corpus.cited_sources(japan)}
    source = bundled_corpus.sources["hanoi-setback-tokyo"]
    assert source.title == "The Hanoi Setback and Tokyo's North Korea Problem"
    assert "unconfirmed" in (source.note or "")


def test_the_bundled_site_builds_strictly(bundled_site: Path):
    # the session's build is `briefbook build`: a strict check, then `mkdocs build --strict`
    for page in ("summits/hanoi-2019", "actors/japan", "issues/abductions", "views/matrix"):
        assert (bundled_site / page / "index.html").is_file()
