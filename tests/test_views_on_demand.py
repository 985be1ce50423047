"""The preview's views made on demand: a view that cannot be reused is left to make, and what is
left is never taken for right by a later run, in the preview or in a build from the same cache.

(tests/test_serve.py checks the served site after each kind of save; these check the page cache's
side in one process, where it can be driven step by step.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BUILD_EPOCH, copy_bundled_book, edit

from briefbook.corpus.load import load_corpus
from briefbook.files import store
from briefbook.files.store import DISABLE_VARIABLE
from briefbook.format.settings import read_settings
from briefbook.site import pages as rendering
from briefbook.site.pages import OnDemand, render_pages

RETITLED = ("briefs/issues/sanctions.md", "title: Sanctions and sanctions relief", "title: Sanctions relief")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    monkeypatch.setattr(store, "_kept", {})  # as in the preview: the stores kept in memory between runs
    return copy_bundled_book(tmp_path / "project")


def pages(project: Path, monkeypatch: pytest.MonkeyPatch, on_demand: bool, cache: bool = True) -> dict:
    monkeypatch.setattr(rendering, "_on_demand", on_demand)
    if not cache:
        monkeypatch.setenv(DISABLE_VARIABLE, "1")
    try:
        settings = read_settings(project / "mkdocs.yml")
        return render_pages(load_corpus(settings).corpus, settings)
    finally:
        monkeypatch.delenv(DISABLE_VARIABLE, raising=False)


def made(shown: dict) -> dict:
    """Each page's Markdown, the views left to make made, as the preview makes them when written."""
    return {path: (page.make() if isinstance(page, OnDemand) else page).markdown for path, page in shown.items()}


def test_a_title_edit_leaves_the_views_that_show_it_to_make_and_each_makes_what_a_fresh_run_gives(project, monkeypatch):
    made(pages(project, monkeypatch, on_demand=True))  # nothing to reuse yet: every view left to make, made
    assert not [p for p in pages(project, monkeypatch, on_demand=True).values() if isinstance(p, OnDemand)]

    edit(project / RETITLED[0], *RETITLED[1:])
    shown = pages(project, monkeypatch, on_demand=True)
    left = {path for path, page in shown.items() if isinstance(page, OnDemand)}
    assert {"views/matrix.md", "views/timeline.md", "issues/index.md"} <= left
    assert not left & {"actors/index.md", "summits/index.md", "views/index.md"}  # they show no issue's title: reused
    assert not [path for path in left if path.startswith(("actors/", "issues/", "summits/")) and not path.endswith("/index.md")]  # briefs' pages are made in the run
    fresh = pages(project, monkeypatch, on_demand=False, cache=False)
    assert made(shown) == {p: page.markdown for p, page in fresh.items()}


def test_a_view_left_to_make_is_never_reused_by_a_later_run(project, monkeypatch):
    made(pages(project, monkeypatch, on_demand=True))
    edit(project / RETITLED[0], *RETITLED[1:])
    left = [p for p in pages(project, monkeypatch, on_demand=True).values() if isinstance(p, OnDemand)]
    assert left
    # none of them made: the next run, with the same briefs (the cache says it has checked every
    # page against them), makes them, in the preview as in a build
    again = pages(project, monkeypatch, on_demand=True)
    assert {p.path for p in again.values() if isinstance(p, OnDemand)} == {p.path for p in left}
    built = pages(project, monkeypatch, on_demand=False)
    fresh = pages(project, monkeypatch, on_demand=False, cache=False)
    assert {p: page.markdown for p, page in built.items()} == {p: page.markdown for p, page in fresh.items()}
