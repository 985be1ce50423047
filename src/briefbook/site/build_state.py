"""What a build leaves in its site folder besides the pages: the state that keeps `mkdocs build
--dirty` (and `serve --dirty`) right beyond the pages whose Markdown changed, and the search
index; and where the generated pages are put for the engine to read.

MkDocs rebuilds only the pages newer than their output, and leaves the output of removed pages
behind. Generated pages are rewritten only when their Markdown changes, so a content edit rebuilds
just the pages that show it. But every page shows the navigation: when it changed since the last
build of this site folder (a brief added, removed or retitled), or the tags or mkdocs.yml did,
every page's output is removed so that all are rebuilt. Without --dirty, MkDocs has emptied the
site folder already and this removes nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from ..corpus.corpus import Corpus
from ..files import progress
from ..files.output_folder import SITE_MARK
from ..files.writer import sync_pages, write_atomic
from . import material_search
from .pages import Page
from .search import SearchIndexError, build_search_index

TAGS_LISTING = "<!-- material/tags"

# The state of the last build, which also marks the folder as a site briefbook builds. Inside the
# site folder, so that the state travels with it: `briefbook build` builds into a staging folder
# and swaps it into place.
STATE_FILE = SITE_MARK


def site_signature(nav: Any, corpus: Corpus, config_file: str | None) -> str:
    """What every page shows besides its own content: the navigation, the tags (gathered from
    every page onto the tags page) and mkdocs.yml."""
    config_bytes = Path(config_file).read_bytes() if config_file else b""
    data = json.dumps([nav, site_tags(corpus)], sort_keys=True, default=str).encode() + config_bytes
    return hashlib.sha256(data).hexdigest()


def site_tags(corpus: Corpus) -> dict[str, list[str]]:
    """Every brief's tags, by id: the part of the site's signature that the tags page and each page's tags show."""
    return {b.id: corpus.tags_of(b) for b in corpus.briefs.values()}


