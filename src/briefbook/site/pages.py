"""Corpus to pages: every page of the site as Markdown, each brief's and each view's from its template.

Knows nothing about MkDocs: the pages it returns are plain Markdown with front matter, which any
engine that reads mkdocs.yml can build. Which pages are made again and which reused is the page
cache's to decide (page_cache.py).
"""

from __future__ import annotations

import functools
import gc
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar
from urllib.parse import quote

from markupsafe import Markup

from ..corpus.corpus import Corpus
from ..corpus.load import gc_paused
from ..files import progress
from ..format.body import read_body
from .body_markdown import render_body
from ..format.model import TEMPLATE_SUFFIX
from ..format.settings import Settings
from ..format.validate import BriefFile
from .environment import SECTIONS, environment
from .export import brief_json, export_json
from .page_cache import PageCache, RecordingCorpus, whole
from .bibliography import BIBTEX_FILE, CSL_JSON_FILE, bibtex, csl_json
from ..corpus.history import History, read_history
from ..corpus.scorecard import calibration_svg, scorecard
from ..files.store import Store, digest
from ..files.store import enabled as cache_enabled
from .feed import FEED_FILE, atom_feed
from .svg import timeline_svg
from .template_errors import TemplateFailure, failure_line

_Made = TypeVar("_Made")
EXPORT_FILE = "briefs.json"
VIEWS = ("matrix", "timeline", "watch", "sources")
CHANGES = "changes.md"  # the book's revisions, newest first
HOME = "index.md"  # the book's front page, made from the briefs unless the docs folder has its own
# written with its literal head, which the regular expression engine finds by a fast search: `\n{3,}`
# tried a match at every character (a millisecond for an 11 KB page, 15 times this)
_EXTRA_BLANK_LINES = re.compile("\n\n\n+")


@dataclass(frozen=True)
class Page:
    path: str  # e.g. "actors/japan.md"
    markdown: str
    source: str | None = None  # the brief file it comes from, for the edit link

    def __reduce__(self) -> tuple:
        # A str that is pickled (the page cache's save) keeps, as long as it lives, the UTF-8 copy
        # of itself that pickle asked CPython for: a third more memory for every page of the run.
        # The copy made here is the pickle's alone, and let go with it.
        if type(self) is not Page:
            return super().__reduce__()
        return _page, (self.path, _utf8(self.markdown), self.source)


def _page(path: str, markdown: bytes, source: str | None) -> Page:
    return Page(path, markdown.decode("utf-8", "surrogatepass"), source)


def _utf8(text: str) -> bytes:
    # surrogatepass: as pickle itself keeps a lone surrogate (a YAML escape can write one)
    return text.encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class OnDemand(Page):
    """A view whose answers changed, left to be made when it is asked for (`views_on_demand`):
    its `markdown` is empty until `make` gives the page."""

    make: Callable[[], Page] | None = field(default=None, compare=False, repr=False)


_on_demand = False


def views_on_demand() -> None:
    """In this process (the preview), a view that cannot be reused from the page cache is left to
    its `OnDemand.make`: a title edit changes the timeline, sources and matrix views, seconds of
    rendering that a save need not wait for when the page shown is another."""
    global _on_demand
    _on_demand = True


@functools.lru_cache(maxsize=1 << 17)
def _link(target: str, here: str, anchor: str) -> Markup:
    # pages link to a few folders' worth of targets: relpath, the slow part of a link, runs once per
    # pair, and the Markup of a link to a brief, which every view places, is made once. The anchors
    # of briefbook's templates are made of ids; a project's template may pass any text.
    return Markup(quote(posixpath.relpath(target, here or ".")) + ("#" + quote(anchor) if anchor else ""))


def page_path(brief: BriefFile) -> str:
    return f"{SECTIONS[brief.kind]}/{brief.id}.md"


