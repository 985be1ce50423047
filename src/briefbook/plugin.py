"""The MkDocs plugin: a thin adapter that adds the rendered briefs to the build."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import material_search
from .body import MarkdownSetup
from .corpus import Corpus, load_corpus
from .diagnostics import Diagnostic, format_text
from .navigation import navigation
from .output_folder import SITE_MARK, OutputFolderError, check_target
from .project_lock import project_lock
from .render import ERROR_PAGE, Page, error_banner, error_page, render_pages, shipped_dir, template_error
from .sanitize import sanitize
from .search import SearchIndexError, build_search_index
from .settings import Settings, SettingsError
from .writer import sync_pages, write_atomic

log = logging.getLogger("mkdocs.plugins.briefbook")
STATE_FILE = SITE_MARK  # the state of the last build, which also marks the folder as a site briefbook builds
TAGS_LISTING = "<!-- material/tags"


class _CoreLog(logging.Handler):
    """What the core logs (a damaged cache file ignored, a cache that cannot be written), in MkDocs' log.
    At INFO: the build goes on without the cache, and `--strict` must not fail it for that."""

    def emit(self, record: logging.LogRecord) -> None:
        log.info("briefbook: %s", record.getMessage())


def _show_core_log() -> None:
    core = logging.getLogger("briefbook")
    if not any(isinstance(h, _CoreLog) for h in core.handlers):
        core.addHandler(_CoreLog(logging.WARNING))
        core.propagate = False


def _text(path: str | None) -> str:
    try:
        return Path(path).read_text(encoding="utf-8") if path else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _keeps_material_search(config: MkDocsConfig) -> bool:
    """Whether the site uses Material's own search plugin (registered as `material/search`) rather than Pagefind."""
    return any(name.split("/")[-1] == "search" for name in config.plugins)


def _page_url(file: File) -> str:
    """A page's URL as its search entries give it (MkDocs' Page.url): the home page is "", not "./"."""
    return "" if file.url in (".", "./") else file.url


class BriefbookConfig(base.Config):
    briefs_dir = c.Type(str, default="briefs")
    templates_dir = c.Type(str, default="templates")
    cache_dir = c.Type(str, default=".cache/briefbook")
    max_age_days = c.Type(int, default=365)
    allow_raw_html = c.Type(bool, default=False)
    strict = c.Type(bool, default=False)
    nav_section_size = c.Type(int, default=25)