def read_state(site_dir: Path) -> dict[str, Any]:
    """The state the last build left ({} when none, or unreadable: every page is then rebuilt)."""
    try:
        state = json.loads((site_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(site_dir: Path, signature: str, outputs: list[str]) -> None:
    """Recorded with the signature only once a build is through; "" until then, so that a build
    killed halfway leaves the next dirty build to rebuild every page."""
    write_atomic(site_dir / STATE_FILE, json.dumps({"signature": signature, "outputs": outputs}))


def remove_stale_outputs(site_dir: Path, previous: list[str], outputs: list[str]) -> None:
    """The outputs of the last build that this one does not make (a removed brief's page), and the folders they leave empty."""
    site = site_dir.resolve()
    for stale in sorted(set(previous) - set(outputs), reverse=True):
        target = (site / stale).resolve()
        if site in target.parents:
            target.unlink(missing_ok=True)
            for folder in target.parents:
                if folder == site or not folder.is_dir() or any(folder.iterdir()):
                    break
                folder.rmdir()


class PagesFolder:
    """The generated pages as files for the engine to read: in the cache, where their modification
    times tell `--dirty` what changed; in a temporary folder when the cache cannot be written."""

    def __init__(self, say: Callable[[str], None]):
        self.say = say  # how the adapter tells of the temporary folder
        self.scratch: Path | None = None

    def sync(self, cache_dir: Path, pages: dict[str, Page]) -> Path:
        folder = cache_dir / "pages"
        if self.scratch is None:
            try:
                return sync_pages(folder, pages)
            except OSError:
                shutil.rmtree(folder, ignore_errors=True)  # a damaged folder (a file where a folder should be)
            try:
                return sync_pages(folder, pages)
            except OSError as err:
                self.scratch = Path(tempfile.mkdtemp(prefix="briefbook-pages-"))
                self.say(f"cannot write the pages into {folder} ({err.strerror or err}); using a temporary folder")
        return sync_pages(self.scratch, pages)

    def remove_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


class BuildFailure(Exception):
    """The end of a build failed: its one line for the user."""


class DirtyBuild:
    """One build of a site folder, from the files it makes to its search index."""

    def __init__(self, site_dir: Path, signature: str, material_search_kept: bool, dirty: bool, preview: bool = False):
        self.site, self.signature, self.material, self.dirty = site_dir, signature, material_search_kept, dirty
        self.pagefind = not preview and not material_search_kept  # the preview indexes in the background instead
        # and writes every page again before serving it: removing them all first costs seconds
        self.keep_outputs = preview
        self.outputs: list[str] = []
        self.previous_search: material_search.Entries | None = None  # a dirty build with Material's search: the last index
        self.rebuilt: set[str] = set()
        self.pages_in_order: list[str] = []
        self.read_only: list[tuple[Any, bool]] = []  # tags indexes a dirty build reads but does not rewrite

    def begin(self, files: list[Any], pages: list[Any], generated: dict[str, Page]) -> None:
        """Before the engine builds: remove what the last build made and this one does not, and every
        page's output when every page must be rebuilt. `files` are the engine's files (each with
        `dest_uri`), `pages` its documentation pages (`src_uri`, `abs_src_path`, `abs_dest_path`,
        `is_modified()`), `generated` the pages made from the briefs."""
        state = read_state(self.site)
        self.outputs = sorted(f.dest_uri for f in files)
        remove_stale_outputs(self.site, state.get("outputs", []), self.outputs)
        write_state(self.site, "", self.outputs)
        # a dirty build of a site with Material's search keeps the previous index's entries of the
        # pages it does not rebuild (finish); with no readable previous index, it rebuilds all
        previous = material_search.read_entries(self.site) if self.dirty and self.material else None
        self.previous_search = previous[1] if previous else None
        if state.get("signature") != self.signature or (self.dirty and self.material and previous is None):
            for page in [] if self.keep_outputs else pages:
                Path(page.abs_dest_path).unlink(missing_ok=True)
            return
        # Material's tags plugin links a page's tags only if the tags index page is read in the same
        # build. So a dirty build reads it (is_modified is asked before reading) but keeps its output
        # (asked again before writing, `before_writing`): with the tags unchanged, that output is right.
        for page in pages:
            made = generated.get(page.src_uri)
            if lists_tags(made.markdown if made else None, page.abs_src_path):
                self.read_only.append((page, page.is_modified()))
                page.is_modified = lambda: True

    def before_writing(self, pages: list[Any]) -> None:
        """Once every page is read: the tags indexes as modified as they were, and which pages are rebuilt."""
        for page, modified in self.read_only:
            page.is_modified = lambda modified=modified: modified
        self.read_only = []
        if self.previous_search is not None:
            self.rebuilt = {_url(p) for p in pages if p.is_modified()}
            self.pages_in_order = [_url(p) for p in pages]

    def finish(self) -> None:
        """The search index, then the state: recorded only once the build is through, so that after
        a failed one the next rebuilds every page."""
        if self.pagefind:
            try:
                with progress.stage("indexing the search (Pagefind)"):
                    build_search_index(self.site)
            except SearchIndexError as err:
                raise BuildFailure(str(err)) from None
        elif self.previous_search is not None:
            try:
                material_search.write_merged(self.site, self.previous_search, self.pages_in_order, self.rebuilt)
            except (OSError, ValueError) as err:
                raise BuildFailure(f"could not complete the search index of the dirty build: {err}") from None
            self.previous_search = None
        write_state(self.site, self.signature, self.outputs)


def lists_tags(markdown: str | None, source_file: str | None) -> bool:
    """Whether a page holds Material's tags listing (its Markdown, else its file's text)."""
    if markdown is None:
        try:
            markdown = Path(source_file).read_text(encoding="utf-8") if source_file else ""
        except (OSError, UnicodeDecodeError):
            markdown = ""
    return TAGS_LISTING in markdown


def _url(page: Any) -> str:
    return "" if page.url in (".", "./") else page.url  # as the search entries give it: the home page is ""
