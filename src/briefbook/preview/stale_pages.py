"""The pages a save marked stale, written when they are asked for or by the background thread,
and the search index, made once none is stale.

A request for a stale page writes it before it is served. The background writes the rest, the
smallest first (a burst of saves then waits for milliseconds, not for a view), one step at a time
with the lock let go between them (a view's making, its conversion, its writing), giving way to a
save or a request waiting for the lock and for a second after each; a page with a lot of
Markdown is converted in a child process (convert_apart.py) while the lock is free, so that a
save never waits for the seconds it takes. The state is the live site's (live_site.py).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import jinja2

from ..site.material_search import keeps_material_search
from ..site.search import SearchIndexError, build_search_index
from . import convert_apart
from .state import Converted, Pending

log = logging.getLogger("mkdocs.plugins.briefbook")
# The background waits this long after a pass or a request for a stale page before it writes the next one:
# the browser asks for the page it shows straight after the pass.
QUIET_SECONDS = 1.0
# The background converts a page with more Markdown than this in a child process (convert_apart.py):
# the views at 1,000 briefs (0.6-1.2 MB); a brief's page (about 5 kB) converts in milliseconds.
APART_BYTES = 100_000


class StalePages:
    """Part of `LiveSite`: its lock, stale pages, page output and views to make are its own."""

    lock: threading.RLock
    counting: threading.Lock
    waiting: int
    quiet_after: float
    stale: dict[str, Pending]
    deferred: set[str]
    convert_here: set[str]
    current: Any
    output: Any
    views: Any
    generation: int
    indexed_generation: int
    search_error: str | None
    stopping: bool
    site_dir: str
    work: threading.Condition
    background: threading.Thread

    @contextlib.contextmanager
    def _first(self) -> Iterator[None]:
        """The lock, before the background's next page: a lock is not fair, and the background,
        taking it again at once, would keep a save or a request waiting until every stale page is written."""
        with self.counting:
            self.waiting += 1
        with self.lock:
            with self.counting:
                self.waiting -= 1
            yield

    def _order_stale(self) -> None:
        """The stale pages, the biggest first: the background takes the last, so that the small pages
        are written before the views, seconds each at 1,000 briefs."""
        self.stale = dict(sorted(self.stale.items(), key=lambda item: -len(item[1].page.markdown or "")))

    def _write(self, pending: Pending, one_step: bool = False) -> bool:
        """Write a stale page: first make it if it is a view still to make (and read it again),
        then convert it if its Markdown is not the one last converted, then lay it out. With
        `one_step`, only the first of these still to do, so that the background gives way to a
        save between them. Whether the page is written."""
        current = self.current
        assert current is not None
        page, config, files = pending.page, current.config, current.files
        briefbook = config.plugins.get("briefbook")
        try:
            made = briefbook is not None and self.views.make(page.file.src_uri, briefbook.pages, page.file.abs_src_path)
        except jinja2.TemplateError as err:  # a project's view template: said as a failed save is, the page left as it was
            log.error("briefbook: %s", err)
            made = False
        if made:
            pending.page, key, _ = self.output.read(page, config, files)
            if self.output.converted_from(page.file.src_uri, key):
                self.output.reuse(pending.page)
                self.deferred.discard(page.file.src_uri)
            else:
                self.deferred.add(page.file.src_uri)
            if one_step:
                return False
        if one_step and page.file.src_uri in self.deferred:
            self.output.convert(pending.page, config, files, self.output.keys[page.file.src_uri])
            self.deferred.discard(page.file.src_uri)
            return False
        self.output.write(pending, current, self.deferred)
        return True

    def _convert_apart(self, pending: Pending) -> convert_apart.Conversion | None:
        """A child converting the page, if it is a big page due for conversion (made and read already)."""
        page, current = pending.page, self.current
        src = page.file.src_uri
        if (current is None or src not in self.deferred or src in self.views.pending or src in self.convert_here
                or len(page.markdown or "") < APART_BYTES):
            return None
        conversion = convert_apart.start(page, current.config, current.files, self.output.keys[src])
        if conversion is None:
            self.convert_here.add(src)
        return conversion

    def _adopt(self, conversion: convert_apart.Conversion, converted: Converted | None) -> None:
        """The child's HTML, if the page's Markdown is still the one it converted."""
        src = conversion.page.file.src_uri
        with self.lock:
            if converted is None:
                log.info("briefbook: %s could not be converted apart; converting it here", src)
                self.convert_here.add(src)
            elif self.output.keys.get(src) == converted.key:
                self.output.converted[src] = converted
                pending = self.stale.get(conversion.page.file.abs_dest_path)
                if pending is not None and src in self.deferred and pending.page.file.src_uri == src:
                    self.output.reuse(pending.page)
                    self.deferred.discard(src)

    def ensure(self, path: str) -> None:
        """Write the page at this path of the site now, if it is stale: called before it is served."""
        if path not in self.stale:
            return
        self.quiet_after = time.monotonic() + QUIET_SECONDS  # the pages it links to may come next
        with self._first():
            pending = self.stale.pop(path, None)
            if pending is not None and self.current is not None:
                self._write(pending)

    def _gives_way(self) -> bool:
        """Whether the background leaves the lock to a save or a request, waiting or likely to come."""
        return bool(self.waiting or (self.stale and time.monotonic() < self.quiet_after))

    def _background(self) -> None:
        while not self.stopping:
            if self._gives_way():
                time.sleep(0.02)
                continue
            with self.lock:
                if self.stale:
                    if self._gives_way():  # again: a pass may have ended while this waited for the lock
                        continue
                    path = next(reversed(self.stale))  # the smallest; it stays stale until written
                    conversion = self._convert_apart(self.stale[path])
                    if conversion is None:
                        if self._write(self.stale[path], one_step=True):
                            del self.stale[path]
                        continue
                else:
                    conversion = None
                current = self.current
            if conversion is not None:  # the lock let go while a child converts the page
                self._adopt(conversion, conversion.result())
                continue
            generation = self.generation
            if current is None or self.indexed_generation == generation or keeps_material_search(current.config):
                with self.work:
                    self.work.wait(timeout=1)
                continue
            try:
                build_search_index(Path(self.site_dir), wanted=lambda: self.generation == generation)
                self.search_error = None
            except SearchIndexError as err:
                self.search_error = str(err)
                log.error("briefbook: %s", err)
            self.indexed_generation = generation

    def start(self) -> None:
        self.background.start()

    def stop(self) -> None:
        self.stopping = True
        with self.work:
            self.work.notify_all()
