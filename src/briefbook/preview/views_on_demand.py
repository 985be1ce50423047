"""The views the preview makes only when they are written: on request, or by the background
after the save is shown.

A title edit changes every view that lists the brief (the timeline, the sources, the matrix, the
section indexes), seconds of rendering at 1,000 briefs, while the browser shows one page. With
`site.pages.views_on_demand`, briefbook's stage leaves each view it cannot reuse from the page
cache as an `OnDemand` page; here it stands in the site with the Markdown it was last made with
(so that MkDocs' pass reads it as it stood: its title and metadata come from its template's front
matter, not from the briefs) and is marked stale; its Markdown is made, written into its file and
read again before the page is converted and laid out. A view made at once: where none was made
before in this process, where it holds Material's tags listing (filled in the pass), and with
Material's search, whose index is written from every page in the pass.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

from ..site.build_state import TAGS_LISTING
from ..site.pages import OnDemand, Page


class ViewsOnDemand:
    def __init__(self) -> None:
        self.pending: dict[str, Callable[[], Page]] = {}  # page path (its file's src_uri) -> what makes it

    def take(self, pages: dict[str, Page], earlier: dict[str, str], now: bool) -> None:
        """After briefbook's stage: each view it left to make stands in `pages` with the Markdown
        it had (`earlier`, by path), or is made now (see above)."""
        self.pending = {}
        for path, page in list(pages.items()):
            if not isinstance(page, OnDemand) or page.make is None:
                continue
            known = earlier.get(path)
            if now or not known or TAGS_LISTING in known:
                pages[path] = page.make()
            else:
                pages[path] = dataclasses.replace(page, markdown=known)
                self.pending[path] = page.make

    def make(self, path: str, pages: dict[str, Page], source_file: str) -> bool:
        """Make the view at `path` if it is still to make: its page into `pages`, its Markdown into
        its file (which MkDocs reads). Whether it was made now."""
        make = self.pending.pop(path, None)
        if make is None:
            return False
        page = pages[path] = make()
        Path(source_file).write_bytes(page.markdown.encode("utf-8"))  # as PagesFolder.sync writes it
        return True
