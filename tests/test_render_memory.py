"""What a run holds while it renders: no garbage piled up between pages, no second copy of a page's text."""

from __future__ import annotations

import gc
import pickle
import sys
from pathlib import Path

import pytest
from helpers import BUILD_EPOCH, copy_bundled_book

from briefbook.corpus.load import gc_paused, load_corpus
from briefbook.files.store import DISABLE_VARIABLE
from briefbook.format.settings import read_settings
from briefbook.site.page_cache import PageCache
from briefbook.site.pages import Page, Renderer, book_history


def test_a_pickled_page_comes_back_the_same_and_leaves_no_utf8_copy_beside_its_text():
    # the en dash and the dots make the text two bytes a character
    page = Page("actors/japan.md", "# Japan – an ally\n\nA priority of ●●○.\n" * 50, "briefs/actors/japan.md")
    size = sys.getsizeof(page.markdown)
    again = pickle.loads(pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == page and type(again) is Page
    assert sys.getsizeof(page.markdown) == size  # pickling the str itself would have kept its UTF-8 form beside it
    odd = Page("views/x.md", "a lone \ud800 surrogate, which a YAML escape can write")
    assert pickle.loads(pickle.dumps(odd)) == odd


@pytest.mark.parametrize("cache", ["on", "off"])
def test_rendering_the_bundled_book_leaves_no_garbage_for_the_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str):
    """Each page's template makes cycles (Jinja's macro modules, the recording corpus's look-ups):
    collected as the pages are made, not held to the end of the run while the collector is paused
    (thousands of objects for the bundled book's 37 pages, about a hundred a brief's page)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    settings = read_settings(copy_bundled_book(tmp_path / "project") / "mkdocs.yml")
    corpus = load_corpus(settings).corpus
    history = book_history(corpus, settings)
    renderer = Renderer(corpus, settings, PageCache.open(corpus, settings, history.digest) if cache == "on" else None, history)
    gc.collect()
    with gc_paused():
        pages = renderer.pages()
        left = gc.collect()
    assert len(pages) > 30 and left == 0