def edit_path(page: Page, project_dir: Path, docs_dir: Path) -> str | None:
    """Where a page's edit link points, from the docs folder: a brief's page is edited in its brief
    file; a view has nothing to edit. Quoted, since engines put it in the link as it is: no
    character of a folder name can end the href."""
    return quote(os.path.relpath(project_dir / page.source, docs_dir).replace(os.sep, "/")) if page.source else None


class Renderer:
    """Renders every page of the site from a corpus, reusing the pages of an earlier run whose inputs are unchanged."""

    def __init__(self, corpus: Corpus, settings: Settings, cache: PageCache | None = None, history: History | None = None):
        self.corpus = corpus
        self.settings = settings
        self.env = environment(settings)
        self.env.globals["memo"].reset()  # what a run made is for that run: the next has other briefs
        self.cache = cache
        self.history = history or History()
        self.scorecard = scorecard(corpus.briefs.values(), corpus.today)
        self.moved_positions = self.history.moved_positions()
        # what the matrix and the watch view mark as moved by default: since the book was last reviewed
        self.last_review = max((b.brief.reviewed for b in corpus.briefs.values()), default=corpus.today)

    def render(self, template: str, path: str, corpus: Corpus | RecordingCorpus, **context: Any) -> str:
        here = posixpath.dirname(path)

        def href(target: str, anchor: str = "") -> Markup:
            return _link(target, here, anchor)

        def brief_href(brief: BriefFile, anchor: str = "") -> Markup:
            return _link(page_path(brief), here, anchor)

        self.env.globals["range"].reset()
        try:
            markdown = self.env.get_template(template + TEMPLATE_SUFFIX).render(
                corpus=corpus, href=href, brief_href=brief_href, page=path, history=self.history, scorecard=self.scorecard,
                moved_positions=self.moved_positions, last_review=self.last_review, **context
            )
        except Exception as err:  # whatever a template raises, Jinja's or Python's: one line for the user
            raise TemplateFailure(failure_line(err, path, self.settings.project_dir)) from None
        return _EXTRA_BLANK_LINES.sub("\n\n", markdown)

    def _reused_or_made(self, key: Hashable, own: Any, make: Callable[[Corpus | RecordingCorpus], _Made]) -> _Made:
        return make(self.corpus) if self.cache is None else self.cache.reused_or_made(key, own, make)

    def brief_page(self, brief: BriefFile) -> Page:
        return self._reused_or_made(page_path(brief), whole(brief), lambda corpus: self._brief_page(brief, corpus))

    def _brief_page(self, brief: BriefFile, corpus: Corpus | RecordingCorpus) -> Page:
        path = page_path(brief)
        sources = corpus.cited_sources(brief)
        numbers = {s.id: n for n, s in enumerate(sources, start=1)}
        body = render_body(read_body(brief.raw.body, self.settings.markdown), numbers, self.settings.allow_raw_html, self.settings.markdown)
        markdown = self.render(
            brief.kind, path, corpus, brief=brief, b=brief.brief, body=Markup(body), sources=sources, numbers=numbers,
            stale=corpus.staleness(brief), tags=corpus.tags_of(brief),
        )
        return Page(path, markdown, brief.display)

    def _brief_json(self, brief: BriefFile) -> str:
        """A brief's part of briefs.json, as an earlier run wrote it if the brief is unchanged. Kept
        as UTF-8 (a byte a character, where a str of the same text takes two and, once pickled,
        three): the pieces are a quarter of the pages' text."""
        piece = self._reused_or_made(("json", brief.id), whole(brief), lambda corpus: _utf8(brief_json(brief)))
        return piece.decode("utf-8", "surrogatepass")

    def _view(self, template: str, path: str, own: Any = None) -> Page:
        # `own`: what the view shows beyond the corpus questions it asks (the history and the
        # scorecard are whole-book answers, covered by the cache's version and by this)
        own, cache = (own, self.last_review), self.cache
        make = lambda corpus: Page(path, self.render(template, path, corpus))  # noqa: E731
        if _on_demand and cache is not None:
            return cache.reused(path, own) or OnDemand(path, "", make=lambda: cache.reused_or_made(path, own, make))
        page = self._reused_or_made(path, own, make)
        _collect_young()  # a view leaves as much garbage as a hundred briefs' pages
        return page

    def _scored(self) -> bytes:
        card = self.scorecard
        return digest(repr(([(s.brief.id, s.number, s.judgment) for s in card.scored], card.unresolved, card.overdue)).encode())

    def pages(self) -> dict[str, Page]:
        with progress.stage("rendering the briefs' pages", len(self.corpus.briefs)) as rendering:
            pages = []
            for brief in self.corpus.briefs.values():
                pages.append(self.brief_page(brief))
                rendering.advance()
                if len(pages) % PAGES_BETWEEN_COLLECTIONS == 0:
                    _collect_young()
        with progress.stage("rendering the views and briefs.json"):
            made = self._views(pages)
        _collect_young()
        return made

    def _views(self, pages: list[Page]) -> dict[str, Page]:
        for section in SECTIONS.values():
            pages.append(self._view(f"{section}-index", f"{section}/index.md"))
        for view in VIEWS:
            pages.append(self._view(f"view-{view}", f"views/{view}.md"))
        pages.append(self._view("views-index", "views/index.md"))
        pages.append(self._view("view-scorecard", "views/scorecard.md", self._scored()))
        pages.append(self._reused_or_made("views/scorecard.svg", self._scored(), lambda corpus: Page("views/scorecard.svg", calibration_svg(self.scorecard))))
        pages.append(self._view("changes", CHANGES))
        paths = {b.id: page_path(b) for b in self.corpus.briefs.values()}
        pages.append(Page(FEED_FILE, atom_feed(self.history, self.corpus, self.settings.site, paths)))
        if not (self.settings.path("docs_dir") / HOME).exists():  # a hand-written home page wins
            pages.append(self._view("home", HOME))
        pages.append(self._view("tags", "tags.md"))
        pages.append(self._reused_or_made("views/timeline.svg", None, lambda corpus: Page("views/timeline.svg", timeline_svg(corpus))))
        pages.append(self._reused_or_made(CSL_JSON_FILE, None, lambda corpus: Page(CSL_JSON_FILE, csl_json(corpus.sources.values()))))
        pages.append(self._reused_or_made(BIBTEX_FILE, None, lambda corpus: Page(BIBTEX_FILE, bibtex(corpus.sources.values()))))
        pages.append(self._reused_or_made(EXPORT_FILE, None, lambda corpus: Page(EXPORT_FILE, export_json(corpus, self._brief_json))))
        return {p.path: p for p in sorted(pages, key=lambda p: p.path)}


