"""How the preview turns one MkDocs page into its file, and what it keeps of each page for the next
save: its text as last read with its parsed front matter, its HTML for the Markdown it was
converted from, and the key of the output on disk (its Markdown and the pass's surroundings)."""

from __future__ import annotations

import copy
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..site.build_state import TAGS_LISTING
from .state import Converted, Pass, Pending, digest, write_atomic


class PageOutput:
    def __init__(self) -> None:
        self.converted: dict[str, Converted] = {}  # src_uri -> its HTML and the Markdown it came from
        self.keys: dict[str, bytes] = {}  # src_uri -> its Markdown and metadata in the last pass
        self.sources: dict[str, tuple] = {}  # src_uri -> (its text, Markdown, metadata) as last read
        self.written: dict[str, bytes] = {}  # src_uri -> the key of the page's HTML on disk

    def read(self, page: Page, config: MkDocsConfig, files: Files) -> tuple[Page, bytes, bool]:
        """A page's stages before conversion (on_pre_page, its source, on_page_markdown): the page as
        the plugins give it back, the key of its Markdown and metadata, and whether it holds Material's tags listing."""
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            self._read_source(page, config)
            listing = TAGS_LISTING in page.markdown  # the tags plugin fills it in on_env: converted every time
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        finally:
            config._current_page = None
        key = self.keys[page.file.src_uri] = digest(page.markdown, page.meta)
        return page, key, listing

    def _read_source(self, page: Page, config: MkDocsConfig) -> None:
        """`page.read_source`, with the front matter of a page whose text is that of the last pass
        not parsed again (Python-Markdown's meta parser: a second a pass at 1,000 pages)."""
        try:
            source = page.file.content_string
        except (OSError, ValueError):
            source = None
        known = self.sources.get(page.file.src_uri)
        if source is None or config.plugins.events["page_read_source"] or known is None or known[0] != source:
            page.read_source(config)  # as MkDocs reads it, its errors included
            known = self.sources[page.file.src_uri] = (source, page.markdown, copy.deepcopy(page.meta))
        page.markdown, page.meta = known[1], copy.deepcopy(known[2])

    def converted_from(self, src_uri: str, key: bytes) -> bool:
        """Whether the page's HTML kept from an earlier pass was converted from this Markdown and metadata."""
        known = self.converted.get(src_uri)
        return known is not None and known.key == key

    def reuse(self, page: Page) -> None:
        """Give the page the HTML it was converted to last time (`converted_from` its Markdown)."""
        known = self.converted[page.file.src_uri]
        page.content, page.toc = known.content, known.toc
        page._title_from_render, page.present_anchor_ids = known.title_from_render, known.anchors

    def convert(self, page: Page, config: MkDocsConfig, files: Files, key: bytes) -> None:
        config._current_page = page
        try:
            page.render(config, files)
            page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
        finally:
            config._current_page = None
        self.converted[page.file.src_uri] = Converted(key, page.content, page.toc, page._title_from_render, page.present_anchor_ids)
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)

    def output_key(self, file: File, current: Pass) -> bytes:
        return digest(current.signature, self.keys.get(file.src_uri))

    @staticmethod
    def context(page: Page, current: Pass) -> Any:
        context = get_context(current.nav, current.doc_files, current.config, page)
        return current.config.plugins.on_page_context(context, page=page, config=current.config, nav=current.nav)

    def write(self, pending: Pending, current: Pass, deferred: set[str]) -> None:
        """Lay the page into the theme and write it (converting it first if it is in `deferred`)."""
        page, config = pending.page, current.config
        if page.file.src_uri in deferred:
            self.convert(page, config, current.files, digest(page.markdown, page.meta))
            deferred.discard(page.file.src_uri)
        config._current_page = page
        page.active = True
        try:
            context = pending.context if pending.context is not None else self.context(page, current)
            template = current.env.get_template(page.meta.get("template", "main.html"))
            output = config.plugins.on_post_page(template.render(context), page=page, config=config)
        finally:
            page.active = False
            config._current_page = None
        write_atomic(page.file.abs_dest_path, output.encode("utf-8", errors="xmlcharrefreplace"))
        self.written[page.file.src_uri] = self.output_key(page.file, current)

    def forget_all_but(self, files: Files) -> None:
        """Drop what is kept of the pages that are no longer in the site."""
        for kept in (self.converted, self.sources, self.written):  # a page added again is written again
            for src in [src for src in kept if files.get_file_from_path(src) is None]:
                del kept[src]
