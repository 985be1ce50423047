"""The MkDocs plugin, the one module that imports MkDocs: the pipeline's pages added to the build, their
HTML sanitized; the dirty build and the search index left to site/build_state.py."""

from __future__ import annotations

import logging
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from mkdocs.config import base, config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import pipeline
from .files import progress
from .files.output_folder import SITE_MARK, OutputFolderError, check_target
from .files.project_lock import project_lock
from .files.shipped import add_search_box
from .format.body import MARKDOWN_EXTENSION
from .format.diagnostics import Diagnostic, format_text
from .format.settings import Settings, SettingsError, plugin_options, settings_of_mkdocs
from .site import build_state
from .site.error_page import LastGood, error_banner, shown_pages
from .site.material_search import keeps_material_search
from .site.navigation import docs_pages, navigation
from .site.pages import Page, edit_path
from .site.sanitize import sanitize

log = logging.getLogger("mkdocs.plugins.briefbook")
# briefbook's settings as MkDocs config options, with their types and defaults
BriefbookConfig = type("BriefbookConfig", (base.Config,), {name: c.Type(kind, default=default) for name, (kind, default) in plugin_options().items()})


@contextmanager
def _as_plugin_error() -> Iterator[None]:
    """What stops a run, as the one-line failure MkDocs shows for a plugin."""
    try:
        yield
    except (SettingsError, OutputFolderError, pipeline.Stop, build_state.BuildFailure) as err:
        raise PluginError(f"briefbook: {err}") from None


class BriefbookPlugin(BasePlugin[BriefbookConfig]):  # type: ignore[valid-type]
    supports_multiple_instances = False
    settings: Settings  # set in on_config, which MkDocs runs first
    build: build_state.DirtyBuild  # set in on_files

    def __init__(self) -> None:
        self.serving = self.dirty = False
        self.previewing = False  # True: the preview (preview/), which indexes in the background and writes each page before serving it
        self.pages: dict[str, Page] = {}
        self.last_good: LastGood | None = None  # shown by `mkdocs serve` while a brief is broken
        self.errors: list[Diagnostic] = []  # shown in `mkdocs serve` until the briefs are fixed
        self.signature = ""  # what every page shows besides its own content (build_state.site_signature)
        self.generated: set[str] = set()
        self.lock = ExitStack()  # the project lock, from on_config to the end of the build
        self.pages_folder = build_state.PagesFolder(lambda line: log.info("briefbook: %s", line))
        self.stage: progress.Stage = progress.Silent("", None)  # the MkDocs stage under way, shown as the CLI chose

    def on_startup(self, *, command: str, dirty: bool) -> None:  # defined: the instance lives across `mkdocs serve` rebuilds
        self.serving, self.dirty = command == "serve", dirty
        # At INFO: the build goes on without the cache, and `--strict` must not fail it for that.
        pipeline.show_core_log(lambda record: log.info("briefbook: %s", record.getMessage()))

    @event_priority(50)  # before other plugins see the nav, and before MkDocs empties site_dir
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        with _as_plugin_error():  # a warning under `--strict` fails the build here, before MkDocs cleans site/
            self.settings = settings = settings_of_mkdocs(config, dict(self.config))
            check_target(Path(config.site_dir), settings, SITE_MARK, config.theme.custom_dir)
            self.lock.close()
            self.lock.enter_context(project_lock(settings.project_dir, lambda: log.info("briefbook: another build of this project is running; waiting for it")))
            done = pipeline.run(settings, strict=bool(config.strict) or settings.strict,
                                report=lambda found: [(log.error if d.severity == "error" else log.warning)(d.text()) for d in found])
        self.errors = done.errors
        if self.errors and not self.serving:
            raise PluginError("briefbook: the briefs have errors; the site was not built:\n" + format_text(self.errors))
        self.pages, self.last_good = shown_pages(done.pages, done.corpus, self.errors, self.last_good, settings)
        if self.last_good is not None:
            config.nav = navigation(config.nav, docs_pages(Path(config.docs_dir)), self.last_good[1], settings.nav_section_size)
            self.signature = build_state.site_signature(config.nav, self.last_good[1], config.config_file_path)
        if not keeps_material_search(config):
            add_search_box(config.theme.dirs, bool(config.theme.custom_dir))
        if MARKDOWN_EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(MARKDOWN_EXTENSION)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        pages_dir, docs_dir = self.pages_folder.sync(self.settings.cache, self.pages), Path(config.docs_dir)
        for page in self.pages.values():
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"briefbook: {docs_dir / page.path} clashes with a page briefbook generates; rename or remove it")
            file = File(page.path, src_dir=str(pages_dir), dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
            file.edit_uri = edit_path(page, self.settings.project_dir, docs_dir)
            files.append(file)
        if self.settings.pdf and self.last_good is not None:  # the book and each brief as PDFs, copied into the site
            with _as_plugin_error():
                pdfs = pipeline.site_pdf_files(self.last_good[1], self.settings, Path(config.config_file_path))
            for path, source in pdfs.items():
                files.append(File(path, src_dir=str(source)[: -len(path)], dest_dir=config.site_dir, use_directory_urls=False))
        self.build = build_state.DirtyBuild(Path(config.site_dir), self.signature, keeps_material_search(config), self.dirty, self.previewing)
        self.build.begin(list(files), files.documentation_pages(), self.pages)
        self.generated = set(self.pages)  # the pages made from the briefs, whose HTML is sanitized
        self.stage = progress.begin("converting the pages to HTML (MkDocs)", len(files.documentation_pages()))
        if not self.serving:
            # the pages live in their files: let them go before MkDocs holds all the HTML (a third of the peak)
            self.pages, self.last_good = {}, None
        return files

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        self.stage.end()
        self.stage = progress.begin("laying out the pages (MkDocs)", len(files.documentation_pages()))
        self.build.before_writing(files.documentation_pages())
        return env

    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> str:
        return error_banner(self.errors, page.file.src_uri, "admonition" in config.markdown_extensions) + markdown

    @event_priority(-100)  # last, so that no plugin adds to the HTML after it is sanitized
    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str:
        self.stage.advance()
        if self.settings.allow_raw_html or page.file.src_uri not in self.generated:
            return html  # hand-written pages are the maintainers' own, trusted as templates are
        return sanitize(html, self.settings.markdown.extensions)

    @event_priority(-50)  # index the HTML as the other plugins leave it, after Material's search has written its index
    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:
        self.stage.advance()
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.stage.end()
        with self.lock, _as_plugin_error():  # the lock is let go whatever happens
            self.build.finish()

    def on_build_error(self, *, error: Exception) -> None:
        self.stage.end()
        self.lock.close()

    def on_shutdown(self) -> None:
        self.lock.close()
        self.pages_folder.remove_scratch()

    def on_serve(self, server, config: MkDocsConfig, builder):
        for folder in [f for f in (self.settings.briefs, self.settings.templates) if f.is_dir()]:
            server.watch(str(folder))
        return server

