"""A save that changes the navigation but not the site's pages, tags or settings (a brief retitled:
its title in every page's navigation, its place in its section), redone within the last pass's
files and pages.

A full pass reads each of the book's 1,000 pages through every plugin again (Material's tags
plugin, briefbook's, the navigation made anew): over half of a title save at 1,000 briefs, for
pages whose Markdown did not change. Here the last pass's pages stay, their tags as Material's tags
plugin gathered them included; each takes its title from the new navigation (MkDocs gives a
page the title its navigation entry names, when the page is made), the navigation is made again
over them, the pages whose Markdown changed are read again, and the pages holding Material's tags
listing are read and converted again so that the listing, filled in `on_env`, shows the new titles.
"""

from __future__ import annotations

from typing import Any, Iterator

from material.plugins.tags.plugin import TagsPlugin
from material.plugins.tags.structure.listing.manager import ListingManager
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page


def possible(config: MkDocsConfig) -> bool:
    """Whether the navigation can be made again over the last pass's pages: no entry of the
    navigation an absolute path (MkDocs may look those up in the docs folder, depending on a
    setting), and each of Material's tags plugins holding its listings where `forget_listings` finds them."""
    if any(path.startswith("/") for _title, path in _entries(config["nav"] or [])):
        return False
    return all(isinstance(getattr(plugin, "listings", None), ListingManager)
               for plugin in config.plugins.values() if isinstance(plugin, TagsPlugin) and plugin.config.enabled)


def navigate(files: Files, config: MkDocsConfig) -> Navigation:
    """The navigation of `config` over the pages of `files`, each page titled as a page made for it
    would be: by the first navigation entry naming its file, if that entry has a title."""
    pages = {f.src_uri: f.page for f in files.documentation_pages() if f.page is not None}
    for page in pages.values():
        page.__dict__.pop("title", None)  # the title its entry gave it (mkdocs.utils.weak_property)
        page.parent = page.previous_page = page.next_page = None
    named: set[str] = set()
    for title, path in _entries(config["nav"] or []):
        file = files.get_file_from_path(path)  # as MkDocs finds it: `./actors/japan.md` is `actors/japan.md`
        page = pages.get(file.src_uri) if file is not None else None
        if page is not None and file.src_uri not in named:
            named.add(file.src_uri)
            if title is not None:
                page.title = title
    return get_navigation(files, config)


def forget_listings(config: MkDocsConfig, page: Page) -> None:
    """Let Material's tags plugins forget the page's listings, so that reading the page again
    gathers them anew, unfilled: a listing read again is kept as it was, filled already."""
    for plugin in config.plugins.values():
        if isinstance(plugin, TagsPlugin) and plugin.config.enabled:
            plugin.listings.data = {listing for listing in plugin.listings.data if listing.page is not page}


def _entries(data: Any) -> Iterator[tuple[str | None, str]]:
    """(title, path) of each page entry of a navigation, in order, as mkdocs.structure.nav reads it."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str):
                yield key, value
            else:
                yield from _entries(value)
    elif isinstance(data, list):
        for item in data:
            yield from _entries(item)
    elif isinstance(data, str):
        yield None, data
