"""The living book: revisions read from git, each brief's Changes section, the changes page, the
Atom feed, what moved on the matrix and the watch view, and the scorecard, on a project committed
five times (helpers.history_project); and the same without git history."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from helpers import BUILD_EPOCH, HISTORY_SITE_URL, build, git, history_project, valid_project

from briefbook.corpus.history import read_history
from briefbook.corpus.load import load_corpus
from briefbook.format.settings import read_settings
from briefbook.site.pages import render_pages


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def entries(site: Path) -> list:
    """The changes page's entries, newest first: each list item that carries the filters' data."""
    return [span.find_parent("li") for span in soup(site, "changes/index.html").select(".bb-filter-item")]


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def test_the_changes_page_lists_every_revision_newest_first_with_its_changes_spelled_out(history_site):
    items = entries(history_site)
    said = [words(li) for li in items]
    assert len(items) == 11  # five briefs added, a raise, a stance, one added and one removed, an observation, a note
    assert "editorial note: Judgment 1 resolved after the June meeting" in said[0]
    assert "2 July 2019" in said[0] and "1 July 2019" in said[1]
    assert "judgment 1 resolved: came true" in said[1] and "“Working-level talks resume.”: watching → observed" in said[1]
    removed = next(li for li in items if "Missiles" in words(li) and "brief removed" in words(li))
    assert "no longer in the book" in words(removed) and removed.find("a") is None  # nothing to link to
    raised = next(li for li in items if "likelihood from unlikely to likely" in words(li))
    assert "1 April 2019" in words(raised) and "Talks judgment raised after the April speech" in words(raised)
    assert raised.select_one(".bb-up") is not None  # the direction, marked
    link = raised.find("a", string=lambda s: s and "likelihood" in s)
    assert link["href"] == "../summits/hanoi-2019/#judgment-1"
    stance = next(li for li in items if "stance on Denuclearization" in words(li))
    assert "from “step by step” to “phased exchange”" in words(stance)
    assert stance.find("a", string=lambda s: s and "stance" in s)["href"] == "../actors/north-korea/#position-denuclearization"
    filters = stance.select_one(".bb-filter-item")
    assert (filters["data-filter-kind"], filters["data-filter-actor"], filters["data-filter-issue"]) == ("actor", "north-korea", "denuclearization")
    dates = [li.select_one("strong").get_text() for li in items]
    assert dates[-1] == "1 March 2019" and sum("1 March 2019" == d for d in dates) == 5


def test_each_brief_has_its_own_changes_section(history_site):
    page = soup(history_site, "summits/hanoi-2019/index.html")
    section = page.find(id="changes")
    assert section is not None
    revisions = [words(li) for li in section.find_next("ul").find_all("li", recursive=False)]
    assert len(revisions) == 4  # the note, the observation, the raise, the brief added
    assert revisions[1].startswith("1 July 2019 · Talks indicator observed, judgment resolved")
    assert "likelihood from unlikely to likely" in revisions[2] and revisions[3].endswith("brief added")
    actor = soup(history_site, "actors/united-states/index.html").find(id="changes").find_next("ul")
    only = [words(li) for li in actor.find_all("li", recursive=False)]
    assert len(only) == 1 and only[0].startswith("1 March 2019 · Briefs of the Hanoi summit") and only[0].endswith("brief added")


def test_the_feed_is_valid_atom_with_an_entry_per_revision_linking_to_its_place(history_site):
    feed = feedparser.parse((history_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "History fixture" and feed.feed.updated.startswith("2019-07-02")
    assert len(feed.entries) == 11
    assert len({e.id for e in feed.entries}) == 11
    first, observed = feed.entries[0], feed.entries[1]
    assert first.title == "Hanoi summit: Judgment 1 resolved after the June meeting."
    assert observed.link == HISTORY_SITE_URL + "summits/hanoi-2019/#changes"
    assert "watching → observed" in observed.summary
    for entry in feed.entries:
        path, _, anchor = entry.link.removeprefix(HISTORY_SITE_URL).partition("#")
        page = soup(history_site, path + "index.html")
        assert page.find(id=anchor) is not None, entry.link
    removed = next(e for e in feed.entries if "removed" in e.summary)
    assert removed.link.startswith(HISTORY_SITE_URL + "changes/#change-missiles-")
    # every page's head links to it
    for page in ("index.html", "about/index.html", "summits/hanoi-2019/index.html"):
        alternate = soup(history_site, page).find("link", rel="alternate", type="application/atom+xml")
        assert alternate is not None and (history_site / Path(page).parent / alternate["href"]).resolve() == (history_site / "feed.xml").resolve()


def test_the_scorecard_gives_the_brier_score_by_hand(history_site):
    # likely (scored 67.5%) came true: (0.675 - 1)² = 0.105625; very unlikely (12.5%) did not: 0.125² = 0.015625
    page = soup(history_site, "views/scorecard/index.html")
    text = words(page.find("article"))
    assert "Brier score: 0.061 over 2 resolved judgments" in text
    assert "likely (55–80%) as 67.5%" in text and "each band is scored at its midpoint" in text
    rows = [[words(td) for td in tr.find_all("td")] for tr in page.find(id="by-likelihood-band").find_next("table").find_all("tr")[1:]]
    assert rows == [["very unlikely (05–20%)", "12.5%", "1", "0 (0%)", "0.016"], ["likely (55–80%)", "67.5%", "1", "1 (100%)", "0.106"]]
    chart = (history_site / "views/scorecard.svg").read_text(encoding="utf-8")
    assert chart.count("<circle") == 2 and "likely: 1 of 1 came true" in chart and 'class="paper"' in chart


def test_the_matrix_and_the_watch_view_mark_what_moved(history_site):
    matrix = soup(history_site, "views/matrix/index.html")
    moved = matrix.select("[data-moved]")
    assert [m["data-moved"] for m in moved] == ["2019-05-01"]  # North Korea's stance
    assert moved[0].has_attr("hidden")  # before the book's last review (2019-12-01), the default
    assert matrix.select_one(".bb-since")["data-since-default"] == "2019-12-01"
    watch = soup(history_site, "views/watch/index.html")
    row = watch.select_one('[data-filter-status="observed"]').find_parent("tr")
    assert "observed since 30 June 2019: The leaders agreed to resume them." in words(row)
    assert row.select_one("[data-moved]")["data-moved"] == "2019-06-30"


def test_the_same_commit_gives_the_same_feed_in_another_checkout(history_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(history_site.parent), str(clone))
    settings = read_settings(clone / "mkdocs.yml")
    corpus = load_corpus(settings).corpus
    pages = render_pages(corpus, settings)
    assert pages["feed.xml"].markdown.encode() == (history_site / "feed.xml").read_bytes()
    # and again from the cache of comparisons the first run kept, with the same pages
    assert list(settings.cache.glob("history-*.pickle"))
    assert render_pages(corpus, settings) == pages


def test_a_shallow_clone_says_its_history_is_partial(history_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", "file://" + str(history_site.parent), str(clone))
    settings = read_settings(clone / "mkdocs.yml")
    history = read_history(settings.briefs, load_corpus(settings).corpus)
    assert not history.complete and "shallow clone" in history.limitation
    # the oldest commit of the clone is where its history starts: its briefs are not "added"
    assert [r.message for r in history.revisions if r.commit] == ["Talks indicator observed, judgment resolved"]


def test_without_git_history_the_site_builds_and_says_so(history_site, tmp_path):
    project = tmp_path / "tarball"
    shutil.copytree(history_site.parent, project, ignore=shutil.ignore_patterns(".git", "site", ".cache"))
    site = build(project)
    page = soup(site, "changes/index.html")
    assert "not a git checkout" in words(page.find("article"))
    assert [words(li) for li in entries(site)] == [
        "Hanoi summit · summit · 2 July 2019 · editorial note: Judgment 1 resolved after the June meeting."]
    section = soup(site, "actors/north-korea/index.html").find(id="changes").find_next("p")
    assert "No revision of this brief is recorded" in words(section)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 1


def test_check_warns_of_a_judgment_past_its_horizon_and_a_status_its_history_does_not_end_with(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)  # 2020-01-01
    project = valid_project(tmp_path)
    summit = tmp_path / "briefs/summits/hanoi-2019.md"
    text = summit.read_text(encoding="utf-8")
    text = text.replace("    likelihood: unlikely\n", "    likelihood: unlikely\n    horizon: 2019-12-31\n")
    text = text.replace("---\nThe summit", "what_to_watch:\n  - indicator: Talks resume.\n    why: w\n    status: watching\n"
                        "    history:\n      - date: 2019-06-30\n        status: observed\n---\nThe summit")
    summit.write_text(text, encoding="utf-8")
    result = project.check()
    assert "key_judgments[0].horizon: the judgment's horizon 2019-12-31 has passed with no resolution" in result.output
    assert "what_to_watch[0].status: status `watching` is not the last status of its history (`observed`)" in result.output
    assert result.exit_code == 0 and project.check("--strict").exit_code == 1


# the ICD 203 bands' midpoints, written out here rather than taken from the code under test
MIDPOINTS = {"almost no chance": 0.03, "very unlikely": 0.125, "unlikely": 0.325, "roughly even chance": 0.5, "likely": 0.675,
             "very likely": 0.875, "almost certain": 0.97}


def test_the_bundled_books_judgments_are_resolved_with_sources_and_scored(bundled_corpus, bundled_site):
    judgments = [kj for b in bundled_corpus.briefs.values() for kj in b.brief.key_judgments]
    resolved = [kj for kj in judgments if kj.resolution]
    assert len(resolved) == 20 and len(judgments) == 24
    for kj in resolved:
        assert kj.resolution.sources and all(s in bundled_corpus.sources for s in kj.resolution.sources)
        assert "2019-03-01" <= kj.resolution.date.isoformat() <= kj.horizon.isoformat() == "2019-12-31"
    brier = sum((MIDPOINTS[kj.likelihood] - kj.resolution.came_true) ** 2 for kj in resolved) / len(resolved)
    text = words(soup(bundled_site, "views/scorecard/index.html").find("article"))
    assert f"Brier score: {brier:.3f} over 20 resolved judgments. 4 judgments are not resolved yet" in text
    for b in bundled_corpus.briefs.values():
        for item in b.brief.what_to_watch:
            assert item.status == "watching" or (item.history and item.history[-1].status == item.status), (b.id, item.indicator)