# A page's template leaves cycles behind (Jinja's macros and the module of them each page imports,
# the recording corpus's look-ups): 2.3 million objects at 10,000 briefs, kept until the collector
# runs, which gc_paused keeps from running. A collection of the youngest generation scans
# only what was made since the one before, so collecting between pages costs no more in all than
# the one pass after the last page did, and the garbage never piles up.
PAGES_BETWEEN_COLLECTIONS = 100


def _collect_young() -> None:
    gc.collect(0)


def render_pages(corpus: Corpus, settings: Settings) -> dict[str, Page]:
    history = book_history(corpus, settings)
    cache = PageCache.open(corpus, settings, history.digest)
    with gc_paused():
        pages = Renderer(corpus, settings, cache, history).pages()
    if cache is not None:
        cache.save()
    return pages


def book_history(corpus: Corpus, settings: Settings) -> History:
    """The briefs' revisions, each comparison of two versions kept in the cache for the next run."""
    if not cache_enabled():
        return read_history(settings.briefs, corpus)
    # the changes name issues by their titles: new titles, new comparisons
    compared = Store(settings.cache, "history", digest(repr(sorted((i.id, i.brief.title) for i in corpus.issues)).encode()))
    history = read_history(settings.briefs, corpus, compared)
    compared.save()  # False (and compared again next time) where the cache cannot be written
    return history
