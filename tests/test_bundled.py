"""The bundled Hanoi briefing book: clean under --strict, fully sourced, every position stated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefbook.corpus import Corpus, _citations, load_corpus
from briefbook.settings import read_settings

ROOT = Path(__file__).resolve().parents[1]
HANOI_AGENDA = {"denuclearization", "sanctions", "missiles", "abductions", "human-rights",
                "inter-korean-cooperation", "extended-deterrence"}
ACTOR_ROLES = {"united-states": "principal", "north-korea": "principal", "japan": "ally",
               "south-korea": "ally", "china": "stakeholder", "russia": "stakeholder"}
SUMMITS = {"hanoi-2019", "singapore-2018", "panmunjom-2018", "pyongyang-2018", "panmunjom-2019", "vladivostok-2019"}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    result = load_corpus(read_settings(ROOT / "mkdocs.yml"), strict=True)
    assert [d.text() for d in result.diagnostics] == []
    return result.corpus


def test_check_strict_is_clean_on_the_bundled_briefs():
    result = subprocess.run([sys.executable, "-m", "briefbook", "check", "--strict"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "No problems found."


def test_the_book_covers_the_summits_actors_and_issues(corpus: Corpus):
    assert {b.id for b in corpus.summits} == SUMMITS
    assert {b.id: b.brief.role for b in corpus.actors} == ACTOR_ROLES
    assert {b.id for b in corpus.issues} == HANOI_AGENDA
    hanoi = corpus.briefs["hanoi-2019"].brief
    assert set(hanoi.agenda) == HANOI_AGENDA
    assert (hanoi.date.isoformat(), hanoi.end_date.isoformat(), hanoi.outcome) == ("2019-02-27", "2019-02-28", "no agreement")


def test_every_actor_states_a_position_on_every_hanoi_agenda_issue(corpus: Corpus):
    for actor in corpus.actors:
        assert set(actor.brief.positions) >= HANOI_AGENDA, actor.id
        assert actor.brief.leaders, actor.id
        assert actor.brief.key_judgments and actor.brief.what_to_watch, actor.id


def test_every_citation_resolves_and_every_source_is_cited(corpus: Corpus):
    cited = set()
    for brief in corpus.briefs.values():
        for source_id, where in _citations(brief):
            assert source_id in corpus.sources, (brief.id, where)
            cited.add(source_id)
        assert brief.citations, f"{brief.id}: the body cites no source"
    assert cited == set(corpus.sources)
    for source in corpus.sources.values():
        assert source.url.startswith(("https://", "http://")) and source.publisher and source.title


def test_every_position_and_judgment_is_sourced(corpus: Corpus):
    for brief in corpus.briefs.values():
        for kj in brief.brief.key_judgments:
            assert kj.sources, (brief.id, kj.text[:40])
        for issue_id, position in getattr(brief.brief, "positions", {}).items():
            assert position.sources, (brief.id, issue_id)


def test_japan_carries_the_tokyo_analysis(corpus: Corpus):
    japan = corpus.briefs["japan"]
    assert "hanoi-setback-tokyo" in {s.id for s in corpus.cited_sources(japan)}
    source = corpus.sources["hanoi-setback-tokyo"]
    assert source.title == "The Hanoi Setback and Tokyo's North Korea Problem"
    assert "unconfirmed" in (source.note or "")


def test_the_bundled_site_builds_strictly(tmp_path: Path):
    project = tmp_path / "book"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".git", ".venv", "site", ".cache", "node_modules", "tests", "benchmarks"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    for page in ("summits/hanoi-2019", "actors/japan", "issues/abductions", "views/matrix"):
        assert (project / "site" / page / "index.html").is_file()
