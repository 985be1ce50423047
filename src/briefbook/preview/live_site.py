"""`briefbook serve`: the preview, where a save shows without a full build whatever the book's size.

`mkdocs serve` builds the whole site again on every save: at 1,000 briefs that is half a
minute (benchmarks/serve.py), most of it converting 1,000 pages of Markdown that did not change
and laying each into Material's template. Here one process keeps the site between saves and
runs the stages of a MkDocs build on every save, in the same order and with every plugin, but

- briefbook's own stage runs once; when it leaves the site's shape as it was (the same pages,
  navigation, tags, problems, mkdocs.yml, theme, hand-written pages), only the changed pages'
  own stages follow, within the last pass's files and navigation (`_content_pass`); when only the
  navigation changed with them (a brief retitled), the navigation is made again over the last
  pass's pages and the tags listing filled again (`_navigate`, navigation_only.py); else every
  other stage (`_pass`);
- a page whose Markdown (after the plugins' `on_page_markdown`) and metadata are those of the last
  save keeps its HTML: Markdown is not converted again (page_output.py);
- a page whose HTML and surroundings (the navigation, the tags, mkdocs.yml, the theme) are those
  of the page already written is not written again;
- the pages to write again are marked stale, not written in the pass (after the first): a request
  for a stale page writes it before it is served (the browser asks for the page it shows as the
  pass ends), and a background thread writes the rest, giving way to saves and requests
  (stale_pages.py);
- a view that spans the book is rendered from the briefs only when it is written (views_on_demand.py);
- the search index is made in the background once no page is stale, into a folder of its own,
  and swapped in whole; an index made while another save came in is thrown away.

So a page the browser is shown is never stale: the page, the navigation, the views, the tags
and briefs.json are those of the last save. Only the search may answer from the save before for
a few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import _build_extra_template, _build_theme_template
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import _serve_url
from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from ..site.build_state import site_tags
from ..site.material_search import keeps_material_search
from ..site.pages import views_on_demand
from . import navigation_only
from .page_output import PageOutput
from .stale_pages import QUIET_SECONDS, StalePages
from .state import Pass, Pending, ThemeEnvironment, config_bytes, digest, docs_stamp, theme_stamp
from .views_on_demand import ViewsOnDemand

log = logging.getLogger("mkdocs.plugins.briefbook")
# With Material's search, past this many pages to write after one save, the pages the save did not
# change are written on request or in the background (at about 5 ms a page, 40 pages are a fifth of a second).
EAGER_PAGES = 40


class LiveSite(StalePages):
    """The site between saves: each save's pass (here), the stale pages written on request or in the background (stale_pages.py)."""

    def __init__(self, config_file: str | None, site_dir: str, dev_addr: str | None):
        self.config_file = config_file
        self.site_dir = site_dir
        self.dev_addr = dev_addr
        self.serve_url = ""
        self.output = PageOutput()
        self.theme = ThemeEnvironment()
        self.outputs: set[str] = set()
        self.stale: dict[str, Pending] = {}  # by dest path in the site, the biggest first (`_order_stale`)
        self.views = ViewsOnDemand()
        self.listings: set[str] = set()  # the pages holding Material's tags listing in the last full pass
        self.convert_here: set[str] = set()  # pages a child failed to convert: converted in this process
        views_on_demand()  # in this process, a view is rendered when it is written (views_on_demand.py)
        self.current: Pass | None = None
        self.lock = threading.RLock()  # one writer of pages at a time: a pass, a request or the background
        self.generation = 0
        self.work = threading.Condition()
        self.indexed_generation = -1
        self.search_error: str | None = None
        self.stopping = False
        self.deferred: set[str] = set()
        self.waiting = 0  # saves and requests waiting for the lock
        self.quiet_after = 0.0  # the background writes no page before this time (time.monotonic)
        self.briefbook_ran = False
        self.counting = threading.Lock()
        self.docs: list = []
        self.theme_stamp: list = []
        self.config_bytes = b""
        self.background = threading.Thread(target=self._background, daemon=True, name="briefbook-preview")

    # -- loading the configuration ---------------------------------------------------------------

    def load(self) -> MkDocsConfig:
        kwargs = {"dev_addr": self.dev_addr} if self.dev_addr else {}
        config = load_config(config_file=self.config_file, site_dir=self.site_dir, **kwargs)
        if not self.serve_url:
            host, port = config.dev_addr
            self.serve_url = _serve_url(host, port, urlsplit(config.site_url or "/").path)
        config.site_url = self.serve_url
        return config

    # -- one pass: every stage of a build, reusing what the save did not change --------------------

    def refresh(self) -> None:
        with self._first():
            started = time.perf_counter()
            self.generation += 1
            config = self.load()
            try:
                written = self._content_pass(config)
                if written is None:  # the site's shape changed: every stage, briefbook's own already run on this config
                    written = self._pass(config, briefbook_ran=self.briefbook_ran)
            except Exception as err:
                config.plugins.on_build_error(error=err)
                raise
            log.info("briefbook: preview refreshed in %.2f s (%d pages written, %d more on request or in the background)",
                     time.perf_counter() - started, written, len(self.stale))
            self.quiet_after = time.monotonic() + QUIET_SECONDS
        with self.work:
            self.work.notify_all()

    def _content_pass(self, config: MkDocsConfig) -> int | None:
        """After an edit that leaves the site's shape as it was (the same pages, tags, problems,
        mkdocs.yml, theme and hand-written pages), mark stale only the pages whose Markdown changed,
        within the previous pass's files, navigation and theme; or, when the navigation changed,
        every page, within the previous pass's files and pages (navigation_only.py). None when the
        shape changed (`briefbook_ran`: briefbook's stage has run on this config, and holds the project's lock)."""
        previous = self.current
        briefbook = config.plugins.get("briefbook")
        self.briefbook_ran = False
        if previous is None or briefbook is None or keeps_material_search(config):
            return None
        before = {path: page.markdown for path, page in briefbook.pages.items()}
        errors, signature = [d.text() for d in briefbook.errors], briefbook.signature
        earlier = briefbook.last_good[1] if briefbook.last_good is not None else None  # its tags compared only on a renavigation
        docs = docs_stamp(config)
        finished = False
        try:
            briefbook.on_config(config)
            self.briefbook_ran = True
            self.views.take(briefbook.pages, before, now=False)
            changed = [path for path, page in briefbook.pages.items() if before.get(path) != page.markdown]
            changed += [path for path in self.views.pending if path not in changed]
            if (briefbook.pages.keys() != before.keys() or docs != self.docs
                    or [d.text() for d in briefbook.errors] != errors
                    or theme_stamp(config) != self.theme_stamp or config_bytes(config) != self.config_bytes):
                return None
            renavigate = briefbook.signature != signature
            if renavigate and (list(briefbook.pages) != list(before) or briefbook.settings.pdf or earlier is None
                               or briefbook.last_good is None or site_tags(briefbook.last_good[1]) != site_tags(earlier)
                               or not navigation_only.possible(previous.config)):
                return None  # the files change order, or the tags, or the brief's PDF: a full pass
            briefbook.pages_folder.sync(briefbook.settings.cache, briefbook.pages)
            if renavigate:
                previous.config["nav"] = config["nav"]
            for path in changed:
                if renavigate and path in self.listings:
                    continue  # read and converted in `_navigate`
                file = previous.files.get_file_from_path(path)
                if file is None:
                    return None
                if file.page is None:  # briefs.json, the timeline's chart
                    file.copy_file()
                    continue
                if path not in self.views.pending:  # else read once made
                    self.output.read(file.page, previous.config, previous.files)
                self.deferred.add(file.src_uri)  # converted when it is written: on request or in the background
                self.stale[file.abs_dest_path] = Pending(file.page)
            if renavigate:
                self._navigate(previous, briefbook)
            self._order_stale()
            briefbook.on_post_build(config=previous.config)
            finished = True
            return 0
        finally:
            if finished or not self.briefbook_ran:
                briefbook.lock.close()

    def _navigate(self, previous: Pass, briefbook) -> None:
        """The rest of a pass whose navigation changed, within the previous pass's files and pages:
        the navigation made again, the pages with Material's tags listing read and converted again
        and filled (`on_env`), the theme's own pages, every page stale."""
        config, files = previous.config, previous.files
        nav = navigation_only.navigate(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        for src in self.listings:
            file = files.get_file_from_path(src)
            assert file is not None and file.page is not None
            navigation_only.forget_listings(config, file.page)
            page, key, _ = self.output.read(file.page, config, files)
            self.output.convert(page, config, files, key)
            self.deferred.discard(src)
        env = config.plugins.on_env(previous.env, config=config, files=files)
        signature = digest(briefbook.signature, [(f.src_uri, f.page.title if f.page else None) for f in previous.doc_files], self.theme_stamp)
        briefbook.build.signature = briefbook.signature  # recorded in the site's state by on_post_build
        self.current = current = Pass(config, files, nav, env, previous.doc_files, signature, self.generation)
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
        for file in previous.doc_files:
            if self.output.written.get(file.src_uri) != self.output.output_key(file, current):
                self.stale.setdefault(file.abs_dest_path, Pending(file.page))

    def _pass(self, config: MkDocsConfig, briefbook_ran: bool = False) -> int:
        self.docs = docs_stamp(config)
        self.config_bytes = config_bytes(config)
        inclusion = InclusionLevel.is_in_serve
        ran = config.plugins.get("briefbook") if briefbook_ran else None
        briefbook = config.plugins.get("briefbook")
        before = {path: page.markdown for path, page in briefbook.pages.items()} if briefbook is not None else {}
        for method in config.plugins.events["config"]:  # as `config.plugins.on_config`, less a stage already run
            if ran is None or getattr(method, "__self__", None) is not ran:
                config = method(config) or config
        briefbook = config.plugins.get("briefbook")
        if briefbook is not None:
            briefbook.previewing = True  # indexed in the background once every page is written; each page written before it is served
            if ran is None:
                self.views.take(briefbook.pages, before, now=keeps_material_search(config))
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        stamp = self.theme_stamp = theme_stamp(config)
        env = self.theme.environment(config, stamp)
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)

        material_search = keeps_material_search(config)
        doc_files = files.documentation_pages(inclusion=inclusion)
        changed: set[str] = set()  # pages whose Markdown or metadata this save changed
        deferred: set[str] = set()  # pages not converted yet
        self.listings = listings = set()
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            page = file.page
            assert page is not None
            page, key, listing = self.output.read(page, config, files)
            if listing:
                listings.add(file.src_uri)
            if not self.output.converted_from(file.src_uri, key):
                changed.add(file.src_uri)
            elif not listing:
                self.output.reuse(page)
                continue
            if material_search or listing:
                self.output.convert(page, config, files, key)
            else:
                deferred.add(file.src_uri)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=True, inclusion=inclusion)

        signature = digest(
            briefbook.signature if briefbook is not None else "",
            [(f.src_uri, f.page.title if f.page else None) for f in doc_files],
            stamp,
        )
        self.current = current = Pass(config, files, nav, env, doc_files, signature, self.generation)
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)

        to_write = [f for f in doc_files if self.output.written.get(f.src_uri) != self.output.output_key(f, current)]
        eager = to_write
        # The first pass writes every page, as a build does: the background would compete with the first edits.
        # After that, every page is written on request (the browser asks for the one it shows as soon
        # as the pass is through) or in the background; with Material's search, whose index is
        # written at the end of the pass, past EAGER_PAGES the pages the save changed now.
        if self.output.written and not material_search:
            eager = []
        elif len(eager) > EAGER_PAGES and self.output.written:
            eager = [f for f in to_write if f.src_uri in changed]
            if len(eager) > EAGER_PAGES:
                eager = []
        self.stale = {}
        writing = {f.src_uri for f in to_write} | set(self.views.pending)
        for file in doc_files:
            # Material's search plugin gathers every page in on_page_context, written or not, in the build's order
            context = self.output.context(file.page, current) if material_search else None
            if file.src_uri in writing:
                self.stale[file.abs_dest_path] = Pending(file.page, context)
        self.deferred = deferred
        for file in eager:
            self._write(self.stale.pop(file.abs_dest_path))
        self._order_stale()
        outputs = {f.abs_dest_path for f in files}
        for gone in self.outputs - outputs:
            Path(gone).unlink(missing_ok=True)
        self.outputs = outputs
        self.output.forget_all_but(files)
        config.plugins.on_post_build(config=config)
        return len(eager)
