"""`mkdocs build --dirty` (what `mkdocs serve --dirty` runs on each save) gives the site a clean build gives.

A content edit rewrites only the pages that show it; an edit that changes the navigation
(a title, a brief added or removed) rewrites every page, and a removed brief's page is gone.
Each test edits a copy of one fully built project, rebuilds it with --dirty, then compares
every HTML page with a clean build of the same edited project.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "site"
BUILD_EPOCH = "1577836800"  # 2020-01-01, as in conftest.py: the fixture's briefs are never stale
BIN = Path(sys.executable).parent
NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', re.DOTALL)


def mkdocs(project: Path, *args: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([str(BIN / "mkdocs"), "build", *args], cwd=project, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr


def pages(site: Path) -> dict[str, tuple[int, bytes]]:
    """Every page of a site (404.html, a theme template MkDocs writes on every build, aside): modification time, bytes."""
    return {str(p.relative_to(site)): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(site.rglob("*.html")) if p.name != "404.html"}


def navs(site_pages: dict[str, tuple[int, bytes]]) -> dict[str, str]:
    found = {page: NAV.search(html.decode()) for page, (_, html) in site_pages.items()}
    assert all(found.values()), [page for page, match in found.items() if not match]
    return {page: match.group(0) for page, match in found.items() if match}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("dirty") / "project"
    shutil.copytree(FIXTURE, project)
    mkdocs(project)
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project, output and cache included, modification times kept."""
    return Path(shutil.copytree(built, tmp_path / "project", symlinks=True))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def dirty_matches_clean(project: Path) -> tuple[dict, dict]:
    """Rebuild with --dirty, build the same project cleanly elsewhere, and compare every page."""
    before = pages(project / "site")
    mkdocs(project, "--dirty")
    after = pages(project / "site")
    mkdocs(project, "--site-dir", str(project.parent / "clean"))
    clean = pages(project.parent / "clean")
    assert sorted(after) == sorted(clean)
    stale = [page for page in clean if after[page][1] != clean[page][1]]
    assert stale == [], f"the dirty build left these pages out of date: {stale}"
    return before, after


def rewritten(before: dict, after: dict) -> set[str]:
    return {page for page in after if page not in before or before[page][0] != after[page][0]}


def test_a_content_edit_rewrites_only_the_pages_that_show_it(project: Path):
    edit(project / "briefs/actors/china.md", "\nsummary: ", "\nsummary: Beijing kept its distance, a dirty build must show. ")
    before, after = dirty_matches_clean(project)
    # the summary is on China's page and in the actors index; nothing else shows it
    assert rewritten(before, after) == {"actors/china/index.html", "actors/index.html"}
    assert b"Beijing kept its distance" in after["actors/china/index.html"][1]


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


def test_a_removed_brief_disappears_from_the_site(project: Path):
    before = pages(project / "site")
    assert "actors/china/index.html" in before
    (project / "briefs/actors/china.md").unlink()  # no other brief refers to it
    _, after = dirty_matches_clean(project)
    assert not (project / "site/actors/china").exists()
    assert not any("China" in nav for nav in navs(after).values())