class BriefbookPlugin(BasePlugin[BriefbookConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.pages: dict[str, Page] = {}
        self.last_good: dict[str, Page] | None = None
        self.errors: list[Diagnostic] = []  # shown in `mkdocs serve` until the briefs are fixed
        self.last_good_corpus: Corpus | None = None
        self.settings: Settings | None = None
        self.site_signature = ""  # what every page shows besides its own content: see on_files
        self.outputs: list[str] = []
        self.read_only: list[tuple[File, bool]] = []  # tags indexes a dirty build reads but does not rewrite
        self.generated: set[str] = set()  # the pages made from the briefs, whose HTML is sanitized
        self.dirty = False
        self.lock = ExitStack()  # the project lock, from on_config to the end of the build
        self.scratch: Path | None = None  # where the pages go when the cache folder cannot be written
        # a dirty build of a site with Material's search: the previous index, and the pages rebuilt
        self.previous_search: material_search.Entries | None = None
        self.rebuilt: set[str] = set()
        self.pages_in_order: list[str] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds, with its last good pages.
        self.serving = command == "serve"
        self.dirty = dirty
        _show_core_log()

    @event_priority(50)  # before other plugins see the nav, and before MkDocs empties site_dir
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # absolute, as in read_settings: `-f mkdocs.yml` gives a bare name, and brief paths shown
        # relative to "" fell back to absolute ones in diagnostics, edit links and briefs.json
        project_dir = Path(config.config_file_path).parent.absolute()
        try:
            self.settings = settings = Settings(
                project_dir=project_dir, docs_dir=os.path.relpath(config.docs_dir, project_dir),
                markdown=MarkdownSetup.of(config.markdown_extensions, config.mdx_configs), **dict(self.config)
            )
            check_target(Path(config.site_dir), settings, SITE_MARK, config.theme.custom_dir)
        except (SettingsError, OutputFolderError) as err:
            raise PluginError(f"briefbook: {err}") from None
        self.lock.close()
        self.lock.enter_context(project_lock(project_dir, lambda: log.info("briefbook: another build of this project is running; waiting for it")))
        # under `mkdocs build --strict` a warning fails the build: fail before MkDocs cleans site/
        result = load_corpus(settings, strict=bool(config.strict) or settings.strict)
        for d in result.diagnostics:
            (log.error if d.severity == "error" else log.warning)(d.text())
        errors = [d for d in result.diagnostics if d.severity == "error"]
        self.errors = errors
        if errors:
            self._fail(errors)
        else:
            self.pages = self._render(result)
            self.last_good, self.last_good_corpus = self.pages, result.corpus
        if self.last_good_corpus is not None:
            docs_pages = sorted(str(p.relative_to(config.docs_dir)) for p in Path(config.docs_dir).rglob("*.md"))
            config.nav = navigation(config.nav, docs_pages, self.last_good_corpus, settings.nav_section_size)
            self.site_signature = self._signature(config)
        self._add_search_box(config)
        if "briefbook.markdown_ext" not in config.markdown_extensions:
            config.markdown_extensions.append("briefbook.markdown_ext")
        return config

    @staticmethod
    def _add_search_box(config: MkDocsConfig) -> None:
        """Put the Pagefind search box (the theme overrides that ship with briefbook) in the header,
        unless the site keeps Material's own search plugin or already uses these overrides."""
        overrides = shipped_dir("overrides")
        if _keeps_material_search(config) or not overrides.is_dir():
            return
        dirs = [Path(d).resolve() for d in config.theme.dirs]
        if overrides.resolve() not in dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(overrides))

    def _render(self, result) -> dict[str, Page]:
        try:
            return render_pages(result.corpus, self.settings)
        except jinja2.TemplateError as err:
            raise PluginError(f"briefbook: {template_error(err)}") from None

    def _fail(self, errors: list[Diagnostic]) -> None:
        """In a build, stop before MkDocs touches site/; in serve, show the errors and keep the last good pages."""
        if not self.serving:
            raise PluginError("briefbook: the briefs have errors; the site was not built:\n" + format_text(errors))
        self.pages = dict(self.last_good or {})
        page = error_page(errors, self.settings)
        self.pages[page.path] = page

    def _pages_dir(self) -> Path:
        """The generated pages as files for MkDocs to read: in the cache, where their modification
        times tell `--dirty` what changed; in a temporary folder when the cache cannot be written."""
        assert self.settings is not None
        folder = self.settings.cache / "pages"
        if self.scratch is None:
            try:
                return sync_pages(folder, self.pages)
            except OSError:
                shutil.rmtree(folder, ignore_errors=True)  # a damaged folder (a file where a folder should be)
            try:
                return sync_pages(folder, self.pages)
            except OSError as err:
                self.scratch = Path(tempfile.mkdtemp(prefix="briefbook-pages-"))
                log.info("briefbook: cannot write the pages into %s (%s); using a temporary folder", folder, err.strerror or err)
        return sync_pages(self.scratch, self.pages)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.settings is not None
        pages_dir = self._pages_dir()
        self.generated = set(self.pages)
        docs_dir = Path(config.docs_dir)
        for page in self.pages.values():
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"briefbook: {docs_dir / page.path} clashes with a page briefbook generates; rename or remove it")
            file = File(page.path, src_dir=str(pages_dir), dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
            # a brief's page is edited in its brief file; a view has nothing to edit. MkDocs puts the
            # path into the edit link as it is: quoted, no character of a folder name can end the href
            file.edit_uri = quote(os.path.relpath(self.settings.project_dir / page.source, docs_dir).replace(os.sep, "/")) if page.source else None
            files.append(file)
        self._refresh_outputs(files, config)
        if not self.serving:
            # The pages now live in their cache files: let the corpus and the Markdown go before
            # MkDocs holds every page's HTML at once (a third of the peak memory at 5,000 briefs).
            # `mkdocs serve` keeps them, to show the last good pages while a brief is broken.
            self.pages, self.last_good, self.last_good_corpus = {}, None, None
        return files

    def _signature(self, config: MkDocsConfig) -> str:
        """The navigation (on every page), the tags (gathered from every page onto the tags page) and mkdocs.yml."""
        corpus = self.last_good_corpus
        assert corpus is not None
        tags = {b.id: corpus.tags_of(b) for b in corpus.briefs.values()}
        config_bytes = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
        data = json.dumps([config.nav, tags], sort_keys=True, default=str).encode() + config_bytes
        return hashlib.sha256(data).hexdigest()

    def _state_file(self, config: MkDocsConfig) -> Path:
        # inside the site folder, so that the state travels with it: `briefbook build` builds
        # into a staging folder and swaps it into place
        return Path(config.site_dir) / STATE_FILE

    def _refresh_outputs(self, files: Files, config: MkDocsConfig) -> None:
        """Make `mkdocs build --dirty` (and `serve --dirty`) right beyond the pages whose Markdown changed.

        MkDocs rebuilds only the pages newer than their output, and leaves the output of removed
        pages behind. Generated pages are rewritten only when their Markdown changes, so a content
        edit rebuilds just the pages that show it. But every page shows the navigation: when it
        changed since the last build of this site folder (a brief added, removed or retitled), or
        the tags or mkdocs.yml did, every page's output is removed so that all are rebuilt. Without
        --dirty, MkDocs has emptied site/ already and this removes nothing.
        """
        site = Path(config.site_dir).resolve()
        try:
            state = json.loads(self._state_file(config).read_text(encoding="utf-8"))
            if not isinstance(state, dict):
                state = {}
        except (OSError, ValueError):
            state = {}
        self.outputs = sorted(f.dest_uri for f in files)
        for stale in sorted(set(state.get("outputs", [])) - set(self.outputs), reverse=True):
            target = (site / stale).resolve()
            if site in target.parents:
                target.unlink(missing_ok=True)
                for folder in target.parents:
                    if folder == site or not folder.is_dir() or any(folder.iterdir()):
                        break
                    folder.rmdir()
        # until this build is through, the folder's state is "unknown": a build killed halfway
        # leaves the next dirty build to rebuild every page
        write_atomic(self._state_file(config), json.dumps({"signature": "", "outputs": self.outputs}))
        # a dirty build of a site with Material's search keeps the previous index's entries of the
        # pages it does not rebuild (on_post_build); with no readable previous index, it rebuilds all
        self.previous_search = None
        if self.dirty and _keeps_material_search(config):
            previous = material_search.read_entries(Path(config.site_dir))
            self.previous_search = previous[1] if previous else None
            if previous is None:
                state = {}
        if state.get("signature") != self.site_signature:
            for file in files.documentation_pages():
                Path(file.abs_dest_path).unlink(missing_ok=True)
            return
        # Material's tags plugin links a page's tags only if the tags index page is read in the same
        # build. So a dirty build reads it (is_modified is asked before reading) but keeps its output
        # (asked again before writing, after on_env): with the tags unchanged, that output is right.
        for file in files.documentation_pages():
            page = self.pages.get(file.src_uri)
            if TAGS_LISTING in (page.markdown if page else _text(file.abs_src_path)):
                self.read_only.append((file, file.is_modified()))
                file.is_modified = lambda: True  # type: ignore[method-assign]

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        for file, modified in self.read_only:
            file.is_modified = lambda modified=modified: modified  # type: ignore[method-assign]
        self.read_only = []
        if self.previous_search is not None:
            self.rebuilt = {_page_url(file) for file in files.documentation_pages() if file.is_modified()}
            self.pages_in_order = [_page_url(file) for file in files.documentation_pages()]
        return env

    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> str:
        if not self.errors or page.file.src_uri == ERROR_PAGE:
            return markdown
        return error_banner(self.errors, page.file.src_uri, "admonition" in config.markdown_extensions) + markdown

    @event_priority(-100)  # last, so that no plugin adds to the HTML after it is sanitized
    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str:
        assert self.settings is not None
        if self.settings.allow_raw_html or page.file.src_uri not in self.generated:
            return html  # hand-written pages are the maintainers' own, trusted as templates are
        return sanitize(html, self.settings.markdown.extensions)

    @event_priority(-50)  # index the HTML as the other plugins leave it, after Material's search has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            if not _keeps_material_search(config):
                try:
                    count = build_search_index(Path(config.site_dir))
                except SearchIndexError as err:
                    raise PluginError(f"briefbook: {err}") from None
                log.debug("Pagefind indexed %d pages", count)
            elif self.previous_search is not None:
                try:
                    material_search.write_merged(Path(config.site_dir), self.previous_search, self.pages_in_order, self.rebuilt)
                except (OSError, ValueError) as err:
                    raise PluginError(f"briefbook: could not complete the search index of the dirty build: {err}") from None
                self.previous_search = None
            # recorded only once the build is through: after a failed one, the next rebuilds every page
            write_atomic(self._state_file(config), json.dumps({"signature": self.site_signature, "outputs": self.outputs}))
        finally:
            self.lock.close()

    def on_build_error(self, *, error: Exception) -> None:
        self.previous_search = None
        self.lock.close()

    def on_shutdown(self) -> None:
        self.lock.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def on_serve(self, server, config: MkDocsConfig, builder):
        assert self.settings is not None
        for folder in (self.settings.briefs, self.settings.templates):
            if folder.is_dir():
                server.watch(str(folder))
        return server
