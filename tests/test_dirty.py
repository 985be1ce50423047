"""`mkdocs build --dirty` (what `mkdocs serve --dirty` runs on each save) gives the site a clean build gives.

A content edit rewrites only the pages that show it; an edit that changes the navigation
(a title, a brief added or removed) rewrites every page, and a removed brief's page is gone.
Each test edits a copy of one fully built project, rebuilds it with --dirty, then compares
every HTML page with a clean build of the same edited project.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import build, copy_project, edit, set_field

NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', re.DOTALL)


def pages(site: Path) -> dict[str, tuple[int, bytes]]:
    """Every page of a site (404.html, a theme template MkDocs writes on every build, aside): modification time, bytes."""
    return {str(p.relative_to(site)): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(site.rglob("*.html")) if p.name != "404.html"}


def navs(site_pages: dict[str, tuple[int, bytes]]) -> dict[str, str]:
    found = {page: NAV.search(html.decode()) for page, (_, html) in site_pages.items()}
    assert all(found.values()), [page for page, match in found.items() if not match]
    return {page: match.group(0) for page, match in found.items() if match}


@pytest.fixture
def project(fixture_project: Path, tmp_path: Path) -> Path:
    """A copy of the built fixture project, output and cache included, modification times kept."""
    return copy_project(fixture_project, tmp_path / "project")


def dirty_matches_clean(project: Path) -> tuple[dict, dict]:
    """Rebuild with --dirty, build the same project cleanly elsewhere, and compare every page."""
    before = pages(project / "site")
    build(project, "mkdocs", "build", "--dirty")
    after = pages(project / "site")
    build(project, "mkdocs", "build", "--site-dir", str(project.parent / "clean"))
    clean = pages(project.parent / "clean")
    assert sorted(after) == sorted(clean)
    stale = [page for page in clean if after[page][1] != clean[page][1]]
    assert stale == [], f"the dirty build left these pages out of date: {stale}"
    # the fixture keeps Material's search: its index holds every page, as after a clean build
    index = "search/search_index.json"
    assert (project / "site" / index).read_bytes() == (project.parent / "clean" / index).read_bytes()
    return before, after


def rewritten(before: dict, after: dict) -> set[str]:
    return {page for page in after if page not in before or before[page][0] != after[page][0]}


def test_a_content_edit_rewrites_only_the_pages_that_show_it(project: Path):
    japan = project / "briefs/actors/japan.md"
    set_field(japan, "summary", "Tokyo welcomed the no-deal outcome; a dirty build must show this sentence.")
    edit(japan, "stance: no relief before concrete steps", "stance: no relief before verified steps")
    before, after = dirty_matches_clean(project)
    # Japan's summary is on its page and the actors index; its stance on the issue page, the matrix and
    # the page of every summit where Japan, as an ally, has a column
    assert rewritten(before, after) == {"actors/japan/index.html", "actors/index.html", "issues/sanctions/index.html",
                                        "views/matrix/index.html", "summits/hanoi-2019/index.html",
                                        "summits/singapore-2018/index.html"}
    assert b"no relief before verified steps" in after["views/matrix/index.html"][1]


def test_a_new_title_reaches_every_pages_navigation(project: Path):
    edit(project / "briefs/actors/china.md", "\ntitle: ", "\ntitle: Renamed ")
    before, after = dirty_matches_clean(project)
    assert rewritten(before, after) == set(after), "every page shows the navigation, so every page is rebuilt"
    assert all("Renamed China" in nav for nav in navs(after).values())
    assert not any(re.search(r">\s*China\s*<", nav) for nav in navs(after).values())


def test_an_added_brief_appears_in_every_pages_navigation(project: Path):
    shutil.copyfile(project / "briefs/issues/sanctions.md", project / "briefs/issues/tariffs.md")
    edit(project / "briefs/issues/tariffs.md", "\ntitle: ", "\ntitle: Tariffs, ")
    _, after = dirty_matches_clean(project)
    assert "issues/tariffs/index.html" in after
    assert all("Tariffs, " in nav for nav in navs(after).values())


def test_a_dirty_build_after_a_lost_search_index_rebuilds_what_it_needs(project: Path):
    (project / "site/search/search_index.json").write_text("{", encoding="utf-8")  # cut short
    edit(project / "briefs/actors/china.md", "\nsummary: ", "\nsummary: Beijing kept its distance. ")
    dirty_matches_clean(project)


def test_a_removed_brief_disappears_from_the_site(project: Path):
    before = pages(project / "site")
    assert "actors/china/index.html" in before
    (project / "briefs/actors/china.md").unlink()  # no other brief refers to it
    _, after = dirty_matches_clean(project)
    assert not (project / "site/actors/china").exists()
    assert not any("China" in nav for nav in navs(after).values())
